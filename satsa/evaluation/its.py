"""Interrupted time series: segmented regression on a monthly or yearly aggregate series.

For a statistic followed over time (costs of försörjningsstöd, number of placements per
month), the model is ``y = b0 + b1·time + b2·after + b3·time_after + e``: ``b2`` is the
change in level at the start, ``b3`` the change in slope after it. Time counts periods
(0, 1, 2 …) so the series must be equally spaced. Monthly and yearly series are
autocorrelated, so the standard errors are Newey–West (HAC, Bartlett kernel, lag
⌊4 (n/100)^(2/9)⌋ unless given). With a control series (the same statistic where the
intervention did not start) the model is fitted to the difference between the two
series, which removes what both share (a new law, the business cycle).

At least 8 points before and 8 after the start are needed; fewer are refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm

from satsa.evaluation.errors import EvaluationError
from satsa.evaluation.rating import ConfidenceRating, maryland_rating

__all__ = ["MIN_POINTS", "InterruptedTimeSeries", "interrupted_time_series"]

#: fewest points on each side of the start
MIN_POINTS = 8


@dataclass(frozen=True)
class InterruptedTimeSeries:
    """Level and slope change with Newey–West intervals."""

    confidence: float
    n_before: int
    n_after: int
    maxlags: int
    control: bool
    level_change: dict[str, Any]
    slope_change: dict[str, Any]
    slope_before: dict[str, Any]
    rating: ConfidenceRating

    def as_dict(self) -> dict[str, Any]:
        return {
            "data": "series",
            "method": "interrupted_time_series",
            "confidence": self.confidence,
            "counts": {"before": self.n_before, "after": self.n_after},
            "control_series": self.control,
            "newey_west_lags": self.maxlags,
            "level_change": self.level_change,
            "slope_change": self.slope_change,
            "slope_before": self.slope_before,
            "confidence_rating": self.rating.as_dict(),
            "refused": [],
        }


def interrupted_time_series(
    periods: Sequence[float],
    values: Sequence[float],
    *,
    start: float,
    control: Sequence[float] | None = None,
    maxlags: int | None = None,
    confidence: float = 0.95,
) -> InterruptedTimeSeries:
    """Segmented regression with Newey–West errors; ``start`` is the first period after.

    Raises
    ------
    EvaluationError
        Fewer than 8 points before or after the start, or a control series of another
        length.

    Examples
    --------
    A level drop of 5 and a slope change of −0.5 per period at period 12:

    >>> t = list(range(24))
    >>> y = [100 + 0.2 * i - (5 + 0.5 * (i - 12) if i >= 12 else 0) + 0.1 * (-1) ** i for i in t]
    >>> its = interrupted_time_series(t, y, start=12)
    >>> abs(its.level_change["estimate"] + 5) < 0.1, round(its.slope_change["estimate"], 2)
    (True, -0.5)
    """
    order = np.argsort(np.asarray(periods, dtype=np.float64), kind="stable")
    y = np.asarray(values, dtype=np.float64)[order]
    when = np.asarray(periods, dtype=np.float64)[order]
    if control is not None:
        if len(control) != len(values):
            raise EvaluationError(
                sv="kontrollserien måste ha ett värde för varje period.",
                en="the control series needs a value for every period.",
            )
        y = y - np.asarray(control, dtype=np.float64)[order]
    if not np.all(np.isfinite(y)):
        raise EvaluationError(
            sv="serien innehåller ogiltiga värden.", en="the series has invalid values."
        )
    after = when >= start
    n_before, n_after = int((~after).sum()), int(after.sum())
    if n_before < MIN_POINTS or n_after < MIN_POINTS:
        raise EvaluationError(
            sv=(
                f"Ett avbrutet tidsserieupplägg behöver minst {MIN_POINTS} punkter före och "
                f"{MIN_POINTS} efter starten; serien har {n_before} före och {n_after} efter."
            ),
            en=(
                f"An interrupted time series needs at least {MIN_POINTS} points before and "
                f"{MIN_POINTS} after the start; the series has {n_before} before and "
                f"{n_after} after."
            ),
        )
    time = np.arange(y.size, dtype=np.float64)
    first_after = float(time[after][0])
    x = np.column_stack(
        [
            np.ones_like(time),
            time,
            after.astype(np.float64),
            np.where(after, time - first_after, 0.0),
        ]
    )
    lags = maxlags if maxlags is not None else math.floor(4 * (y.size / 100) ** (2 / 9))
    result = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    bounds = result.conf_int(alpha=1.0 - confidence)

    def coefficient(i: int) -> dict[str, Any]:
        se = float(result.bse[i])
        return {
            "estimate": float(result.params[i]),
            "std_error": se,
            "df": float(result.df_resid),
            "confidence": confidence,
            "ci_low": float(bounds[i][0]),
            "ci_high": float(bounds[i][1]),
            "p_value": float(result.pvalues[i]) if se > 0 else None,
        }

    return InterruptedTimeSeries(
        confidence=confidence,
        n_before=n_before,
        n_after=n_after,
        maxlags=lags,
        control=control is not None,
        level_change=coefficient(2),
        slope_change=coefficient(3),
        slope_before=coefficient(1),
        rating=maryland_rating(before_after=True, comparison=control is not None),
    )
