"""Monte Carlo and tornado: reproducible, vectorised, and equal to the deterministic result
when nothing is uncertain."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from satsa.economics import calculate, montecarlo
from satsa.economics.engine import evaluate
from satsa.economics.model import parse_case
from satsa.economics.montecarlo import Sampler, sensitivity, simulate, triangular
from satsa.economics.tests.strategies import cases, seeds, with_zero_width_ranges


def uncertain_case(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "start_year": 2026,
        "project_years": 2,
        "horizon_years_after_end": 5,
        "discount_rate": 0.035,
        "costs": [
            {"year": 2026, "amount": 1_000_000, "uncertainty": {"amount": [900_000, 1e6, 1.5e6]}}
        ],
        "effects": [
            {
                "name": "Färre placeringar",
                "actor": "Socialnämnden",
                "unit_cost": 400_000,
                "volume_after_end": 1,
                "deadweight": 0.2,
                "drop_off": 0.1,
                "uncertainty": {
                    "volume_after_end": [0.2, 1, 1.5],
                    "deadweight": [0.1, 0.2, 0.6],
                    "drop_off": [0, 0.1, 0.3],
                },
            }
        ],
    }
    case.update(overrides)
    return case


def test_triangular_stays_in_range_and_has_the_right_mean_and_mode_share() -> None:
    u = np.random.default_rng(7).random(200_000)
    x = triangular(u, 1.0, 2.0, 5.0)
    assert x.min() >= 1.0
    assert x.max() <= 5.0
    assert_allclose(x.mean(), (1 + 2 + 5) / 3, atol=0.01)
    assert_allclose(np.mean(x <= 2.0), (2 - 1) / (5 - 1), atol=0.005)


def test_triangular_of_a_zero_width_range_is_the_mode_exactly() -> None:
    x = triangular(np.linspace(0, 0.999, 11), 3.25, 3.25, 3.25)
    assert np.all(x == 3.25)


@settings(max_examples=40, deadline=None)
@given(cases(), seeds)
def test_zero_width_ranges_give_the_deterministic_result(case: dict[str, Any], seed: int) -> None:
    deterministic = calculate(case)["totals"]["npv"]
    mc = calculate(with_zero_width_ranges(case), draws=20, seed=seed)["monte_carlo"]
    for key in ("mean", "p5", "p50", "p95"):
        assert_allclose(mc[key], deterministic, atol=0.011)
    if abs(deterministic) > 0.01:
        assert mc["p_npv_nonnegative"] == (1.0 if deterministic > 0 else 0.0)


@settings(max_examples=20, deadline=None)
@given(seeds)
def test_the_same_seed_gives_the_same_result(seed: int) -> None:
    first = calculate(uncertain_case(), draws=500, seed=seed)
    assert first == calculate(uncertain_case(), draws=500, seed=seed)
    assert first["monte_carlo"]["seed"] == seed


def test_another_seed_gives_other_draws() -> None:
    one = calculate(uncertain_case(), draws=500, seed=1)["monte_carlo"]
    two = calculate(uncertain_case(), draws=500, seed=2)["monte_carlo"]
    assert one["mean"] != two["mean"]


def test_without_a_seed_it_reports_the_seed_it_used() -> None:
    first = calculate(uncertain_case(), draws=300)["monte_carlo"]
    again = calculate(uncertain_case(), draws=300, seed=first["seed"])["monte_carlo"]
    assert first == again


@pytest.mark.parametrize("block", [64, 63, 1])
def test_the_block_size_never_changes_a_result(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    case = parse_case(uncertain_case())
    whole = simulate(case, 1_000, seed=5)
    monkeypatch.setattr(montecarlo, "BLOCK", block)
    blocked = simulate(case, 1_000, seed=5)
    assert np.array_equal(whole.npv, blocked.npv)
    assert np.array_equal(whole.approval_margin, blocked.approval_margin)


def test_the_monte_carlo_npv_is_the_npv_of_the_yearly_flows_of_each_draw() -> None:
    """The shortcut the simulation takes gives what the full engine gives for the same
    draws, for the intervention and relative to an alternative."""
    alternative = {
        "costs": [{"year": 2026, "amount": 200_000, "uncertainty": {"amount": [1e5, 2e5, 4e5]}}],
        "effects": [
            {
                "actor": "Socialnämnden",
                "unit_cost": 100_000,
                "volume": {"2027": 1},
                "volume_after_end": 1,
                "uncertainty": {"volume_after_end": [0, 1, 2], "drop_off": [0, 0.2, 0.5]},
            }
        ],
    }
    case = parse_case(uncertain_case(alternatives={"ordinary": alternative}))
    sim = simulate(case, 2_000, seed=21)
    draws = Sampler(case, 21).draw(2_000)
    flows = evaluate(case.intervention, case, draws)
    assert_allclose(sim.npv, flows.npv(), rtol=1e-12, atol=1e-6)
    assert_allclose(sim.approval_margin, flows.net(), rtol=1e-12, atol=1e-6)
    relative = flows.npv() - evaluate(case.alternatives[0], case, draws).npv()
    assert_allclose(sim.relative_npv["ordinary"], relative, rtol=1e-12, atol=1e-6)


ranges = st.lists(
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_subnormal=False),
    min_size=3,
    max_size=3,
).map(sorted)


@settings(max_examples=60, deadline=None)
@given(st.lists(ranges, min_size=1, max_size=6), seeds, st.lists(st.integers(1, 40), max_size=4))
def test_drawn_values_stay_in_their_ranges_whatever_the_blocks(
    triangles: list[list[float]], seed: int, splits: list[int]
) -> None:
    """Every draw lies in [low, high] (no check clips them: see montecarlo._Shape), a
    zero-width range gives its value exactly, and drawing in pieces of any size gives the
    same numbers as drawing at once."""
    case = parse_case(
        {
            "start_year": 2026,
            "project_years": 1,
            "horizon_years_after_end": 0,
            "costs": [
                {"year": 2026, "amount": mode, "uncertainty": {"amount": [low, mode, high]}}
                for low, mode, high in triangles
            ],
            "effects": [],
        }
    )
    n = sum(splits) + 7
    whole = Sampler(case, seed).draw(n)
    sampler = Sampler(case, seed)
    pieces = np.hstack([sampler.draw(k) for k in [*splits, 7]])
    assert np.array_equal(pieces, whole)
    for row, (low, mode, high) in zip(whole, triangles, strict=True):
        assert row.min() >= low
        assert row.max() <= high
        if low == high:
            assert np.all(row == mode)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_subnormal=False),
        min_size=3,
        max_size=3,
    ).map(sorted)
)
def test_the_triangular_transform_never_leaves_its_range(triangle: list[float]) -> None:
    low, mode, high = triangle
    u = np.array([0.0, 1e-300, 0.1, 0.5, 0.9, np.nextafter(1.0, 0.0), 1.0])
    u = np.concatenate([u, np.random.default_rng(0).random(200)])
    x = triangular(u, low, mode, high)
    assert x.min() >= low
    assert x.max() <= high
    assert np.all(np.diff(x[np.argsort(u)]) >= 0)  # the inverse CDF rises with u


def test_drawn_values_follow_the_triangle() -> None:
    case = parse_case(uncertain_case())
    draws = Sampler(case, 3).draw(200_000)
    path = [i.path for i in case.inputs].index("effects[0].deadweight")
    low, mode, high = 0.1, 0.2, 0.6
    assert_allclose(draws[path].mean(), (low + mode + high) / 3, atol=0.002)
    assert_allclose(np.mean(draws[path] <= mode), (mode - low) / (high - low), atol=0.004)
    # the median of a triangle with its mode below the middle: high − √((h − l)(h − c)/2)
    assert_allclose(
        np.median(draws[path]), high - np.sqrt((high - low) * (high - mode) / 2), atol=0.002
    )


def test_the_triangular_transform_reaches_both_ends_and_the_mode() -> None:
    x = triangular([0.0, 0.25, 1.0], 1.0, 2.0, 5.0)
    assert x.tolist() == [1.0, 2.0, 5.0]


def test_adding_an_alternative_leaves_the_interventions_draws_alone() -> None:
    alone = calculate(uncertain_case(), draws=400, seed=3)["monte_carlo"]
    alternative = {
        "effects": [
            {
                "actor": "Socialnämnden",
                "unit_cost": 100_000,
                "volume_after_end": 1,
                "uncertainty": {"volume_after_end": [0, 1, 2]},
            }
        ]
    }
    both = calculate(uncertain_case(alternatives={"ordinary": alternative}), draws=400, seed=3)
    mc = both["monte_carlo"]
    assert (mc["mean"], mc["p5"], mc["p95"]) == (alone["mean"], alone["p5"], alone["p95"])
    assert set(mc["alternatives"]) == {"ordinary"}


def test_probability_and_percentiles_are_consistent() -> None:
    mc = calculate(uncertain_case(), draws=2_000, seed=11)["monte_carlo"]
    assert mc["draws"] == 2_000
    assert 0.0 < mc["p_npv_nonnegative"] < 1.0
    assert mc["p5"] <= mc["p50"] <= mc["p95"]


def test_monte_carlo_matches_the_empirical_distribution_of_simulate() -> None:
    case = parse_case(uncertain_case())
    sim = simulate(case, 3_000, seed=9)
    mc = calculate(uncertain_case(), draws=3_000, seed=9)["monte_carlo"]
    assert_allclose(mc["p_npv_nonnegative"], np.mean(sim.npv >= 0), atol=1e-6)
    assert_allclose(mc["p50"], np.median(sim.npv), atol=0.01)


def test_the_tornado_moves_one_input_at_a_time_largest_swing_first() -> None:
    swings = sensitivity(parse_case(uncertain_case()))
    assert [s.input.path for s in swings][0] == "effects[0].volume_after_end"
    assert [s.swing for s in swings] == sorted((s.swing for s in swings), reverse=True)
    amount = next(s for s in swings if s.input.path == "costs[0].amount")
    # the cost is paid in the base year, so NPV moves by exactly the change in amount
    assert_allclose(amount.npv_low - amount.npv_high, 600_000, atol=1e-6)


def test_sensitivity_in_the_output_names_the_line_and_field() -> None:
    entries = calculate(uncertain_case())["sensitivity"]
    first = entries[0]
    assert first["input"] == "effects[0].volume_after_end"
    assert first["label"] == "Färre placeringar: volume_after_end"
    assert (first["low"], first["mode"], first["high"]) == (0.2, 1.0, 1.5)
    assert first["npv_low"] < first["npv_high"]


def test_draws_without_uncertain_inputs_repeat_the_deterministic_npv() -> None:
    case = uncertain_case(
        costs=[{"year": 2026, "amount": 1_000_000}],
        effects=[{"actor": "Socialnämnden", "unit_cost": 500_000, "volume_after_end": 1}],
    )
    result = calculate(case, draws=100, seed=1)
    npv = result["totals"]["npv"]
    mc = result["monte_carlo"]
    assert (mc["mean"], mc["p5"], mc["p95"]) == (npv, npv, npv)
    assert mc["p_npv_nonnegative"] == 1.0
    assert result["sensitivity"] == []
