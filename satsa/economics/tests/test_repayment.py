"""The repayment plan and the risk-sharing settlement (ECONOMICS.md §3)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from satsa.economics import calculate
from satsa.economics.repayment import repayment_plan, repayment_principal, settle
from satsa.economics.tests.strategies import amounts, shares


def case_with_repayment(**repayment: Any) -> dict[str, Any]:
    return {
        "start_year": 2026,
        "project_years": 2,
        "horizon_years_after_end": 2,
        "costs": [
            {"year": 2026, "amount": 600_000, "financier": "fund"},
            {"year": 2027, "amount": 400_000, "financier": "fund"},
            {"year": 2027, "amount": 250_000, "financier": "Socialnämnden"},
        ],
        "effects": [
            {"actor": "Socialnämnden", "unit_cost": 100_000, "volume": {"2027": 3, "2028": 3}},
            {"actor": "Grundskolenämnden", "unit_cost": 100_000, "volume": {"2029": 4}},
            {"actor": "Region Örebro län", "unit_cost": 50_000, "volume": {"2028": 2}},
        ],
        "repayment": repayment,
    }


@given(amounts, amounts, shares)
def test_the_principal_lies_between_the_floor_and_the_cost(
    cost: float, realised: float, floor: float
) -> None:
    principal = float(repayment_principal(cost, realised, floor))
    assert floor * cost - 1e-6 <= principal <= max(cost, floor * cost) + 1e-6
    if floor * cost <= realised <= cost:
        assert_allclose(principal, realised)


def test_savings_above_the_cost_repay_the_cost() -> None:
    s = settle(cost=1_000, realised={"A": 5_000}, floor=0.3, fee_rate=0.05, planned_shares={})
    assert (s.principal, s.fee, s.due) == (1_000, 50, 1_050)


def test_savings_below_the_floor_repay_the_floor() -> None:
    s = settle(cost=1_000, realised={"A": 100}, floor=0.3, fee_rate=0.05, planned_shares={})
    assert_allclose(s.principal, 300)
    assert s.shared_by == "realised_savings"
    assert_allclose(s.boards[0].due, 350)


def test_nothing_saved_shares_the_floor_as_planned() -> None:
    s = settle(
        cost=1_000,
        realised={"A": 0},
        floor=0.3,
        fee_rate=0.05,
        planned_shares={"A": 0.25, "B": 0.75},
    )
    assert s.shared_by == "plan"
    assert_allclose([b.due for b in s.boards], [87.5, 262.5])


def test_the_rulebook_may_share_by_the_plan_even_when_savings_exist() -> None:
    s = settle(
        cost=1_000,
        realised={"A": 900, "B": 100},
        floor=0.3,
        fee_rate=0.05,
        planned_shares={"A": 0.5, "B": 0.5},
        shared_by="plan",
    )
    # S = C: the whole cost plus the fee, half each as planned (not 90/10 as saved)
    assert_allclose([b.due for b in s.boards], [525.0, 525.0])


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=4), amounts)
def test_board_shares_add_up_to_the_amount_due(savings: list[float], cost: float) -> None:
    realised = {f"board {i}": s for i, s in enumerate(savings)}
    s = settle(
        cost=cost, realised=realised, floor=0.3, fee_rate=0.05, planned_shares={"board 0": 1.0}
    )
    assert_allclose(sum(b.due for b in s.boards), s.due, rtol=1e-9, atol=1e-6)


def test_the_plan_spreads_cost_and_fee_by_expected_savings_and_years() -> None:
    plan = repayment_plan(
        cost=1_000,
        fee_rate=0.05,
        years=[2027, 2028, 2029],
        expected={"A": np.array([100.0, 100.0, 0.0]), "B": np.array([0.0, -50.0, 200.0])},
    )
    assert_allclose([b.share for b in plan.boards], [0.5, 0.5])
    assert plan.boards[0].schedule == ((2027, 262.5), (2028, 262.5))
    # a year in which B bears a cost counts as no saving
    assert plan.boards[1].schedule == ((2029, 525.0),)


def test_calculate_charges_only_the_funds_costs_and_plans_by_board() -> None:
    repayment = calculate(case_with_repayment(boards=["Socialnämnden", "Grundskolenämnden"]))[
        "repayment"
    ]
    assert repayment["cost_charged_to_fund"] == 1_000_000  # co-financing is not repaid
    plan = repayment["plan"]
    assert plan["total"] == 1_050_000
    assert [(b["board"], b["share"]) for b in plan["boards"]] == [
        ("Socialnämnden", 0.6),
        ("Grundskolenämnden", 0.4),
    ]
    assert plan["by_year"] == [
        {"year": 2027, "amount": 315_000.0},
        {"year": 2028, "amount": 315_000.0},
        {"year": 2029, "amount": 420_000.0},
    ]
    assert "settlement" not in repayment


def test_without_listed_boards_every_actor_with_expected_savings_repays() -> None:
    plan = calculate(case_with_repayment())["repayment"]["plan"]
    assert [b["board"] for b in plan["boards"]] == [
        "Socialnämnden",
        "Grundskolenämnden",
        "Region Örebro län",
    ]


def test_realised_savings_ask_for_the_settlement() -> None:
    result = calculate(case_with_repayment(realised_savings={"Socialnämnden": 200_000}))
    settlement = result["repayment"]["settlement"]
    assert settlement["floor_amount"] == 300_000
    assert settlement["principal"] == 300_000
    assert settlement["due"] == 350_000
    assert settlement["boards"][0] == {
        "board": "Socialnämnden",
        "realised_savings": 200_000.0,
        "share": 1.0,
        "principal": 300_000.0,
        "fee": 50_000.0,
        "due": 350_000.0,
    }


def test_no_expected_savings_means_no_plan_and_a_warning() -> None:
    case = case_with_repayment(boards=["Kulturnämnden"])
    result = calculate(case)
    assert result["repayment"]["plan"]["boards"] == []
    assert [w["path"] for w in result["warnings"]] == ["repayment"]
