"""Power at planning: textbook sample sizes, the inverse of the power function, and
a simulation of the design it describes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satsa.evaluation.power import n_for_power, power_difference


def test_the_textbook_sample_size_for_half_a_standard_deviation() -> None:
    # two independent means, d = 0.5, α = 5 %, power 80 %: 63 per group (normal
    # approximation; Cohen's table gives 64 with the t correction). A change from
    # baseline measured on independent samples at two periods is that design.
    assert n_for_power(effect=0.5, baseline=0, comparison=False, kind="mean", sd=1.0) == 63
    # a comparison group doubles the variance of the estimate, and so the groups
    assert n_for_power(effect=0.5, baseline=0, comparison=True, kind="mean", sd=1.0) == 126


@given(
    effect=st.floats(min_value=2, max_value=30),
    baseline=st.floats(min_value=10, max_value=60),
    comparison=st.booleans(),
)
def test_the_group_size_for_80_percent_gives_at_least_80_percent(
    effect: float, baseline: float, comparison: bool
) -> None:
    n = n_for_power(effect=effect, baseline=baseline, comparison=comparison, kind="percent")
    assert n is not None
    args = {"effect": effect, "baseline": baseline, "kind": "percent"}
    power = power_difference(n_treatment=n, n_control=n if comparison else None, **args)  # type: ignore[arg-type]
    assert power >= 0.8
    if n > 2:
        below = power_difference(
            n_treatment=n - 1,
            n_control=n - 1 if comparison else None,
            **args,  # type: ignore[arg-type]
        )
        assert below < 0.8 + 1e-6


def test_power_matches_a_simulation_of_the_planned_design() -> None:
    rng = np.random.default_rng(21)
    n, sd, effect = 40, 10.0, 6.0
    planned = power_difference(
        effect=effect, baseline=50, n_treatment=n, n_control=n, kind="mean", sd=sd
    )
    detected = 0
    runs = 2000
    for _ in range(runs):
        t0, t1 = rng.normal(50, sd, n), rng.normal(50 + effect, sd, n)
        c0, c1 = rng.normal(50, sd, n), rng.normal(50, sd, n)
        did = (t1.mean() - t0.mean()) - (c1.mean() - c0.mean())
        se = np.sqrt((t0.var(ddof=1) + t1.var(ddof=1) + c0.var(ddof=1) + c1.var(ddof=1)) / n)
        detected += abs(did / se) > 1.96
    assert detected / runs == pytest.approx(planned, abs=0.04)


def test_it_refuses_what_it_cannot_compute() -> None:
    with pytest.raises(ValueError, match="standard deviation"):
        power_difference(effect=1, baseline=5, n_treatment=10, n_control=10, kind="mean")
    with pytest.raises(ValueError, match="strictly between"):
        power_difference(effect=1, baseline=100, n_treatment=10, n_control=None, kind="percent")
    assert n_for_power(effect=0, baseline=40, comparison=True, kind="percent") is None
