"""The coordinator registers a board's comment and a partner's signature on their behalf;
the activity log says who registered it for whom, never that the coordinator signed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satsa.cases import services
from satsa.cases.models import BoardNotice, Case
from satsa.events.models import Event
from satsa.events.templatetags.events import event_sentence
from satsa.orgs.models import ExternalParty
from satsa.orgs.permissions import NotPermitted


def _at_idea_boards(people: Any, walk: Any) -> Case:
    case = walk.new_idea(people)
    services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={
            c: {"met": True}
            for c in (
                "real_need",
                "new_methods",
                "several_actors",
                "outcome_and_savings",
                "leadership_priorities",
            )
        },
    )
    services.case_advance(case=case, actor=people.preparation)
    services.case_advance(case=case, actor=people.management)
    return case


def _minutes() -> SimpleUploadedFile:
    return SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4 protokollsutdrag")


def test_the_coordinator_registers_a_boards_comment_with_its_document(
    people: Any, walk: Any
) -> None:
    case = _at_idea_boards(people, walk)
    notice = services.board_comment_add(
        case=case,
        board=people.boards[0],
        actor=people.coordinator,
        comment="Socialnämnden ställer sig bakom (protokoll § 4).",
        backs=True,
        document=_minutes(),
    )
    assert notice.on_behalf and notice.document and notice.commented_by == people.coordinator
    event = Event.objects.get(verb="case.board_comment_registered")
    assert event.actor == people.coordinator
    assert event_sentence(event) == "registrerade yttrandet för Socialnämnden"


def test_it_refuses_a_comment_on_the_boards_behalf_without_its_document(
    people: Any, walk: Any
) -> None:
    case = _at_idea_boards(people, walk)
    with pytest.raises(ValidationError, match="nämndens handling"):
        services.board_comment_add(
            case=case, board=people.boards[0], actor=people.coordinator, comment="Ja.", backs=True
        )
    assert not BoardNotice.objects.filter(case=case, commented_at__isnull=False).exists()


def test_only_the_boards_secretary_or_the_coordinator_gives_the_comment(
    people: Any, walk: Any
) -> None:
    case = _at_idea_boards(people, walk)
    # The school board's secretary is not the social board's, and a viewer is nobody's.
    for person in (people.school_secretary, people.viewer, people.steering):
        with pytest.raises(NotPermitted, match="sekreterare"):
            services.board_comment_add(
                case=case,
                board=people.boards[0],
                actor=person,
                comment="Ja.",
                backs=True,
                document=_minutes(),
            )


def test_a_coordinator_of_another_organisation_cannot_register_a_comment(
    people: Any, walk: Any, charlie: Any
) -> None:
    case = _at_idea_boards(people, walk)
    with pytest.raises(NotPermitted, match="sekreterare"):
        services.board_comment_add(
            case=case,
            board=people.boards[0],
            actor=charlie,
            comment="Ja.",
            backs=True,
            document=_minutes(),
        )


def test_a_partners_signature_is_logged_as_registered_for_the_partner(
    people: Any, walk: Any
) -> None:
    party = ExternalParty.objects.create(
        organisation=people.org,
        name="Föreningen Kultivera",
        kind=ExternalParty.Kind.CIVIL_SOCIETY,
        form=ExternalParty.Form.FORENING,
    )
    case = walk.new_idea(people)
    case.parties.add(party)
    walk.to_signatures(people, case)
    services.signature_add(case=case, actor=people.coordinator, party=party, signer_name="Maria Ek")
    event = Event.objects.filter(actor=people.coordinator, verb__startswith="case.sign").get()
    assert event.verb == "case.signature_registered"
    assert event_sentence(event) == "registrerade underskriften för Föreningen Kultivera"
    assert "undertecknade" not in event_sentence(event)


def test_the_comments_page_says_who_comments_before_the_form(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = _at_idea_boards(people, walk)
    url = reverse("cases:comments", args=["orebro", case.pk])
    html = client_as(people.coordinator).get(url).content.decode()
    assert "Registrera nämndens yttrande för nämndens räkning" in html
    assert 'name="document"' in html
    assert "lämnas av nämndens sekreterare Nils" in html
    # A steering-group member may neither comment nor register: no form, only who may.
    html = client_as(people.steering).get(url).content.decode()
    assert 'name="comment"' not in html
    assert "lämnas av nämndens sekreterare" in html


def test_the_coordinator_registers_a_comment_through_the_page(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = _at_idea_boards(people, walk)
    client = client_as(people.coordinator)
    url = reverse("cases:comments", args=["orebro", case.pk])
    response = client.post(
        url,
        {
            "board": people.boards[1].pk,
            "backs": "yes",
            "comment": "Grundskolenämnden tillstyrker.",
            "document": _minutes(),
        },
    )
    assert response.status_code == 302
    notice = BoardNotice.objects.get(case=case, board=people.boards[1])
    assert notice.on_behalf
    html = client.get(url).content.decode()
    assert "Registrerat av Alice för Grundskolenämnden." in html
    document = client.get(reverse("cases:board_document", args=["orebro", case.pk, notice.pk]))
    assert document.status_code == 200
    assert b"".join(document.streaming_content).startswith(b"%PDF")
    activity = client.get(reverse("cases:activity", args=["orebro", case.pk])).content.decode()
    assert "registrerade yttrandet för Grundskolenämnden" in activity


def test_the_secretary_still_comments_for_their_own_board(people: Any, walk: Any) -> None:
    case = _at_idea_boards(people, walk)
    notice = services.board_comment_add(
        case=case,
        board=people.boards[0],
        actor=people.social_secretary,
        comment="Ja.",
        backs=True,
    )
    assert not notice.on_behalf
    assert Event.objects.filter(verb="case.board_commented", actor=people.social_secretary)


def test_an_applicant_is_told_who_comments_without_names(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = _at_idea_boards(people, walk)
    url = reverse("cases:comments", args=["orebro", case.pk])
    html = client_as(people.applicant).get(url).content.decode()
    assert "lämnas av nämndens sekreterare, eller registreras av processledaren" in html
    assert "Nils" not in html
