"""Several periods and staggered starts: event study, pre-trend test, aggregated effect.

Units (schools, districts, families) are measured at many periods and start the
intervention at different times, or never. A two-way fixed-effects regression is biased
then (units treated earlier serve as controls for later ones, and effects that grow
over time get negative weights), so the estimates here follow Callaway & Sant'Anna
(2021) with never-treated units as the comparison:

* ATT(g, t): for the cohort starting at period g, the change from its last period
  before the start (g − 1) to period t, minus the same change of the never-treated units;
* the **event study**: ATT(g, g + e) averaged over cohorts (weighted by cohort size) for
  each period e relative to the start; e = −1 is the reference and 0 by construction,
  e < −1 are placebo estimates before the start;
* the **pre-trend test**: a Wald test that every placebo estimate is 0 (were the groups
  parallel before the start?);
* the **aggregated effect**: all ATT(g, t) with t ≥ g, weighted by cohort size.

Standard errors come from each unit's influence on the estimate (the units are the
clusters), with the number of units − 1 degrees of freedom; the cohort weights are
taken as fixed. The panel must be balanced (every unit at every period). Cohorts with
fewer than 5 units are left out (and named in ``refused``); fewer than 5 never-treated
units refuse the whole estimate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from satsa.evaluation.errors import CsvError, EvaluationError, SmallGroupError
from satsa.evaluation.measurements import check_row_length, open_csv, parse_number
from satsa.evaluation.rating import ConfidenceRating, maryland_rating
from satsa.evaluation.suppression import MIN_GROUP_SIZE, is_reportable, require_group_size
from satsa.evaluation.tdist import t_critical, two_sided_p_value

__all__ = ["PANEL_COLUMNS", "EventStudy", "PanelRow", "event_study", "period_key", "read_panel_csv"]

PANEL_COLUMNS: tuple[str, ...] = ("unit", "period", "value", "start")

PeriodKey = float


def period_key(text: str) -> PeriodKey:
    """A period as a sortable number: a number as itself, a date (YYYY-MM-DD or YYYY-MM)
    as its ordinal day.

    >>> period_key("2019"), period_key("2019-03") < period_key("2019-04-01")
    (2019.0, True)
    """
    text = text.strip()
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return float(dt.datetime.strptime(text, fmt).date().toordinal())  # noqa: DTZ007
        except ValueError:
            continue
    raise EvaluationError(
        sv=f"perioden '{text}' är varken ett tal eller ett datum (ÅÅÅÅ-MM-DD).",
        en=f"the period '{text}' is neither a number nor a date (YYYY-MM-DD).",
    )


@dataclass(frozen=True)
class PanelRow:
    """One unit's value at one period; ``start`` is the unit's first treated period
    (None: never treated). Periods and starts are :func:`period_key` numbers."""

    unit: str = field(repr=False)
    period: PeriodKey
    value: float
    start: PeriodKey | None


def read_panel_csv(lines: Iterable[str]) -> list[PanelRow]:
    """Rows ``unit,period,value,start``; ``start`` is the unit's first treated period,
    empty for a unit never treated. Periods may be numbers (years) or dates.

    >>> rows = read_panel_csv(["unit,period,value,start", "s1,2019,3.5,2020", "s2,2019,4,"])
    >>> rows[0].start, rows[1].start
    (2020.0, None)
    """
    reader, header, delimiter = open_csv(lines, PANEL_COLUMNS)
    index = {name: header.index(name) for name in PANEL_COLUMNS}
    rows: list[PanelRow] = []
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        check_row_length(cells, header, row)
        unit = cells[index["unit"]].strip()
        if not unit:
            raise CsvError(row=row, column="unit", sv="enhet saknas.", en="the unit is empty.")
        text = cells[index["value"]].strip()
        value = parse_number(text, delimiter)
        if not math.isfinite(value):
            raise CsvError(
                row=row,
                column="value",
                sv=f"värdet '{text}' är inte ett tal.",
                en=f"the value '{text}' is not a number.",
            )
        parsed: dict[str, float | None] = {}
        for column in ("period", "start"):
            cell = cells[index[column]].strip()
            try:
                parsed[column] = period_key(cell) if cell or column == "period" else None
            except EvaluationError as error:
                raise CsvError(row=row, column=column, sv=error.sv, en=error.en) from error
        period, start = parsed["period"], parsed["start"]
        assert period is not None
        rows.append(PanelRow(unit, period, value, start))
    if not rows:
        raise CsvError(
            row=1, column=None, sv="filen har inga mätvärden.", en="the file has no measurements."
        )
    return rows


@dataclass(frozen=True)
class EventStudy:
    """Event-study estimates, pre-trend test and the aggregated effect."""

    confidence: float
    df: float
    #: one row per period relative to the start: e, estimate, std_error, ci_low, ci_high
    events: list[dict[str, Any]]
    aggregate: dict[str, Any]
    pre_trend: dict[str, Any]
    cohorts: dict[str, int | str]
    rating: ConfidenceRating
    refused: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "data": "panel",
            "method": "event_study",
            "min_group_size": MIN_GROUP_SIZE,
            "confidence": self.confidence,
            "counts": self.cohorts,
            "event_study": self.events,
            "pre_trend": self.pre_trend,
            "difference_in_differences": self.aggregate,
            "confidence_rating": self.rating.as_dict(),
            "refused": self.refused,
        }


def _interval(
    estimate: float, psi: npt.NDArray[np.float64], df: float, confidence: float
) -> dict[str, Any]:
    se = float(np.sqrt(np.sum(psi**2)))
    half = t_critical(df, confidence) * se
    return {
        "estimate": estimate,
        "std_error": se,
        "df": df,
        "confidence": confidence,
        "ci_low": estimate - half,
        "ci_high": estimate + half,
        "p_value": two_sided_p_value(estimate / se, df) if se > 0 else None,
    }


def event_study(rows: Sequence[PanelRow], *, confidence: float = 0.95) -> EventStudy:
    """Callaway–Sant'Anna event study with never-treated units as the comparison.

    Examples
    --------
    Ten units never treated, ten starting at period 3 with an effect of 2 from then on:

    >>> rows = [PanelRow(f"u{i}", float(t), i + 0.5 * t + (2.0 if i >= 10 and t >= 3 else 0)
    ...                  + 0.01 * ((i * 7 + t * 3) % 5), 3.0 if i >= 10 else None)
    ...         for i in range(20) for t in range(6)]
    >>> es = event_study(rows)
    >>> round(es.aggregate["estimate"], 1), [e["e"] for e in es.events]
    (2.0, [-3, -2, -1, 0, 1, 2])
    """
    periods = sorted({r.period for r in rows})
    units = sorted({r.unit for r in rows})
    index_t = {p: i for i, p in enumerate(periods)}
    index_u = {u: i for i, u in enumerate(units)}
    y = np.full((len(units), len(periods)), np.nan)
    start_of: dict[str, PeriodKey | None] = {}
    for r in rows:
        if r.unit in start_of and start_of[r.unit] != r.start:
            raise EvaluationError(
                sv="en enhet har olika startperioder på olika rader.",
                en="a unit has different start periods on different rows.",
            )
        start_of[r.unit] = r.start
        y[index_u[r.unit], index_t[r.period]] = r.value
    if np.isnan(y).any():
        raise EvaluationError(
            sv="varje enhet behöver ett värde för varje period (balanserad panel).",
            en="every unit needs a value at every period (a balanced panel).",
        )
    if len(periods) < 2:
        raise EvaluationError(
            sv="minst två perioder behövs.", en="at least two periods are needed."
        )

    def first_index(start: PeriodKey) -> int | None:
        later = [i for i, p in enumerate(periods) if p >= start]
        return later[0] if later else None

    cohort_of = np.full(len(units), -1)  # -1: never treated
    for u, start in start_of.items():
        if start is not None:
            g = first_index(start)
            cohort_of[index_u[u]] = len(periods) if g is None else g
    never = cohort_of == -1
    require_group_size("never treated", int(never.sum()))

    refused: list[dict[str, str]] = []
    counts: dict[str, int | str] = {"never_treated": int(never.sum())}
    cohorts: list[int] = []
    for g in sorted(set(cohort_of[~never].tolist())):
        size = int((cohort_of == g).sum())
        label = "after_last_period" if g >= len(periods) else _label(periods[g])
        if g == 0 or g >= len(periods):
            # treated from the first period (no baseline) or never within the data
            counts[f"start {label}"] = size if is_reportable(size) else "<5"
            continue
        counts[f"start {label}"] = size if is_reportable(size) else "<5"
        if not is_reportable(size):
            err = SmallGroupError(f"start {label}", minimum=MIN_GROUP_SIZE)
            refused.append(
                {
                    "estimate": f"cohort {label}",
                    "group": err.group,
                    "message_sv": err.sv,
                    "message_en": err.en,
                }
            )
            continue
        cohorts.append(g)
    if not cohorts:
        raise SmallGroupError("treated cohorts", minimum=MIN_GROUP_SIZE)

    n_units = len(units)
    df = float(n_units - 1)

    def att(g: int, t: int) -> tuple[float, npt.NDArray[np.float64]]:
        change = y[:, t] - y[:, g - 1]
        treated = cohort_of == g
        n_g, n_c = int(treated.sum()), int(never.sum())
        m_g, m_c = float(change[treated].mean()), float(change[never].mean())
        psi = np.zeros(n_units)
        psi[treated] = (change[treated] - m_g) / n_g
        psi[never] = -(change[never] - m_c) / n_c
        return m_g - m_c, psi

    sizes = {g: int((cohort_of == g).sum()) for g in cohorts}
    by_event: dict[int, list[tuple[int, float, npt.NDArray[np.float64]]]] = {}
    for g in cohorts:
        for t in range(len(periods)):
            if t == g - 1:
                continue
            estimate, psi = att(g, t)
            by_event.setdefault(t - g, []).append((g, estimate, psi))

    events: list[dict[str, Any]] = []
    placebo: list[tuple[float, npt.NDArray[np.float64]]] = []
    overall = (0.0, np.zeros(n_units), 0.0)
    for e in sorted(set(by_event) | {-1}):
        if e == -1:
            events.append(
                {
                    "e": -1,
                    "estimate": 0.0,
                    "std_error": 0.0,
                    "ci_low": 0.0,
                    "ci_high": 0.0,
                    "reference": True,
                }
            )
            continue
        parts = by_event[e]
        total = sum(sizes[g] for g, _, _ in parts)
        estimate = sum(sizes[g] * est for g, est, _ in parts) / total
        psi = sum((sizes[g] * p for g, _, p in parts), np.zeros(n_units)) / total
        row = {"e": e, **_interval(estimate, psi, df, confidence), "reference": False}
        events.append(row)
        if e < -1:
            placebo.append((estimate, psi))
        else:
            est_sum, psi_sum, weight = overall
            overall = (est_sum + total * estimate, psi_sum + total * psi, weight + total)

    # aggregated effect: all post-start ATT(g, t) weighted by cohort size
    agg_est = overall[0] / overall[2]
    agg_psi = overall[1] / overall[2]
    aggregate = _interval(agg_est, agg_psi, df, confidence)
    aggregate["method"] = "callaway_santanna"

    pre_trend: dict[str, Any]
    if placebo:
        theta = np.array([p[0] for p in placebo])
        psi_matrix = np.column_stack([p[1] for p in placebo])
        cov = psi_matrix.T @ psi_matrix
        wald = float(theta @ np.linalg.pinv(cov) @ theta)
        k = len(placebo)
        p_value = float(stats.chi2.sf(wald, k))
        pre_trend = {
            "tested_periods": k,
            "wald": wald,
            "p_value": p_value,
            "parallel": p_value >= 0.05,
        }
    else:
        pre_trend = {"tested_periods": 0, "wald": None, "p_value": None, "parallel": None}

    # Level 4 needs what the two-period design lacks: several cohorts, or a pre-trend check.
    rating = maryland_rating(
        before_after=True,
        comparison=True,
        staggered=len(cohorts) > 1 or bool(placebo),
        parallel_pre_trends=pre_trend["parallel"],
    )
    return EventStudy(
        confidence=confidence,
        df=df,
        events=events,
        aggregate=aggregate,
        pre_trend=pre_trend,
        cohorts=counts,
        rating=rating,
        refused=refused,
    )


def _label(period: PeriodKey) -> str:
    if period > 100_000:  # an ordinal day
        return dt.date.fromordinal(int(period)).isoformat()
    return f"{period:g}"
