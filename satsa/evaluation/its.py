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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm

from satsa.evaluation.errors import CsvError, EvaluationError
from satsa.evaluation.measurements import check_row_length, open_csv, parse_number
from satsa.evaluation.rating import ConfidenceRating, maryland_rating

__all__ = ["MIN_POINTS", "InterruptedTimeSeries", "interrupted_time_series", "read_series_csv"]

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

    @property
    def refused(self) -> bool:
        return False

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


def read_series_csv(
    lines: Iterable[str],
) -> tuple[list[float], list[float], list[float] | None]:
    """Rows ``period,value[,control]``: periods (numbers or dates, as
    :func:`~satsa.evaluation.staggered.period_key`), values and the control series.

    >>> read_series_csv(["period,value,control", "2019-01,10,8", "2019-02,11,8.5"])[2]
    [8.0, 8.5]
    """
    from satsa.evaluation.staggered import period_key

    reader, header, delimiter = open_csv(lines, ("period", "value"))
    has_control = "control" in header
    periods: list[float] = []
    values: list[float] = []
    controls: list[float] = []
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        check_row_length(cells, header, row)
        try:
            periods.append(period_key(cells[header.index("period")]))
        except EvaluationError as error:
            raise CsvError(row=row, column="period", sv=error.sv, en=error.en) from error
        for column, target in (("value", values), ("control", controls)):
            if column == "control" and not has_control:
                continue
            text = cells[header.index(column)].strip()
            number = parse_number(text, delimiter)
            if not math.isfinite(number):
                raise CsvError(
                    row=row,
                    column=column,
                    sv=f"värdet '{text}' är inte ett tal.",
                    en=f"the value '{text}' is not a number.",
                )
            target.append(number)
    return periods, values, controls if has_control else None
