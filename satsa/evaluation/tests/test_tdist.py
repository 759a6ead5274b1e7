"""Student's t (scipy behind the package's names): table values, closed forms, the inverse."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from satsa.evaluation.tdist import (
    t_critical,
    t_quantile,
    t_sf,
    two_sided_p_value,
)
from satsa.evaluation.tests import strategies as s

# Two-sided 95 % critical values t(0.975; df), from printed tables (6 decimals, e.g.
# NIST/SEMATECH e-Handbook table 1.3.6.7.2 and R's qt()).
TABLE_975 = {
    1: 12.706205,
    2: 4.302653,
    3: 3.182446,
    4: 2.776445,
    5: 2.570582,
    10: 2.228139,
    20: 2.085963,
    30: 2.042272,
    60: 2.000298,
    120: 1.979930,
    math.inf: 1.959964,
}


@pytest.mark.parametrize(("df", "expected"), TABLE_975.items())
def test_it_matches_the_printed_table_at_97_5_percent(df: float, expected: float) -> None:
    assert_allclose(t_quantile(0.975, df), expected, atol=1e-6)


@pytest.mark.parametrize(
    ("df", "expected"), [(4, 2.776), (10, 2.228), (30, 2.042), (math.inf, 1.960)]
)
def test_the_brief_s_three_decimal_values(df: float, expected: float) -> None:
    assert round(t_critical(df), 3) == expected


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.95, 5, 2.015048),  # one-sided 5 %
        (0.995, 10, 3.169273),  # 99 % two-sided
        (0.999, 30, 3.385185),
        (0.90, 1, 3.077684),
    ],
)
def test_it_matches_other_quantiles(p: float, df: float, expected: float) -> None:
    assert_allclose(t_quantile(p, df), expected, atol=1e-6)


def test_fractional_degrees_of_freedom_lie_between_their_neighbours() -> None:
    assert t_quantile(0.975, 10) > t_quantile(0.975, 10.5) > t_quantile(0.975, 11)


def test_it_refuses_impossible_arguments() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        t_quantile(1.0, 5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.9, 0)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_sf(1.0, math.nan)
    with pytest.raises(ValueError, match="confidence"):
        t_critical(5, confidence=95)


def test_the_tail_at_the_table_value_is_2_5_percent() -> None:
    assert_allclose(t_sf(2.776445, 4), 0.025, atol=1e-7)
    assert_allclose(two_sided_p_value(-2.228139, 10), 0.05, atol=1e-7)
    assert t_sf(math.inf, 3) == 0.0
    assert t_sf(-math.inf, 3) == 1.0


def test_the_normal_tail_keeps_its_precision_far_out() -> None:
    # Φ(−7) = 1.279812543885835e-12
    assert_allclose(t_sf(7.0, math.inf), 1.279812543885835e-12, rtol=1e-12)


@given(p=s.probabilities)
def test_df_1_is_the_cauchy_distribution(p: float) -> None:
    # closed form: t(p; 1) = tan(π (p − ½)) = −cot(π p), written with the smaller tail so
    # that the reference itself keeps its precision far out in the tails
    expected = -1 / math.tan(math.pi * p) if p < 0.5 else 1 / math.tan(math.pi * (1 - p))
    assert_allclose(t_quantile(p, 1), expected, rtol=1e-9, atol=1e-9)


@given(p=s.probabilities)
def test_df_2_has_a_closed_form(p: float) -> None:
    # closed form: t(p; 2) = (2p − 1) / √(2 p (1 − p))
    expected = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert_allclose(t_quantile(p, 2), expected, rtol=1e-8, atol=1e-8)


@given(p=s.probabilities, df=s.degrees_of_freedom)
def test_the_quantile_inverts_the_tail(p: float, df: float) -> None:
    t = t_quantile(p, df)
    # compare the smaller tail, relatively (that is where precision matters); by
    # symmetry it is P(T > |t|) on either side
    assert (t > 0) == (p > 0.5)
    assert_allclose(t_sf(abs(t), df), min(p, 1.0 - p), rtol=1e-8)


@given(p=s.probabilities, df=s.degrees_of_freedom)
def test_it_is_symmetric(p: float, df: float) -> None:
    assert_allclose(t_quantile(1 - p, df), -t_quantile(p, df), rtol=1e-7, atol=1e-9)


@given(df=st.floats(min_value=1.0, max_value=1e7), extra=st.floats(min_value=0.01, max_value=100))
def test_more_degrees_of_freedom_never_widen_the_interval(df: float, extra: float) -> None:
    # 1e-12: the tail is exact to about 1e-13 (relative) at 1e4 df, where the quantile
    # switches from Newton steps to the series
    assert t_critical(df + extra) <= t_critical(df) + 1e-12
    assert t_critical(df) > t_critical(math.inf)
