"""Termination as the guideline has it: the proposal assesses the rulebook's conditions
for reaching the intended result, the project owner takes a position first, then the
executive board decides, and what the project never claimed goes back to the fund."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.events.models import Event
from satsa.followup import services
from satsa.followup.models import ProposalStatus, TerminationProposal
from satsa.funds.models import Kind, Transaction
from satsa.funds.selectors import fund_position
from satsa.orgs.permissions import NotPermitted
from satsa.rules import get_preset

CONDITIONS = {"real_need", "new_methods", "better_outcome", "cost_reductions", "measurable_effects"}


def _assessment(*not_met: str) -> dict[str, dict[str, Any]]:
    return {c: {"met": c not in not_met, "comment": "Se rapporten."} for c in CONDITIONS}


@pytest.mark.parametrize("key", ["orebro-2016", "orebro-2020"])
def test_oerebros_rulebooks_name_the_five_conditions(key: str) -> None:
    continuation = get_preset(key).criteria.continuation
    assert continuation is not None
    assert {item.id for item in continuation.items} == CONDITIONS


def test_the_proposal_assesses_every_condition(case: Case, alice: Any) -> None:
    with pytest.raises(ValidationError, match="Bedöm varje förutsättning"):
        services.termination_propose(case=case, actor=alice, reasons="Målgruppen nås inte")
    with pytest.raises(ValidationError, match="Alla förutsättningar är uppfyllda"):
        services.termination_propose(
            case=case, actor=alice, reasons="Målgruppen nås inte", assessment=_assessment()
        )
    proposal = services.termination_propose(
        case=case,
        actor=alice,
        reasons="Målgruppen nås inte",
        assessment=_assessment("better_outcome", "measurable_effects"),
    )
    assert proposal.assessment["better_outcome"] == {"met": False, "comment": "Se rapporten."}
    event = Event.objects.get(verb="followup.termination_proposed")
    assert sorted(event.data["not_met"]) == ["better_outcome", "measurable_effects"]


def test_the_board_decides_only_after_the_project_owners_position(
    case: Case, alice: Any, karin: Any, sven: Any
) -> None:
    case.project_owner = sven
    case.save(update_fields=["project_owner"])
    proposal = services.termination_propose(
        case=case, actor=alice, reasons="Målgruppen nås inte", assessment=_assessment("real_need")
    )
    decision = {"terminate": True, "reasons": "KS § 12", "decided_on": dt.date(2026, 1, 15)}
    with pytest.raises(ValidationError, match="Projektägaren tar ställning"):
        services.termination_decide(proposal=proposal, actor=karin, **decision)
    # Only the project owner takes the owner's position.
    with pytest.raises(NotPermitted, match="Projektägaren Sven"):
        services.termination_position(proposal=proposal, actor=alice, supports=True, comment="Ja.")
    services.termination_position(
        proposal=proposal, actor=sven, supports=True, comment="Behovet finns inte längre."
    )
    services.termination_decide(proposal=proposal, actor=karin, **decision)
    proposal.refresh_from_db()
    case.refresh_from_db()
    assert (proposal.status, case.stage) == (ProposalStatus.TERMINATED, Stage.TERMINATED)
    assert Event.objects.filter(verb="followup.termination_owner_position", actor=sven).exists()


def test_a_case_without_a_project_owner_says_who_names_one(case: Case, alice: Any) -> None:
    proposal = services.termination_propose(
        case=case, actor=alice, reasons="Målgruppen nås inte", assessment=_assessment("real_need")
    )
    with pytest.raises(ValidationError, match="ingen projektägare"):
        services.termination_position(proposal=proposal, actor=alice, supports=True, comment="Ja.")


def test_termination_releases_the_unclaimed_commitment_with_a_counter_entry(
    case: Case, alice: Any, karin: Any, sven: Any
) -> None:
    from satsa.followup.tests.conftest import propose_termination

    free_before = fund_position(organisation=case.organisation).free
    proposal = propose_termination(case, alice, sven, "Målgruppen nås inte")
    services.termination_decide(
        proposal=proposal,
        actor=karin,
        terminate=True,
        reasons="KS § 12",
        decided_on=dt.date(2026, 1, 15),
    )
    assert Transaction.objects.filter(case=case, kind=Kind.RELEASE).count() == 1
    assert fund_position(organisation=case.organisation).free == free_before + case.granted_amount


def test_the_case_page_leads_through_the_steps_before_each_form(
    case: Case, alice: Any, karin: Any, sven: Any, client_as: Any
) -> None:
    case.project_owner = sven
    case.save(update_fields=["project_owner"])
    url = f"/o/orebro/uppfoljning/arende/{case.pk}/"
    propose = f"/o/orebro/uppfoljning/arende/{case.pk}/avbrytande/"
    page = client_as(alice).get(propose).content.decode()
    assert "Ett reellt behov finns." in page and 'name="met_real_need"' in page
    # A viewer of the case may not propose: told so, no form.
    page = client_as(karin).get(propose).content.decode()
    assert "Avbrytande föreslås av utvärderingsteamet" in page
    assert 'name="reasons"' not in page
    response = client_as(alice).post(
        propose,
        {
            **{f"met_{c}": "yes" for c in CONDITIONS},
            "met_better_outcome": "no",
            "comment_better_outcome": "Inga effekter efter två år.",
            "reasons": "Målgruppen nås inte.",
        },
    )
    assert response.status_code == 302
    proposal = TerminationProposal.objects.get(case=case)
    # The board's secretary sees that the project owner goes first, not a form.
    page = client_as(karin).get(url).content.decode()
    assert "Projektägaren tar ställning till förslaget först" in page
    assert 'name="terminate"' not in page
    page = client_as(sven).get(url).content.decode()
    assert "Inga effekter efter två år." in page and 'name="supports"' in page
    client_as(sven).post(
        f"/o/orebro/uppfoljning/avbrytande/{proposal.pk}/projektagare/",
        {"supports": "1", "comment": "Tillstyrks."},
    )
    page = client_as(karin).get(url).content.decode()
    assert "Projektägaren tillstyrker att satsningen avbryts." in page
    assert 'name="terminate"' in page


def test_someone_else_cannot_take_the_owners_position_through_the_page(
    case: Case, alice: Any, sven: Any, client_as: Any
) -> None:
    case.project_owner = sven
    case.save(update_fields=["project_owner"])
    proposal = services.termination_propose(
        case=case, actor=alice, reasons="Målgruppen nås inte", assessment=_assessment("real_need")
    )
    client_as(alice).post(
        f"/o/orebro/uppfoljning/avbrytande/{proposal.pk}/projektagare/",
        {"supports": "1", "comment": "Tillstyrks."},
    )
    proposal.refresh_from_db()
    assert proposal.owner_at is None
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED


def test_my_tasks_ask_the_project_owner_then_the_board_for_their_part(
    case: Case, alice: Any, karin: Any, sven: Any
) -> None:
    from satsa.cases.selectors import tasks_for

    def whats(user: Any) -> list[str]:
        return [t.what for t in tasks_for(user, case.organisation) if t.case == case]

    case.project_owner = sven
    case.save(update_fields=["project_owner"])
    proposal = services.termination_propose(
        case=case, actor=alice, reasons="Målgruppen nås inte", assessment=_assessment("real_need")
    )
    position = "Ta ställning till förslaget om avbrytande"
    decision = "Registrera kommunstyrelsens beslut om avbrytande"
    assert position in whats(sven)
    assert decision not in whats(karin)  # the owner's position comes first
    [task] = [t for t in tasks_for(sven, case.organisation) if t.what == position]
    assert task.url.endswith(f"/uppfoljning/arende/{case.pk}/")
    services.termination_position(proposal=proposal, actor=sven, supports=True, comment="Ja.")
    assert position not in whats(sven)
    assert decision in whats(karin)
    assert decision not in whats(alice)  # the coordinator records no board decision
    services.termination_decide(
        proposal=proposal,
        actor=karin,
        terminate=True,
        reasons="KS § 12",
        decided_on=timezone.localdate(),
    )
    assert decision not in whats(karin)


def test_the_release_says_why_in_words_not_as_a_code(
    case: Case, alice: Any, karin: Any, sven: Any
) -> None:
    from satsa.followup.tests.conftest import propose_termination

    proposal = propose_termination(case, alice, sven, "Målgruppen nås inte")
    services.termination_decide(
        proposal=proposal,
        actor=karin,
        terminate=True,
        reasons="KS § 12",
        decided_on=dt.date(2026, 1, 15),
    )
    release = Transaction.objects.get(case=case, kind=Kind.RELEASE)
    assert release.description == "Kommunstyrelsen beslutade att avbryta satsningen."


def test_after_termination_the_final_report_covers_the_project_up_to_the_decision(
    case: Case, alice: Any, karin: Any, sven: Any
) -> None:
    from satsa.followup.models import Report, ReportKind
    from satsa.followup.tests.conftest import propose_termination

    services.reports_schedule(case=case, actor=alice)
    final = Report.objects.get(case=case, kind=ReportKind.FINAL)
    delay = final.due_date - final.period_end
    decided_on = dt.date(2026, 1, 15)
    assert final.period_end > decided_on
    proposal = propose_termination(case, alice, sven, "Målgruppen nås inte")
    services.termination_decide(
        proposal=proposal, actor=karin, terminate=True, reasons="KS § 12", decided_on=decided_on
    )
    final.refresh_from_db()
    assert (final.period_end, final.due_date) == (decided_on, decided_on + delay)
    assert not Report.objects.filter(
        case=case, kind=ReportKind.PERIODIC, period_end__gt=decided_on
    ).exists()
