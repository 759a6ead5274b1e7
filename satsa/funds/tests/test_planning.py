"""The repayment plan drawn from the case's calculation (ECONOMICS.md §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.calculations.models import Calculation
from satsa.funds import planning
from satsa.funds.models import RepaymentPlan

CALCULATION = {
    "name": "Familjestöd",
    "start_year": 2016,
    "project_years": 3,
    "horizon_years_after_end": 2,
    "costs": [{"year": 2016, "amount": 1000000, "financier": "fund", "type": "personal"}],
    "effects": [
        # 300 000 a year at Socialnämnden in 2017 and 2018 (600 000) ...
        {
            "name": "Placeringar",
            "actor": "Socialnämnden",
            "unit": "år",
            "unit_cost": 300000,
            "volume": {"2017": 1, "2018": 1},
        },
        # ... 200 000 in 2019 at Grundskolenämnden, and savings at a non-board actor
        {
            "name": "Omgångar",
            "actor": "Grundskolenämnden",
            "unit": "elever",
            "unit_cost": 100000,
            "volume": {"2019": 2},
        },
        {
            "name": "Vård",
            "actor": "Region Örebro län",
            "unit": "dygn",
            "unit_cost": 5000,
            "volume": {"2019": 10},
        },
    ],
}


def with_calculation(case: Any) -> Any:
    Calculation.objects.create(case=case, organisation=case.organisation, data=CALCULATION)
    return case


def test_it_splits_cost_and_fee_by_the_boards_expected_savings(granted_case: Any) -> None:
    lines = planning.plan_lines_from_calculation(with_calculation(granted_case))
    got = {(line.board.name, line.year): (line.principal, line.fee) for line in lines}
    # C = 1 000 000 kr, fee 5 % (Örebro 2016); weights 300/300/200 of 800 thousand
    assert got == {
        ("Socialnämnden", 2017): (Decimal("375000.00"), Decimal("18750.00")),
        ("Socialnämnden", 2018): (Decimal("375000.00"), Decimal("18750.00")),
        ("Grundskolenämnden", 2019): (Decimal("250000.00"), Decimal("12500.00")),
    }


def test_the_plan_is_recorded_in_the_ledger(granted_case: Any, alice: Any) -> None:
    plan = planning.repayment_plan_from_calculation(
        case=with_calculation(granted_case), decided_on=granted_case.decided_on, actor=alice
    )
    assert plan.kind == RepaymentPlan.Kind.PLAN
    assert sum(line.principal for line in plan.lines.all()) == granted_case.granted_amount


def test_a_case_without_a_calculation_gets_a_clear_message(granted_case: Any) -> None:
    with pytest.raises(ValidationError, match="ingen kalkyl"):
        planning.plan_lines_from_calculation(granted_case)


def test_a_case_without_a_granted_amount_is_refused_with_a_message(
    funded: Any, make_case: Any, alice: Any
) -> None:
    case = with_calculation(make_case(funded, granted=None))
    with pytest.raises(ValidationError, match="inget beviljat belopp"):
        planning.repayment_plan_from_calculation(
            case=case, decided_on=dt.date(2016, 1, 1), actor=alice
        )
    assert not RepaymentPlan.objects.exists()


def test_a_rulebook_without_repayment_refuses_a_plan(
    funded: Any, make_case: Any, alice: Any
) -> None:
    case = with_calculation(make_case(funded, rulebook_key="orebro-2020"))
    with pytest.raises(ValidationError):
        planning.repayment_plan_from_calculation(case=case, decided_on=case.decided_on, actor=alice)
    assert not RepaymentPlan.objects.exists()


def test_the_coordinator_draws_up_the_plan_from_the_case_page(
    client_as: Any, alice: Any, bob: Any, granted_case: Any
) -> None:
    with_calculation(granted_case)
    page = client_as(alice).get(reverse("funds:case", args=["orebro", granted_case.pk]))
    assert "Upprätta återföringsplan från kalkylen" in page.content.decode()
    url = reverse("funds:repayment_plan", args=["orebro", granted_case.pk])
    assert client_as(bob).post(url).status_code in (403, 404)
    assert not RepaymentPlan.objects.exists()
    response = client_as(alice).post(url)
    assert response.status_code == 302
    assert RepaymentPlan.objects.filter(case=granted_case).count() == 1


# --- drawn from the realisation plan ---------------------------------------------------

REALISATION = [
    {"board": "Socialnämnden", "year": 2018, "amount": 200000, "measure": "budget_frame"},
    {"board": "Socialnämnden", "year": 2018, "amount": 100000, "measure": "fewer_posts"},
    {"board": "Grundskolenämnden", "year": 2019, "amount": 100000, "measure": "other"},
]


def with_realisation(case: Any) -> Any:
    Calculation.objects.create(
        case=case,
        organisation=case.organisation,
        data={**CALCULATION, "realisation_plan": REALISATION},
    )
    return case


def test_it_splits_cost_and_fee_by_what_the_realisation_plan_takes_home(
    granted_case: Any,
) -> None:
    lines = planning.plan_lines_from_realisation(with_realisation(granted_case))
    got = {(line.board.name, line.year): (line.principal, line.fee) for line in lines}
    # weights 300 (two measures in 2018) and 100 thousand of 400
    assert got == {
        ("Socialnämnden", 2018): (Decimal("750000.00"), Decimal("37500.00")),
        ("Grundskolenämnden", 2019): (Decimal("250000.00"), Decimal("12500.00")),
    }


def test_a_case_without_a_realisation_plan_gets_a_clear_message(granted_case: Any) -> None:
    with pytest.raises(ValidationError, match="ingen effekthemtagningsplan"):
        planning.plan_lines_from_realisation(with_calculation(granted_case))


def test_the_coordinator_draws_the_plan_from_the_realisation_plan_on_the_case_page(
    client_as: Any, alice: Any, bob: Any, granted_case: Any
) -> None:
    from satsa.events.models import Event

    with_realisation(granted_case)
    page = client_as(alice).get(reverse("funds:case", args=["orebro", granted_case.pk]))
    assert "Upprätta återföringsplan från effekthemtagningsplanen" in page.content.decode()
    url = reverse("funds:repayment_plan", args=["orebro", granted_case.pk])
    assert client_as(bob).post(url, {"source": "realisation"}).status_code in (403, 404)
    response = client_as(alice).post(url, {"source": "realisation"})
    assert response.status_code == 302
    plan = RepaymentPlan.objects.get(case=granted_case)
    assert [(line.board.name, line.year) for line in plan.lines.all()] == [
        ("Socialnämnden", 2018),
        ("Grundskolenämnden", 2019),
    ]
    event = Event.objects.filter(verb="fund.repayment_planned").latest("pk")
    assert event.data["source"] == "realisation"


def test_uppsala_books_the_realisation_plan_as_reduced_budget_frames(up: Any) -> None:
    case = up.case
    Calculation.objects.create(
        case=case,
        organisation=case.organisation,
        data={
            **CALCULATION,
            "realisation_plan": [
                {"board": "Socialnämnden", "year": 2019, "amount": 1, "measure": "budget_frame"}
            ],
        },
    )
    plan = planning.repayment_plan_from_realisation(
        case=case, decided_on=case.decided_on, actor=up.coordinator
    )
    assert plan.method == RepaymentPlan.Method.BUDGET_FRAME
    assert [(line.year, line.principal, line.fee) for line in plan.lines.all()] == [
        (2019, case.granted_amount, Decimal("0.00"))
    ]
