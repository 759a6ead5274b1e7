"""The output of calculate(): its keys, rounding, nulls, the approval rule, alternatives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from satsa.economics import calculate, npv_draws

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "calc" / "familjestod-oxhagen.json"

FLOW_KEYS = {
    "year",
    "phase",
    "cost",
    "cost_by_financier",
    "savings",
    "savings_by_actor",
    "net",
    "cumulative_net",
    "discount_factor",
    "discounted_cost",
    "discounted_savings",
    "discounted_savings_by_actor",
    "discounted_net",
    "cumulative_discounted_net",
    "savings_by_perspective",
    "savings_cashable",
    "savings_non_cashable",
}
TOTAL_KEYS = {
    "cost",
    "cost_by_financier",
    "savings",
    "savings_by_actor",
    "net",
    "bcr_nominal",
    "roi_nominal",
    "payback_year_nominal",
    "break_even_nominal",
    "pv_cost",
    "pv_savings",
    "pv_savings_by_actor",
    "npv",
    "bcr",
    "roi",
    "payback_year",
    "break_even",
    "savings_by_perspective",
    "pv_savings_by_perspective",
    "savings_cashable",
    "savings_non_cashable",
    "pv_savings_cashable",
    "pv_savings_non_cashable",
    "savings_cashable_by_actor",
    "savings_non_cashable_by_actor",
}


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def small_case(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "start_year": 2026,
        "project_years": 1,
        "horizon_years_after_end": 3,
        "discount_rate": 0.05,
        "costs": [{"year": 2026, "amount": 1000}],
        "effects": [{"actor": "Socialnämnden", "unit_cost": 300, "volume_after_end": 1}],
    }
    case.update(overrides)
    return case


def test_the_example_gives_every_block() -> None:
    result = calculate(example(), draws=200, seed=1)
    assert list(result) == [
        "name",
        "currency",
        "parameters",
        "actors",
        "perspectives",
        "flows",
        "totals",
        "savings_by_value_type",
        "flows_by_actor",
        "effects",
        "approval",
        "sensitivity",
        "monte_carlo",
        "alternatives",
        "repayment",
        "warnings",
    ]
    assert set(result["flows"][0]) == FLOW_KEYS
    assert set(result["totals"]) == TOTAL_KEYS
    assert set(result["monte_carlo"]) == {
        "draws",
        "seed",
        "p_npv_nonnegative",
        "p_approval_holds",
        "alternatives",
        "mean",
        "p5",
        "p50",
        "p95",
    }
    assert [alt["key"] for alt in result["alternatives"]] == ["ordinary", "none"]
    assert set(result["repayment"]) == {
        "cost_charged_to_fund",
        "floor",
        "fee_rate",
        "plan",
        "settlement",
    }


def test_optional_blocks_appear_only_when_asked_for() -> None:
    result = calculate(small_case())
    assert not {"monte_carlo", "alternatives", "repayment"} & set(result)
    assert result["sensitivity"] == []


def test_the_example_restates_the_unit_cost_through_the_index() -> None:
    effect = calculate(example())["effects"][0]
    assert effect["unit_cost_restated"] == 438_060.0
    assert effect["kept_share"] == 0.72


def test_the_result_is_plain_json_with_money_in_ore() -> None:
    result = calculate(example(), draws=100, seed=2)
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == result
    for row in result["flows"]:
        for key in ("cost", "savings", "net", "discounted_net", "cumulative_discounted_net"):
            assert row[key] == round(row[key], 2)
    assert result["totals"]["bcr"] == round(result["totals"]["bcr"], 6)


def test_ratios_are_null_when_their_denominator_is_zero() -> None:
    totals = calculate(small_case(costs=[], effects=[]))["totals"]
    assert (totals["bcr"], totals["roi"], totals["break_even"]) == (None, None, None)
    assert (totals["bcr_nominal"], totals["break_even_nominal"]) == (None, None)
    only_cost = calculate(small_case(effects=[]))["totals"]
    assert only_cost["break_even"] is None
    assert only_cost["bcr"] == 0.0


def test_break_even_is_the_factor_that_makes_npv_zero() -> None:
    totals = calculate(small_case())["totals"]
    assert_allclose(totals["break_even"] * totals["pv_savings"], totals["pv_cost"], atol=0.01)
    assert_allclose(totals["break_even"], 1 / totals["bcr"], rtol=1e-5)
    assert_allclose(totals["roi"], totals["bcr"] - 1, atol=1e-6)


def test_payback_is_the_first_year_the_cumulative_net_turns_nonnegative() -> None:
    # 1000 in 2026, then 300 a year: cumulative −1000, −700, −400, −100 by 2029
    totals = calculate(small_case(discount_rate=0.1))["totals"]
    assert totals["payback_year_nominal"] is None
    assert totals["payback_year"] is None
    # … +200 in 2030; discounted at 10 % it takes until 2031
    totals = calculate(small_case(discount_rate=0.1, horizon_years_after_end=5))["totals"]
    assert totals["payback_year_nominal"] == 2030
    assert totals["payback_year"] == 2031


def test_the_approval_rule_on_the_nominal_basis() -> None:
    approval = calculate(small_case(horizon_years_after_end=4))["approval"]
    assert approval == {
        "rule": "savings_cover_cost",
        "basis": "nominal",
        "horizon_end": 2030,
        "savings": 1200.0,
        "cost": 1000.0,
        "margin": 200.0,
        "holds": True,
        "perspective": ["organisation"],
        "project_savings": True,
        "savings_not_counted": 0.0,
    }


def test_the_approval_rule_on_the_discounted_basis_can_fail_where_nominal_holds() -> None:
    # 1000 now against 300 a year for four years: 1200 nominal, 951 at 10 %
    case = small_case(
        discount_rate=0.1, horizon_years_after_end=4, approval={"basis": "discounted"}
    )
    approval = calculate(case)["approval"]
    assert approval["basis"] == "discounted"
    assert approval["holds"] is False
    assert_allclose(approval["margin"], calculate(case)["totals"]["npv"])


def test_alternatives_report_npv_relative_to_the_intervention() -> None:
    ordinary = {
        "name": "Ordinarie insats",
        "costs": [{"year": 2026, "amount": 200}],
        "effects": [{"actor": "Socialnämnden", "unit_cost": 100, "volume_after_end": 1}],
    }
    result = calculate(small_case(alternatives={"ordinary": ordinary, "none": {}}))
    npv = result["totals"]["npv"]
    by_key = {alt["key"]: alt for alt in result["alternatives"]}
    assert by_key["none"]["totals"]["npv"] == 0.0
    assert by_key["none"]["relative"]["npv"] == npv
    ordinary_npv = by_key["ordinary"]["totals"]["npv"]
    assert_allclose(by_key["ordinary"]["relative"]["npv"], npv - ordinary_npv, atol=0.011)
    assert by_key["ordinary"]["name"] == "Ordinarie insats"


def test_a_unit_cost_in_another_price_year_without_index_warns() -> None:
    case = small_case()
    case["effects"][0]["unit_cost_price_year"] = 2020
    warnings = calculate(case)["warnings"]
    assert [w["path"] for w in warnings] == ["effects[0].unit_cost_price_year"]
    assert "no price_index" in warnings[0]["en"]


def test_npv_draws_are_the_draws_behind_monte_carlo() -> None:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    mc = calculate(case, draws=2000, seed=5)["monte_carlo"]
    draws = npv_draws(case, mc["draws"], mc["seed"])
    assert draws.shape == (2000,)
    assert_allclose(
        [draws.mean(), *np.percentile(draws, [5, 50, 95])],
        [mc["mean"], mc["p5"], mc["p50"], mc["p95"]],
        atol=0.005,
    )
