"""``satsa case_reminders``: steps due soon or overdue are e-mailed to whoever must act,
once each, and overdue ones to the coordinators too."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from satsa.cases import services
from satsa.cases.models import Case, Stage
from satsa.cases.reminders import SOON_DAYS, steps_remind
from satsa.events.models import Event
from satsa.rulebooks.selectors import rulebook_for

TODAY = dt.date(2026, 11, 23)


def remind(capture: Any, on: dt.date) -> list[tuple[str, str]]:
    mail.outbox.clear()
    with capture(execute=True):
        steps_remind(on=on)
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def due(case: Case, on: dt.date) -> None:
    Case.objects.filter(pk=case.pk).update(step_due_on=on)


def test_a_step_due_soon_is_reminded_once_then_once_more_when_overdue(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)  # waits for the preparation group
    due(case, TODAY + dt.timedelta(days=SOON_DAYS + 1))
    assert remind(django_capture_on_commit_callbacks, TODAY) == []

    due(case, TODAY + dt.timedelta(days=SOON_DAYS))
    sent = remind(django_capture_on_commit_callbacks, TODAY)
    assert sent == [("petra@example.org", "[Satsa] Påminnelse: Brobyggare")]
    assert (TODAY + dt.timedelta(days=SOON_DAYS)).isoformat() in mail.outbox[0].body
    # the same day, or the next: nothing new to say
    assert remind(django_capture_on_commit_callbacks, TODAY) == []
    assert remind(django_capture_on_commit_callbacks, TODAY + dt.timedelta(days=1)) == []

    overdue = remind(django_capture_on_commit_callbacks, TODAY + dt.timedelta(days=SOON_DAYS + 1))
    assert overdue == [
        ("alice@example.org", "[Satsa] Försenat: Brobyggare"),
        ("petra@example.org", "[Satsa] Försenat: Brobyggare"),
    ]
    assert remind(django_capture_on_commit_callbacks, TODAY + dt.timedelta(days=9)) == []
    kinds = [e.data["kind"] for e in Event.objects.filter(verb="case.step_reminded")]
    assert sorted(kinds) == ["overdue", "soon"]


def test_a_new_last_day_is_a_new_reminder(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    due(case, TODAY)
    assert len(remind(django_capture_on_commit_callbacks, TODAY)) == 1
    due(case, TODAY + dt.timedelta(days=2))  # the deadline was moved
    assert len(remind(django_capture_on_commit_callbacks, TODAY)) == 1


def test_only_the_boards_that_have_not_commented_are_reminded(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={c.id: {"met": True} for c in rulebook_for(case).criteria.idea.items},
    )
    services.case_advance(case=case, actor=people.preparation)
    services.case_advance(case=case, actor=people.management)
    services.board_comment_add(
        case=case, board=people.boards[0], actor=people.social_secretary, comment="Ja.", backs=True
    )
    case.refresh_from_db()
    assert case.step_due_on is not None
    late = case.step_due_on + dt.timedelta(days=1)
    recipients = [to for to, _ in remind(django_capture_on_commit_callbacks, late)]
    assert recipients == ["alice@example.org", "greta@example.org"]  # not nils, who commented


def test_finished_cases_and_other_organisations_are_left_alone(
    people: Any, walk: Any, charlie: Any, django_capture_on_commit_callbacks: Any
) -> None:
    charlie.email = "charlie@example.org"
    charlie.save(update_fields=["email"])
    case = walk.new_idea(people)
    due(case, TODAY - dt.timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(stage=Stage.REJECTED)
    assert remind(django_capture_on_commit_callbacks, TODAY) == []
    Case.objects.filter(pk=case.pk).update(stage=Stage.IDEA)
    sent = remind(django_capture_on_commit_callbacks, TODAY)
    assert "charlie@example.org" not in [to for to, _ in sent]  # Uppsala's coordinator
    assert sent


def test_the_command_reports_and_checks_its_date(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    due(case, TODAY)
    out = StringIO()
    call_command("case_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "reminded 1 case(s)"
    with pytest.raises(CommandError, match="--date: '23/11' is not a date"):
        call_command("case_reminders", "--date", "23/11")
