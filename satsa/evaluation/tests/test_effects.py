"""Change from baseline, difference-in-differences and effect sizes."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

from satsa.evaluation.effects import (
    change_from_baseline,
    cohens_d,
    difference_in_differences,
    hedges_correction,
    hedges_g,
)
from satsa.evaluation.errors import SmallGroupError
from satsa.evaluation.tests import strategies as s

Arrays = tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]


def did_of(t0: npt.ArrayLike, t1: npt.ArrayLike, c0: npt.ArrayLike, c1: npt.ArrayLike) -> float:
    treatment = change_from_baseline(t0, t1, paired=True, group="treatment")
    control = change_from_baseline(c0, c1, paired=True, group="control")
    return difference_in_differences(treatment, control).estimate


# --- known values, worked by hand -----------------------------------------------------


def test_a_paired_change_matches_the_hand_calculation() -> None:
    # changes 1, 2, 1, 2, 2: mean 1.6; deviations −.6 .4 −.6 .4 .4, squares sum 1.2,
    # variance 1.2 / 4 = 0.3, SE √(0.3 / 5) = 0.244949, df 4, t = 2.776445,
    # half-width 0.680087.
    c = change_from_baseline([1, 2, 3, 4, 5], [2, 4, 4, 6, 7], paired=True, group="x")
    assert c.design == "paired"
    assert_allclose(c.estimate, 1.6)
    assert_allclose(c.std_error, math.sqrt(0.06))
    assert c.df == 4
    assert_allclose([c.ci_low, c.ci_high], [1.6 - 0.680087, 1.6 + 0.680087], atol=1e-6)
    # t = 1.6 / 0.244949 = 6.532 on 4 df: p = 0.00284
    assert c.p_value is not None
    assert_allclose(c.p_value, 0.002844, atol=1e-5)


def test_an_independent_change_uses_welch() -> None:
    # baseline 1..5: mean 3, var 2.5; follow-up 2,4,6,8,10: mean 6, var 10.
    # SE² = 2.5/5 + 10/5 = 2.5; df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.882353
    c = change_from_baseline([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], paired=False)
    assert c.design == "independent"
    assert_allclose(c.estimate, 3.0)
    assert_allclose(c.std_error, math.sqrt(2.5))
    assert_allclose(c.df, 6.25 / 1.0625)


def test_the_change_effect_size_divides_by_the_baseline_sd() -> None:
    c = change_from_baseline([1, 2, 3, 4, 5], [2, 4, 4, 6, 7], paired=True)
    # baseline SD = √2.5 = 1.581139; d = 1.6 / 1.581139 = 1.011929; g = d × J(4)
    assert c.cohens_d is not None and c.hedges_g is not None
    assert_allclose(c.cohens_d, 1.6 / math.sqrt(2.5))
    assert_allclose(c.hedges_g, c.cohens_d * hedges_correction(4))


def test_did_is_the_difference_of_the_changes_with_summed_variances() -> None:
    t = change_from_baseline([10, 11, 12, 13, 14], [14, 14, 17, 17, 18], paired=True)
    c = change_from_baseline([10, 12, 11, 14, 13], [11, 13, 11, 16, 13], paired=True)
    did = difference_in_differences(t, c)
    assert_allclose(did.estimate, 4.0 - 0.8)
    assert_allclose(did.std_error, math.hypot(t.std_error, c.std_error))
    # Welch-Satterthwaite lies between the smaller df and the sum of both
    assert min(t.df, c.df) <= did.df <= t.df + c.df
    assert did.ci_low < did.estimate < did.ci_high


def test_hedges_correction_matches_the_gamma_form_and_the_approximation() -> None:
    # J(8) = Γ(4) / (2 Γ(3.5)) = 6 / (2 × 3.323351) = 0.902703
    assert_allclose(hedges_correction(8), 0.902703, atol=1e-6)
    for df in (5, 10, 30, 100):
        assert_allclose(hedges_correction(df), 1 - 3 / (4 * df - 1), atol=2e-3)


def test_cohens_d_and_hedges_g_for_two_known_samples() -> None:
    # means 6 and 5, both variances 10: d = 1 / √10
    a, b = [2, 4, 6, 8, 10], [1, 3, 5, 7, 9]
    assert_allclose(cohens_d(a, b), 1 / math.sqrt(10))
    assert_allclose(hedges_g(a, b), 1 / math.sqrt(10) * 0.902703, atol=1e-6)


# --- refusals -------------------------------------------------------------------------


def test_it_refuses_fewer_than_five_pairs_naming_the_group() -> None:
    with pytest.raises(SmallGroupError) as caught:
        change_from_baseline([1, 2, 3, 4], [2, 3, 4, 5], paired=True, group="control")
    assert caught.value.group == "control, baseline & follow_up"
    assert "minst" not in caught.value.en and "fewer than 5" in caught.value.en
    assert "färre än 5" in caught.value.sv
    # the actual size (4) is itself a small count and is not revealed
    assert "4" not in str(caught.value)


def test_it_refuses_a_small_independent_follow_up() -> None:
    with pytest.raises(SmallGroupError, match="treatment, follow_up"):
        change_from_baseline(range(30), [1.0, 2.0], paired=False, group="treatment")


def test_it_refuses_unequal_pairs_and_non_finite_values() -> None:
    with pytest.raises(ValueError, match="one baseline and one follow-up value per person"):
        change_from_baseline(range(6), range(7), paired=True)
    with pytest.raises(ValueError, match="finite"):
        change_from_baseline([1, 2, 3, 4, math.nan], [1, 2, 3, 4, 5], paired=True)


def test_no_spread_gives_a_point_interval_and_no_p_value() -> None:
    c = change_from_baseline([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], paired=True)
    assert (c.estimate, c.ci_low, c.ci_high, c.p_value) == (2.0, 2.0, 2.0, None)


# --- recovering a known effect ---------------------------------------------------------


def simulate(rng: np.random.Generator, n: int, effect: float) -> Arrays:
    """Panel data: person effects, a common time trend of 2, and ``effect`` on treatment."""
    t0 = rng.normal(50, 10, n)
    c0 = rng.normal(50, 10, n)
    t1 = t0 + 2 + effect + rng.normal(0, 5, n)
    c1 = c0 + 2 + rng.normal(0, 5, n)
    return t0, t1, c0, c1


def test_did_recovers_a_known_effect_within_its_interval() -> None:
    rng = np.random.default_rng(20260101)
    t0, t1, c0, c1 = simulate(rng, 200, effect=3.0)
    did = difference_in_differences(
        change_from_baseline(t0, t1, paired=True, group="treatment"),
        change_from_baseline(c0, c1, paired=True, group="control"),
    )
    assert did.ci_low < 3.0 < did.ci_high
    assert abs(did.estimate - 3.0) < 1.5
    # the common trend of 2 is in both changes and cancels out
    assert did.treatment.estimate > did.estimate


def test_the_95_percent_interval_covers_the_true_effect_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(7)
    trials = 2000
    covered = covered_by_normal = 0
    for _ in range(trials):
        # the smallest groups allowed: where the t distribution matters most
        t0, t1, _, _ = simulate(rng, 5, effect=3.0)
        _, _, c0, c1 = simulate(rng, 5, effect=0.0)
        did = difference_in_differences(
            change_from_baseline(t0, t1, paired=True, group="treatment"),
            change_from_baseline(c0, c1, paired=True, group="control"),
        )
        covered += did.ci_low < 3.0 < did.ci_high
        covered_by_normal += abs(did.estimate - 3.0) < 1.959964 * did.std_error
    # binomial SD at 95 %: √(.95 × .05 / 2000) = 0.005; Welch's df err on the safe side
    assert 0.94 <= covered / trials <= 0.97
    # the normal quantile would be too narrow here, which this test would notice
    assert covered_by_normal / trials < 0.93


# --- properties -----------------------------------------------------------------------


@given(groups=s.paired_groups(), shift=s.constants)
def test_did_is_invariant_to_adding_a_constant_to_every_value(groups: Arrays, shift: float) -> None:
    t0, t1, c0, c1 = groups
    assert_allclose(
        did_of(t0 + shift, t1 + shift, c0 + shift, c1 + shift), did_of(t0, t1, c0, c1), atol=1e-7
    )


@given(groups=s.paired_groups(), shift=s.constants)
def test_a_shock_common_to_both_groups_at_follow_up_cancels(groups: Arrays, shift: float) -> None:
    t0, t1, c0, c1 = groups
    assert_allclose(did_of(t0, t1 + shift, c0, c1 + shift), did_of(t0, t1, c0, c1), atol=1e-7)


@given(groups=s.paired_groups())
def test_swapping_the_groups_negates_the_estimate_and_its_interval(groups: Arrays) -> None:
    t0, t1, c0, c1 = groups
    t = change_from_baseline(t0, t1, paired=True, group="treatment")
    c = change_from_baseline(c0, c1, paired=True, group="control")
    forward, backward = difference_in_differences(t, c), difference_in_differences(c, t)
    assert_allclose(backward.estimate, -forward.estimate, atol=1e-9)
    assert_allclose([backward.ci_low, backward.ci_high], [-forward.ci_high, -forward.ci_low])


@settings(max_examples=50)
@given(groups=s.paired_groups(), scale=s.constants.filter(lambda k: abs(k) > 1e-3))
def test_rescaling_scales_the_estimate_and_keeps_the_effect_size(
    groups: Arrays, scale: float
) -> None:
    t0, t1, c0, c1 = groups
    rescaled = [x * scale for x in groups]
    original = difference_in_differences(
        change_from_baseline(t0, t1, paired=True), change_from_baseline(c0, c1, paired=True)
    )
    scaled = difference_in_differences(
        change_from_baseline(rescaled[0], rescaled[1], paired=True),
        change_from_baseline(rescaled[2], rescaled[3], paired=True),
    )
    assert_allclose(scaled.estimate, original.estimate * scale, rtol=1e-7, atol=1e-6)
    assert original.cohens_d is not None and scaled.cohens_d is not None
    assert_allclose(
        scaled.cohens_d, original.cohens_d * math.copysign(1, scale), rtol=1e-7, atol=1e-9
    )
    assert_allclose(scaled.p_value or 0.0, original.p_value or 0.0, rtol=1e-6, atol=1e-12)


@given(baseline=s.samples(), follow_up=s.samples())
def test_the_interval_always_contains_the_estimate(
    baseline: npt.NDArray[np.float64], follow_up: npt.NDArray[np.float64]
) -> None:
    c = change_from_baseline(baseline, follow_up, paired=False)
    assert c.ci_low <= c.estimate <= c.ci_high
    assert c.p_value is not None and 0.0 <= c.p_value <= 1.0
