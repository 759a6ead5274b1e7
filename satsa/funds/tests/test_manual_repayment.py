"""The manual repayment plan, whether the repayment model applies (by the project's start
date, with the coordinator's recorded choice in the guideline's gap), and the settlement
of a finished case through the money page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import RepaymentChoice, RepaymentPlan
from satsa.funds.services import ManualLine
from satsa.orgs.models import Board
from satsa.orgs.permissions import NotPermitted


def _lines(case: Any, split: tuple[int, int] = (600000, 400000)) -> list[ManualLine]:
    social = Board.objects.get(organisation=case.organisation, name="Socialnämnden")
    school = Board.objects.get(organisation=case.organisation, name="Grundskolenämnden")
    return [
        ManualLine(board=social, year=2019, amount=Decimal(split[0])),
        ManualLine(board=school, year=2020, amount=Decimal(split[1])),
    ]


def test_a_manual_plan_shares_the_cost_and_adds_the_fee_per_line(
    granted_case: Any, alice: Any
) -> None:
    plan = services.repayment_plan_manual(
        case=granted_case,
        lines=_lines(granted_case),
        reason="Beslutat 2016 utan kalkyl i Satsa.",
        decided_on=dt.date(2016, 1, 1),
        actor=alice,
    )
    got = {(line.board.name, line.year): (line.principal, line.fee) for line in plan.lines.all()}
    # C = 1 000 000, fee 5 % = 50 000 shared 60/40 like the principal.
    assert got == {
        ("Socialnämnden", 2019): (Decimal("600000.00"), Decimal("30000.00")),
        ("Grundskolenämnden", 2020): (Decimal("400000.00"), Decimal("20000.00")),
    }
    assert plan.manual and plan.reason == "Beslutat 2016 utan kalkyl i Satsa."
    event = Event.objects.get(verb="fund.repayment_planned")
    assert event.data["manual"] is True and event.actor_id == alice.pk


def test_a_manual_plan_needs_a_reason_and_the_whole_cost(granted_case: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="skälet"):
        services.repayment_plan_manual(
            case=granted_case,
            lines=_lines(granted_case),
            reason=" ",
            decided_on=dt.date(2016, 1, 1),
            actor=alice,
        )
    with pytest.raises(ValidationError, match="hela kostnaden"):
        services.repayment_plan_manual(
            case=granted_case,
            lines=_lines(granted_case, (600000, 300000)),
            reason="Historiskt ärende.",
            decided_on=dt.date(2016, 1, 1),
            actor=alice,
        )
    assert not RepaymentPlan.objects.exists()


def test_an_applicant_may_not_write_a_plan(granted_case: Any, bob: Any) -> None:
    with pytest.raises(NotPermitted):
        services.repayment_plan_manual(
            case=granted_case,
            lines=_lines(granted_case),
            reason="Försök.",
            decided_on=dt.date(2016, 1, 1),
            actor=bob,
        )


def test_the_model_is_decided_by_the_start_date_not_the_idea_date(
    funded: Any, make_case: Any, alice: Any
) -> None:
    """An idea entered in 2019 (so pinned to the 2016 rulebook) whose project starts in
    2020 falls outside the repayment model (Örebro 2020)."""
    case = make_case(funded, title="Startar 2020", start=dt.date(2020, 2, 1))
    applicability = services.repayment_applicability(case)
    assert (applicability.verdict, applicability.applies) == ("no", False)
    assert "2020-02-01" in applicability.explanation
    with pytest.raises(ValidationError, match="startar från 2020"):
        services.repayment_plan_manual(
            case=case,
            lines=_lines(case),
            reason="Försök.",
            decided_on=dt.date(2019, 12, 1),
            actor=alice,
        )


def test_a_2019_start_waits_for_the_coordinators_recorded_choice(
    funded: Any, make_case: Any, alice: Any, bob: Any
) -> None:
    case = make_case(funded, title="Startar 2019", start=dt.date(2019, 3, 1))
    assert services.repayment_applicability(case).verdict == "choice"
    assert services.repayment_applicability(case).applies is None
    with pytest.raises(ValidationError, match="ta ställning"):
        services.repayment_plan_manual(
            case=case,
            lines=_lines(case),
            reason="Historiskt.",
            decided_on=dt.date(2019, 1, 1),
            actor=alice,
        )
    with pytest.raises(NotPermitted):
        services.repayment_choice_record(case=case, applies=True, reason="x", actor=bob)
    services.repayment_choice_record(
        case=case, applies=True, reason="Beslutat med återföringsplan 2018.", actor=alice
    )
    assert services.repayment_applicability(case).applies is True
    assert Event.objects.filter(verb="fund.repayment_choice_recorded", actor=alice).exists()
    with pytest.raises(ValidationError, match="redan gjort"):
        services.repayment_choice_record(case=case, applies=False, reason="Ångrar", actor=alice)
    services.repayment_plan_manual(
        case=case,
        lines=_lines(case),
        reason="Historiskt.",
        decided_on=dt.date(2019, 1, 1),
        actor=alice,
    )


def test_no_choice_where_the_rulebook_decides(granted_case: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="avgör själv"):
        services.repayment_choice_record(
            case=granted_case, applies=False, reason="Vill inte.", actor=alice
        )
    assert not RepaymentChoice.objects.exists()


def _paid(case: Any) -> None:
    claim = services.claim_submit(
        case=case,
        period_code="helar",
        period_end=dt.date(2016, 12, 31),
        amount=Decimal("1000000"),
        actor=system_actor(),
        idempotency_key="k1",
        submitted_on=dt.date(2017, 1, 10),
    )
    services.claim_approve(
        claim=claim, actor=system_actor(), idempotency_key="k2", approved_on=dt.date(2017, 1, 20)
    )
    claim.refresh_from_db()
    services.payment_book(
        claim=claim, booked_on=dt.date(2017, 1, 30), actor=system_actor(), idempotency_key="k3"
    )


def test_the_coordinator_writes_a_plan_and_settles_a_finished_case_on_the_money_page(
    granted_case: Any, alice: Any, client_as: Any
) -> None:
    client = client_as(alice)
    url = reverse("funds:case", args=["orebro", granted_case.pk])
    page = client.get(url).content.decode()
    assert "Besluta den manuella planen" in page
    response = client.post(
        reverse("funds:repayment_manual", args=["orebro", granted_case.pk]),
        {
            "lines": "2019;Socialnämnden;600 000\n2020;grundskole;400000",
            "reason": "Beslutat före Satsa.",
            "decided_on": "2016-01-01",
            "reference": "KS 2015/1",
        },
    )
    assert response.status_code == 302
    plan = sel.plan_in_force(granted_case)
    assert plan is not None and plan.manual
    _paid(granted_case)
    page = client.get(url).content.decode()
    assert "Avräkna återföringen" in page  # ended 2018-12-31
    social = Board.objects.get(organisation=granted_case.organisation, name="Socialnämnden")
    school = Board.objects.get(organisation=granted_case.organisation, name="Grundskolenämnden")
    response = client.post(
        reverse("funds:settlement", args=["orebro", granted_case.pk]),
        {
            "settled_on": "2019-06-30",
            "reference": "Utvärderingsrapport 2019",
            f"savings_{social.pk}": "200 000",
            f"savings_{school.pk}": "0",
        },
    )
    assert response.status_code == 302
    settlement = sel.plan_in_force(granted_case)
    assert settlement is not None and settlement.kind == RepaymentPlan.Kind.SETTLEMENT
    # Risk sharing: savings 200 000 < floor 30 % of 1 000 000, so 300 000 + fee 50 000.
    assert sum(line.principal for line in settlement.lines.all()) == Decimal("300000.00")
    assert sum(line.fee for line in settlement.lines.all()) == Decimal("50000.00")
    assert "Avräkna återföringen" not in client.get(url).content.decode()


def test_an_applicant_cannot_post_a_plan_or_a_settlement(
    granted_case: Any, bob: Any, client_as: Any, charlie: Any
) -> None:
    for user in (bob, charlie):
        client = client_as(user)
        for name in ("funds:repayment_manual", "funds:settlement", "funds:repayment_choice"):
            response = client.post(reverse(name, args=["orebro", granted_case.pk]), {})
            assert response.status_code in (403, 404)
    assert not RepaymentPlan.objects.exists()


def test_the_money_page_says_why_and_asks_for_the_choice(
    funded: Any, make_case: Any, alice: Any, client_as: Any
) -> None:
    client = client_as(alice)
    late = make_case(funded, title="Startar 2020", start=dt.date(2020, 2, 1))
    page = client.get(reverse("funds:case", args=["orebro", late.pk])).content.decode()
    assert "modellen tillämpas inte för satsningar som startar från 2020-01-01" in page
    assert "Besluta den manuella planen" not in page
    gap = make_case(funded, title="Startar 2019", start=dt.date(2019, 3, 1))
    url = reverse("funds:case", args=["orebro", gap.pk])
    page = client.get(url).content.decode()
    assert "Registrera valet" in page and "Besluta den manuella planen" not in page
    response = client.post(
        reverse("funds:repayment_choice", args=["orebro", gap.pk]),
        {"applies": "yes", "reason": "Planen beslutades med bidraget 2018."},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Registrera valet" not in page and "Besluta den manuella planen" in page
    assert "Planen beslutades med bidraget 2018." in page
