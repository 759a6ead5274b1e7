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
