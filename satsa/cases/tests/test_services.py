"""The pipeline's services: the happy path, every guard, versions and signatures, e-mail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from satsa.cases import selectors as sel
from satsa.cases import services
from satsa.cases.models import BoardNotice, Case, Signature, Stage
from satsa.decisions import services as decision_services
from satsa.events.models import Event
from satsa.funds.models import Kind, Transaction
from satsa.orgs.models import ExternalParty
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for


def test_it_walks_an_orebro_2020_case_from_idea_to_grant(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    walk.grant(people, case)
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED
    assert case.granted_amount == Decimal("3000000")
    assert case.idea_outcome == Case.IdeaOutcome.GO
    verbs = set(Event.objects.for_object(case).values_list("verb", flat=True))
    assert {"case.idea_submitted", "case.signed", "case.ranked", "case.decided"} <= verbs


def test_it_refuses_to_move_an_idea_on_before_the_criteria_are_checked(
    people: Any, walk: Any
) -> None:
    case = walk.new_idea(people)
    with pytest.raises(services.GuardError) as error:
        services.case_advance(case=case, actor=people.preparation)
    assert error.value.codes == ["idea_criteria_checked"]


def test_it_refuses_a_step_to_the_wrong_role(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    with pytest.raises(NotPermitted, match="annan roll"):
        services.case_advance(case=case, actor=people.management)


def test_it_refuses_a_decision_before_all_signatures(people: Any, walk: Any) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    services.signature_add(case=case, actor=people.social_head, department=people.departments[0])
    # Even forced to the decision step, the recorder cannot decide without every signature.
    Case.objects.filter(pk=case.pk).update(step="decision", priority_rank=1)
    with pytest.raises(services.GuardError) as error:
        walk.grant(people, case)
    assert "department_heads_signed" in error.value.codes


def test_it_refuses_to_leave_the_signature_step_without_every_signature(
    people: Any, walk: Any
) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    with pytest.raises(services.GuardError) as error:
        services.case_advance(case=case, actor=people.coordinator)
    assert error.value.codes == ["department_heads_signed"]


def test_it_refuses_a_decision_before_the_comment_deadline(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    # One board has not commented and its deadline is still ahead.
    notice = BoardNotice.objects.get(case=case, phase="application", board=people.boards[1])
    BoardNotice.objects.filter(pk=notice.pk).update(commented_at=None, backs=None)
    with pytest.raises(services.GuardError) as error:
        walk.grant(people, case)
    assert "boards_informed" in error.value.codes
    # Once the deadline has passed, silence does not block the decision.
    BoardNotice.objects.filter(pk=notice.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    walk.grant(people, case)
    assert Case.objects.get(pk=case.pk).outcome == Case.Outcome.GRANTED


def test_it_refuses_a_board_comment_after_the_deadline(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={c.id: {"met": True} for c in rulebook_for(case).criteria.idea.items},
    )
    services.case_advance(case=case, actor=people.preparation)
    services.case_advance(case=case, actor=people.management)
    BoardNotice.objects.filter(case=case).update(deadline=timezone.localdate() - dt.timedelta(1))
    with pytest.raises(ValidationError, match="Sista dag"):
        services.board_comment_add(
            case=case,
            board=people.boards[0],
            actor=people.social_secretary,
            comment="x",
            backs=True,
        )


def test_it_stops_an_idea_the_boards_do_not_back(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={c.id: {"met": True} for c in rulebook_for(case).criteria.idea.items},
    )
    services.case_advance(case=case, actor=people.preparation)
    services.case_advance(case=case, actor=people.management)
    services.board_comment_add(
        case=case,
        board=people.boards[0],
        actor=people.social_secretary,
        comment="Inte prioriterat.",
        backs=False,
    )
    with pytest.raises(services.GuardError) as error:
        services.case_advance(case=case, actor=people.coordinator)
    assert "boards_back_idea" in error.value.codes


def test_it_refuses_a_grant_past_the_yearly_cap_without_a_reasoned_override(
    people: Any, walk: Any
) -> None:
    today = timezone.localdate()
    for n in range(3):
        Case.objects.create(
            organisation=people.org,
            title=f"Tidigare {n}",
            rulebook_key="orebro-2020",
            stage=Stage.DECIDED,
            outcome=Case.Outcome.GRANTED,
            granted_amount=Decimal(1),
            decided_on=today,
            diarienummer=f"KS {n}",
        )
    case = walk.new_idea(people)
    # Bypass the steering step's own cap guard to test the decision's.
    walk.to_signatures(people, case)
    walk.sign_all(people, case)
    Case.objects.filter(pk=case.pk).update(step="decision", priority_rank=1)
    with pytest.raises(ValidationError) as error:
        walk.grant(people, case)
    assert "override_reason" in error.value.message_dict
    assert "Redan 3 av högst 3" in " ".join(error.value.message_dict["override_reason"])
    walk.grant(people, case, override_reason="KS prioriterar barn i Vivalla före taket i år.")
    case.refresh_from_db()
    assert case.override_reason.startswith("KS prioriterar")
    event = Event.objects.for_object(case).get(verb="case.decided")
    assert event.data["overrides"] and event.data["override_reason"]


def test_it_refuses_a_grant_over_the_free_capital_without_override(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    with pytest.raises(ValidationError, match="fria kapital"):
        walk.grant(people, case, amount=Decimal("60000000"))
    assert Case.objects.get(pk=case.pk).outcome == ""
    walk.grant(
        people,
        case,
        amount=Decimal("60000000"),
        override_reason="Fonden fylls på vid bokslutet enligt KF.",
    )
    assert Case.objects.get(pk=case.pk).outcome == Case.Outcome.GRANTED
    commitment = Transaction.objects.get(case=case, kind=Kind.COMMITMENT)
    assert commitment.override_reason == "Fonden fylls på vid bokslutet enligt KF."


def test_a_grant_books_its_commitment_in_the_fund(people: Any, walk: Any) -> None:
    from satsa.funds.selectors import fund_position

    case = walk.to_decision(people, walk.new_idea(people))
    walk.grant(people, case)
    assert fund_position(organisation=people.org).free == Decimal("47000000")


def test_it_requires_reasons_for_a_rejection(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    with pytest.raises(ValidationError, match="skälen"):
        walk.grant(people, case, outcome=Case.Outcome.REJECTED, amount=None)
    walk.grant(
        people, case, outcome=Case.Outcome.REJECTED, amount=None, reasons="Otillräcklig evidens."
    )
    case.refresh_from_db()
    assert case.stage == Stage.REJECTED and case.granted_amount is None


def test_it_keeps_diarienummer_unique_per_organisation(
    people: Any, walk: Any, uppsala: Any
) -> None:
    Case.objects.create(
        organisation=people.org, title="A", rulebook_key="orebro-2020", diarienummer="KS 2026/123"
    )
    case = walk.to_decision(people, walk.new_idea(people))
    with pytest.raises(ValidationError, match="Diarienumret"):
        walk.grant(people, case)
    # Another organisation may use the same number.
    Case.objects.create(
        organisation=uppsala, title="B", rulebook_key="uppsala-2016", diarienummer="KS 2026/123"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            organisation=people.org,
            title="C",
            rulebook_key="orebro-2020",
            diarienummer="KS 2026/123",
        )


def test_it_voids_a_signature_when_the_signed_content_changes(people: Any, walk: Any) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    walk.sign_all(people, case)
    assert "department_heads_signed" in sel.guards_holding(case, rulebook_for(case))
    services.application_save(
        case=case,
        actor=people.applicant,
        sections={**sel.latest_submitted(case).sections, "method": "Tre brobyggare."},
        figures=sel.latest_submitted(case).figures,
    )
    version = services.application_submit(case=case, actor=people.applicant)
    assert version.number == 2
    assert Signature.objects.filter(case=case, voided_at__isnull=False).count() == 2
    assert "department_heads_signed" not in sel.guards_holding(case, rulebook_for(case))
    assert Event.objects.for_object(case).filter(verb="case.signatures_voided").exists()


def test_it_shows_what_changed_between_versions(people: Any, walk: Any) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    first = sel.latest_submitted(case)
    services.application_save(
        case=case,
        actor=people.applicant,
        sections={**first.sections, "method": "Tre brobyggare på heltid."},
        figures={**first.figures, "requested_amount": "3500000"},
    )
    second = services.application_submit(case=case, actor=people.applicant)
    diff = sel.version_diff(rulebook_for(case), first, second)
    titles = [d.title for d in diff]
    assert titles == ["Metod och bemanning", "requested_amount"]
    assert "+Tre brobyggare på heltid." in diff[0].lines
    assert "-Två brobyggare på heltid." in diff[0].lines
    assert first.content_hash != second.content_hash


def test_it_blocks_submission_when_an_eligibility_rule_fails_until_exempted(
    people: Any, walk: Any
) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    walk.write_application(people, case, duration_years="6")
    with pytest.raises(ValidationError, match="inte lämnas in"):
        services.application_submit(case=case, actor=people.applicant)
    with pytest.raises(NotPermitted):
        services.exemption_grant(
            case=case, actor=people.applicant, rule="duration", reason="Vill ha längre tid."
        )
    services.exemption_grant(
        case=case,
        actor=people.coordinator,
        rule="duration",
        reason="Skolåren kräver sex år för att mäta effekten.",
    )
    version = services.application_submit(case=case, actor=people.applicant)
    assert version.is_frozen


def test_it_refuses_a_company_as_partner(people: Any, walk: Any) -> None:
    company = ExternalParty.objects.create(
        organisation=people.org, name="Konsult AB", kind=ExternalParty.Kind.COMPANY
    )
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    case.parties.add(company)
    walk.write_application(people, case)
    with pytest.raises(ValidationError, match="Konsult AB"):
        services.application_submit(case=case, actor=people.applicant)


def test_it_flags_an_overdue_step(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    assert not sel.is_overdue(case)
    Case.objects.filter(pk=case.pk).update(step_due_on=timezone.localdate() - dt.timedelta(1))
    case.refresh_from_db()
    assert sel.is_overdue(case)
    tasks = sel.tasks_for(people.preparation, people.org)
    assert [(t.case.pk, t.overdue) for t in tasks] == [(case.pk, True)]


def test_steering_rank_marks_what_fits_the_yearly_cap(people: Any, walk: Any) -> None:
    cases = []
    for title in ("Första", "Andra"):
        cases.append(walk.to_decision(people, walk.new_idea(people, title=title)))
    # Both are decided next; a third waits for the steering group with two places used.
    for n, case in enumerate(cases):
        walk.grant(people, case, diarienummer=f"KS {n}")
    third = walk.new_idea(people, title="Tredje")
    walk.to_signatures(people, third)
    walk.sign_all(people, third)
    services.case_advance(case=third, actor=people.coordinator)
    fourth = walk.new_idea(people, title="Fjärde")
    walk.to_signatures(people, fourth)
    walk.sign_all(people, fourth)
    services.case_advance(case=fourth, actor=people.coordinator)
    ranked = decision_services.steering_rank(
        organisation=people.org, actor=people.steering, order=[fourth.pk, third.pk]
    )
    assert [c.title for c in ranked] == ["Fjärde", "Tredje"]
    fits = {c.title: c.priority_fits for c in Case.objects.filter(pk__in=[third.pk, fourth.pk])}
    assert fits == {"Fjärde": True, "Tredje": False}
    with pytest.raises(NotPermitted):
        decision_services.steering_rank(organisation=people.org, actor=people.coordinator)


def test_a_department_head_signs_only_for_their_own_department(people: Any, walk: Any) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    with pytest.raises(ValidationError, match="förvaltningens chef"):
        services.signature_add(
            case=case, actor=people.school_head, department=people.departments[0]
        )


def test_the_coordinator_records_a_partner_managers_signature(people: Any, walk: Any) -> None:
    party = ExternalParty.objects.create(
        organisation=people.org,
        name="Föreningen Kultivera",
        kind=ExternalParty.Kind.CIVIL_SOCIETY,
        form=ExternalParty.Form.FORENING,
    )
    case = walk.new_idea(people)
    case.parties.add(party)
    walk.to_signatures(people, case)
    walk.sign_all(people, case)
    with pytest.raises(services.GuardError) as error:
        services.case_advance(case=case, actor=people.coordinator)
    assert error.value.codes == ["partner_managers_signed"]
    services.signature_add(case=case, actor=people.coordinator, party=party, signer_name="Maria Ek")
    services.case_advance(case=case, actor=people.coordinator)
    assert Case.objects.get(pk=case.pk).step == "steering_group"


def test_an_applicant_cannot_move_their_own_case_past_a_review(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    assert not sel.may_act_on_step(people.applicant, case, Role.PREPARATION_GROUP)
    with pytest.raises(NotPermitted):
        services.case_advance(case=case, actor=people.applicant)
