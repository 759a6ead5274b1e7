"""The formulas of ECONOMICS.md §2: hand-worked flows and properties over random cases."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from satsa.economics import calculate
from satsa.economics.engine import Flows, evaluate, modes, npv_and_net
from satsa.economics.model import parse_case
from satsa.economics.tests.strategies import cases, scales, seeds, with_zero_width_ranges


def flows_of(case: dict[str, Any]) -> Flows:
    parsed = parse_case(case)
    return evaluate(parsed.intervention, parsed, modes(parsed))


def base_case(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "start_year": 2026,
        "project_years": 2,
        "horizon_years_after_end": 3,
        "costs": [],
        "effects": [],
    }
    case.update(overrides)
    return case


def savings_by_year(case: dict[str, Any]) -> list[float]:
    return [row["savings"] for row in calculate(case)["flows"]]


# --- hand-worked flows ------------------------------------------------------------------


def test_it_applies_every_adjustment_of_the_saving_formula() -> None:
    effect = {
        "actor": "Socialnämnden",
        "unit_cost": 1000,
        "unit_cost_price_year": 2024,
        "volume": {"2027": 2},
        "volume_after_end": 2,
        "deadweight": 0.2,
        "attribution": 0.1,
        "displacement": 0.5,
        "drop_off": 0.5,
    }
    case = base_case(
        price_index={"2024": 100, "2026": 110},
        optimism_bias={"effects": 0.25},
        effects=[effect],
    )
    per_unit = 1000 * 1.1 * 0.8 * 0.9 * 0.5 * 0.75
    expected = [0, 2 * per_unit, 2 * per_unit * 0.5, 2 * per_unit * 0.25, 2 * per_unit * 0.125]
    assert_allclose(savings_by_year(case), np.round(expected, 2))


def test_explicit_years_win_over_volume_after_end() -> None:
    effect = {
        "actor": "Socialnämnden",
        "unit_cost": 1,
        "volume": {"2028": 5},
        "volume_after_end": 1,
    }
    assert savings_by_year(base_case(effects=[effect])) == [0, 0, 5, 1, 1]


def test_a_volume_profile_ramps_up_then_runs_its_years() -> None:
    effect = {
        "actor": "Socialnämnden",
        "unit_cost": 10,
        "volume_profile": {"first_year": 2027, "per_year": 4, "years": 3, "ramp_up": [0.25, 0.5]},
    }
    assert savings_by_year(base_case(effects=[effect])) == [0, 10, 20, 40, 0]


def test_an_increase_is_a_cost_for_its_actor() -> None:
    effects = [
        {"actor": "Socialnämnden", "unit_cost": 100, "volume": {"2026": 1}},
        {
            "actor": "Försäkringskassan",
            "unit_cost": 40,
            "volume": {"2026": 1},
            "direction": "increase",
        },
    ]
    totals = calculate(base_case(effects=effects))["totals"]
    assert totals["savings_by_actor"] == {"Socialnämnden": 100.0, "Försäkringskassan": -40.0}
    assert totals["savings"] == 60.0


def test_effects_stop_at_the_horizon() -> None:
    effect = {"actor": "Socialnämnden", "unit_cost": 1, "volume_after_end": 1}
    flows = calculate(base_case(effects=[effect]))["flows"]
    assert [row["year"] for row in flows] == [2026, 2027, 2028, 2029, 2030]
    assert [row["phase"] for row in flows] == ["project"] * 2 + ["after_end"] * 3


def test_the_discount_base_year_decides_which_year_is_not_discounted() -> None:
    flows = calculate(base_case(discount_rate=0.1, discount_base_year=2025))["flows"]
    assert_allclose(flows[0]["discount_factor"], 1 / 1.1, atol=1e-6)
    flows = calculate(base_case(discount_rate=0.1))["flows"]
    assert flows[0]["discount_factor"] == 1.0


def test_cumulative_discounted_net_ends_at_the_npv() -> None:
    case = base_case(
        discount_rate=0.035,
        costs=[{"year": 2026, "amount": 500}],
        effects=[{"actor": "Socialnämnden", "unit_cost": 150, "volume_after_end": 1}],
    )
    result = calculate(case)
    assert_allclose(
        result["flows"][-1]["cumulative_discounted_net"], result["totals"]["npv"], atol=0.011
    )
    assert_allclose(result["flows"][-1]["cumulative_net"], result["totals"]["net"], atol=0.011)


# --- properties -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(cases())
def test_a_zero_rate_gives_plain_sums(case: dict[str, Any]) -> None:
    case = {**case, "discount_rate": 0.0}
    flows = flows_of(case)
    assert_allclose(flows.pv_cost(), flows.cost.sum(axis=0), rtol=1e-12, atol=1e-6)
    assert_allclose(flows.pv_savings(), flows.saving.sum(axis=0), rtol=1e-12, atol=1e-6)
    totals = calculate(case)["totals"]
    assert_allclose(totals["pv_cost"], totals["cost"], atol=0.011)
    assert_allclose(totals["pv_savings"], totals["savings"], atol=0.011)
    assert_allclose(totals["npv"], totals["net"], atol=0.011)


@settings(max_examples=60, deadline=None)
@given(cases(), scales)
def test_scaling_every_volume_by_k_scales_savings_by_k(case: dict[str, Any], k: float) -> None:
    scaled = copy.deepcopy(case)
    for effect in scaled["effects"]:
        effect["volume"] = {y: v * k for y, v in effect["volume"].items()}
        if "volume_after_end" in effect:
            effect["volume_after_end"] *= k
    before, after = flows_of(case), flows_of(scaled)
    assert_allclose(after.savings, k * before.savings, rtol=1e-9, atol=1e-6)
    assert_allclose(after.cost, before.cost)


@settings(max_examples=60, deadline=None)
@given(cases(), st.data())
def test_more_deadweight_never_raises_npv(case: dict[str, Any], data: st.DataObject) -> None:
    if not case["effects"]:
        return
    line = data.draw(st.integers(min_value=0, max_value=len(case["effects"]) - 1))
    more = copy.deepcopy(case)
    current = more["effects"][line]["deadweight"]
    more["effects"][line]["deadweight"] = data.draw(st.floats(min_value=current, max_value=1.0))
    npv, npv_more = flows_of(case).npv()[0], flows_of(more).npv()[0]
    assert npv_more <= npv + 1e-6 * max(1.0, abs(npv))
    assert calculate(more)["totals"]["npv"] <= calculate(case)["totals"]["npv"]


@settings(max_examples=60, deadline=None)
@given(cases())
def test_flows_per_actor_add_up_to_the_totals(case: dict[str, Any]) -> None:
    result = calculate(case)
    totals = result["totals"]
    assert_allclose(sum(totals["savings_by_actor"].values()), totals["savings"], atol=0.01 * 5)
    assert_allclose(sum(totals["cost_by_financier"].values()), totals["cost"], atol=0.01 * 5)
    assert_allclose(sum(row["net"] for row in result["flows"]), totals["net"], atol=0.01 * 12)
    assert len(result["flows"]) == case["project_years"] + case["horizon_years_after_end"]


# --- the Monte Carlo's shortcut: NPV and net without the yearly flows --------------------


def assert_npv_and_net_match_the_flows(case: dict[str, Any], seed: int) -> None:
    """Every ranged input drawn between half and all of its value (shares stay in 0–1):
    the shortcut gives the NPV and net of the yearly flows, line set by line set."""
    parsed = parse_case(case)
    factors = np.random.default_rng(seed).uniform(0.5, 1.0, size=(len(parsed.inputs), 9))
    draws = modes(parsed) * factors
    for lines in (parsed.intervention, *parsed.alternatives):
        flows = evaluate(lines, parsed, draws)
        npv, net = npv_and_net(lines, parsed, draws)
        # rounding is relative to the size of the flows, not of their difference
        scale = np.abs(flows.costs).sum(axis=(0, 1)) + np.abs(flows.savings).sum(axis=(0, 1))
        assert np.all(np.abs(npv - flows.npv()) <= 1e-9 * scale + 1e-9)
        assert np.all(np.abs(net - flows.net()) <= 1e-9 * scale + 1e-9)


@settings(max_examples=80, deadline=None)
@given(cases(), seeds)
def test_npv_and_net_agree_with_the_yearly_flows(case: dict[str, Any], seed: int) -> None:
    assert_npv_and_net_match_the_flows(with_zero_width_ranges(case), seed)


def test_npv_and_net_agree_for_profiles_increases_and_alternatives() -> None:
    effects = [
        {
            "actor": "Socialnämnden",
            "unit_cost": 1000,
            # a profile that starts in the project and runs past its end
            "volume_profile": {"first_year": 2027, "per_year": 4, "ramp_up": [0.25, 0.5]},
            "drop_off": 0.3,
            "uncertainty": {"volume_profile.per_year": [4, 4, 4], "drop_off": [0.3, 0.3, 0.3]},
        },
        {
            "actor": "Försäkringskassan",
            "unit_cost": 400,
            "direction": "increase",
            "volume": {"2026": 2, "2029": 1},
            "volume_after_end": 3,
            "drop_off": 0.1,
            "uncertainty": {"volume.2029": [1, 1, 1], "unit_cost": [400, 400, 400]},
        },
        {"actor": "Region", "unit_cost": 50, "volume": {"2027": 1}},
    ]
    case = base_case(
        discount_rate=0.04,
        discount_base_year=2025,
        optimism_bias={"costs": 0.2, "effects": 0.1},
        uncertainty={"discount_rate": [0.04] * 3, "optimism_bias.effects": [0.1] * 3},
        costs=[{"year": 2026, "amount": 900}, {"year": 2030, "amount": 300}],
        effects=effects,
        alternatives={"ordinary": {"costs": [{"year": 2027, "amount": 100}], "effects": []}},
    )
    for seed in range(5):
        assert_npv_and_net_match_the_flows(case, seed)
