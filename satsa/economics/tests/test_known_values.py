"""Known values from the literature (ECONOMICS.md §4), through the engine and calculate()."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from satsa.economics import calculate
from satsa.economics.engine import derive_unit_cost, discount_factors, present_value
from satsa.economics.repayment import settle


def one_effect_case(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "start_year": 0,
        "project_years": 1,
        "horizon_years_after_end": 5,
        "discount_rate": 0.035,
        "costs": [{"year": 0, "amount": 100}],
        "effects": [{"actor": "Socialnämnden", "unit_cost": 30, "volume_after_end": 1}],
    }
    case.update(overrides)
    return case


def test_green_book_discount_factor_one_year_on() -> None:
    assert_allclose(discount_factors([1], 0.035, 0), [0.966184], atol=5e-7)


def test_green_book_npv_of_the_textbook_flows() -> None:
    assert_allclose(
        present_value([-100, 30, 30, 30, 30, 30], range(6), 0.035, 0), 35.4516, atol=5e-5
    )


def test_green_book_npv_through_calculate() -> None:
    result = calculate(one_effect_case())
    assert_allclose(result["totals"]["npv"], 35.4516, atol=0.005)
    assert_allclose(result["flows"][1]["discount_factor"], 0.966184, atol=5e-7)
    assert result["flows"][0]["discount_factor"] == 1.0


def wsipp_case() -> dict[str, Any]:
    # S. Aos' teaching example: cost 3 000 in year 1, benefit 500 a year in years 1…20,
    # 3 %, the spreadsheet convention (base year 0: the first flow is discounted once).
    return {
        "start_year": 1,
        "project_years": 1,
        "horizon_years_after_end": 19,
        "discount_rate": 0.03,
        "discount_base_year": 0,
        "costs": [{"year": 1, "amount": 3000}],
        "effects": [
            {"actor": "Staten", "unit_cost": 500, "volume": {"1": 1}, "volume_after_end": 1}
        ],
    }


def test_wsipp_present_values_npv_and_bcr() -> None:
    totals = calculate(wsipp_case())["totals"]
    assert_allclose(totals["pv_savings"], 7438.74, atol=0.005)
    assert_allclose(totals["pv_cost"], 2912.62, atol=0.005)
    assert_allclose(totals["npv"], 4526.12, atol=0.005)
    assert_allclose(totals["bcr"], 2.55, atol=0.005)


def test_wsipp_nominal_figures_are_plain_sums() -> None:
    totals = calculate(wsipp_case())["totals"]
    assert totals["savings"] == 10_000.0
    assert totals["cost"] == 3_000.0
    assert totals["net"] == 7_000.0


def test_optimism_bias_of_51_percent_on_costs() -> None:
    case = one_effect_case(
        start_year=2026,
        project_years=3,
        horizon_years_after_end=0,
        optimism_bias={"costs": 0.51},
        costs=[
            {"year": 2026, "amount": 100},
            {"year": 2027, "amount": 50},
            {"year": 2028, "amount": 50},
        ],
        effects=[],
    )
    flows = calculate(case)["flows"]
    assert_allclose([row["cost"] for row in flows], [151, 75.5, 75.5])


def test_repayment_known_value_through_settle() -> None:
    s = settle(
        cost=2_000_000,
        realised={"Socialnämnden": 900_000, "Förskolenämnden": 300_000},
        floor=0.30,
        fee_rate=0.05,
        planned_shares={},
    )
    assert_allclose([s.principal, s.fee], [1_200_000, 100_000])


def test_repayment_known_value_through_calculate() -> None:
    case = one_effect_case(
        start_year=2026,
        project_years=2,
        horizon_years_after_end=10,
        costs=[
            {"year": 2026, "amount": 1_000_000, "financier": "fund"},
            {"year": 2027, "amount": 1_000_000, "financier": "fund"},
            {"year": 2027, "amount": 400_000, "financier": "Socialnämnden"},
        ],
        repayment={
            "floor": 0.30,
            "fee": 0.05,
            "realised_savings": {"Socialnämnden": 900_000, "Förskolenämnden": 300_000},
        },
    )
    repayment = calculate(case)["repayment"]
    assert repayment["cost_charged_to_fund"] == 2_000_000
    settlement = repayment["settlement"]
    assert settlement["principal"] == 1_200_000
    assert settlement["fee"] == 100_000
    assert settlement["due"] == 1_300_000


def test_unit_cost_of_social_assistance_in_orebro_2020() -> None:
    # Socialstyrelsen: 217 095 tkr for 3 622 households
    assert np.round(derive_unit_cost(217_095_000, 3_622)) == 59_938
