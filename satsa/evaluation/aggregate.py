"""Effect evaluation of aggregate measures: a value per group and period with its head-count.

Most municipal follow-up is aggregate (the share of pupils with passing grades, the mean
score of a group, households on försörjningsstöd). Each value carries the number of
people it rests on (``n``) and, for a mean, optionally its standard deviation (``sd``).
The evaluation is the target group's change from baseline and, when a comparison group
or a comparison series (the same statistic for the municipality or the country) is
given, the difference-in-differences, with the same JSON keys as for individual rows.

Standard errors come from the head-counts: a rate (share, or percent) has the binomial
variance p(1 − p)/n; a mean has sd²/n when ``sd`` is given. A mean without ``sd`` (or a
value without ``n``) gives a point estimate only, and the report says so. Baseline and
follow-up are treated as independent samples (with the same people measured twice this
is conservative), and each interval is a Welch t interval with n − 1 degrees of freedom
per value. Every value resting on fewer than 5 people is refused, like every estimate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from satsa.evaluation.effects import hedges_correction
from satsa.evaluation.errors import CsvError, SmallGroupError
from satsa.evaluation.measurements import (
    GROUPS,
    PERIODS,
    Refusal,
    check_row_length,
    open_csv,
    parse_number,
)
from satsa.evaluation.rating import ConfidenceRating, maryland_rating
from satsa.evaluation.suppression import MIN_GROUP_SIZE, require_group_size, suppress
from satsa.evaluation.tdist import t_critical, two_sided_p_value

__all__ = [
    "AGGREGATE_COLUMNS",
    "AggregateChange",
    "AggregateReport",
    "AggregateValue",
    "Kind",
    "aggregate_change",
    "aggregate_event_study",
    "evaluate_aggregates",
    "guess_kind",
    "read_aggregate_csv",
]

AGGREGATE_COLUMNS: tuple[str, ...] = ("group", "period", "value", "n")
#: "rate": a share between 0 and 1; "percent": a share in percent; "mean": a mean value.
Kind = Literal["rate", "percent", "mean"]
KINDS: tuple[str, ...] = ("rate", "percent", "mean")
# A comparison series (municipality, country) is the control of the difference.
_GROUP_ALIASES = {"comparison": "control", "jamforelse": "control", "jämförelse": "control"}


@dataclass(frozen=True)
class AggregateValue:
    """One group's value at one period; ``n`` people (None: unknown), ``sd`` for a mean."""

    group: str
    period: str
    value: float
    n: int | None
    sd: float | None = None
    row: int = 0


def read_aggregate_csv(lines: Iterable[str]) -> list[AggregateValue]:
    """Read aggregate rows ``group,period,value,n[,sd]`` (no ``person`` column).

    ``group`` is treatment or control (``comparison`` for a comparison series is read as
    control), ``period`` baseline or follow_up. ``n`` is a whole number of people and may
    be empty (then only a point estimate is possible); ``sd`` may be empty.

    Examples
    --------
    >>> rows = read_aggregate_csv(["group,period,value,n", "treatment,baseline,0.42,30"])
    >>> rows[0].value, rows[0].n, rows[0].sd
    (0.42, 30, None)
    >>> read_aggregate_csv(["group;period;value;n;sd", "comparison;follow up;3,5;120;1,2"])[0]
    AggregateValue(group='control', period='follow_up', value=3.5, n=120, sd=1.2, row=2)
    """
    reader, header, delimiter = open_csv(lines, AGGREGATE_COLUMNS)
    index = {name: header.index(name) for name in (*AGGREGATE_COLUMNS, "sd") if name in header}
    values: list[AggregateValue] = []
    seen: dict[tuple[str, str], int] = {}
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        check_row_length(cells, header, row)
        raw_group = cells[index["group"]].strip()
        group = _clean(raw_group)
        group = _GROUP_ALIASES.get(group, group)
        if group not in GROUPS:
            raise CsvError(
                row=row,
                column="group",
                sv=f"okänd grupp '{raw_group}'; ska vara treatment, control eller comparison.",
                en=f"unknown group '{raw_group}'; must be treatment, control or comparison.",
            )
        raw_period = cells[index["period"]].strip()
        period = _clean(raw_period)
        if period not in PERIODS:
            raise CsvError(
                row=row,
                column="period",
                sv=f"okänd period '{raw_period}'; ska vara baseline eller follow_up.",
                en=f"unknown period '{raw_period}'; must be baseline or follow_up.",
            )
        value = _number(cells, index, "value", delimiter, row)
        if value is None:
            raise CsvError(row=row, column="value", sv="värde saknas.", en="the value is empty.")
        n_value = _number(cells, index, "n", delimiter, row)
        if n_value is not None and (n_value < 0 or n_value != int(n_value)):
            raise CsvError(
                row=row,
                column="n",
                sv="antalet personer ska vara ett heltal ≥ 0.",
                en="the number of people must be a whole number ≥ 0.",
            )
        sd = _number(cells, index, "sd", delimiter, row) if "sd" in index else None
        if sd is not None and sd < 0:
            raise CsvError(
                row=row,
                column="sd",
                sv="standardavvikelsen kan inte vara negativ.",
                en="the standard deviation cannot be negative.",
            )
        if (group, period) in seen:
            raise CsvError(
                row=row,
                column="period",
                sv=f"samma grupp och period finns redan på rad {seen[group, period]}.",
                en=f"the same group and period is already on row {seen[group, period]}.",
            )
        seen[group, period] = row
        n = None if n_value is None else int(n_value)
        values.append(AggregateValue(group, period, value, n, sd, row))
    if not values:
        raise CsvError(
            row=1, column=None, sv="filen har inga mätvärden.", en="the file has no measurements."
        )
    return values


def _clean(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _number(
    cells: list[str], index: dict[str, int], column: str, delimiter: str, row: int
) -> float | None:
    text = cells[index[column]].strip()
    if not text:
        return None
    number = parse_number(text, delimiter)
    if not math.isfinite(number):
        raise CsvError(
            row=row,
            column=column,
            sv=f"värdet '{text}' är inte ett tal.",
            en=f"the value '{text}' is not a number.",
        )
    return number


def guess_kind(values: Sequence[AggregateValue]) -> Kind:
    """``mean`` when any value has an SD, else ``rate`` when all lie in [0, 1], else ``mean``.

    Percentages are not guessed (a mean of 40 is not 40 %): say ``percent`` explicitly.

    >>> guess_kind([AggregateValue("treatment", "baseline", 0.4, 30)])
    'rate'
    """
    if any(v.sd is not None for v in values):
        return "mean"
    return "rate" if all(0.0 <= v.value <= 1.0 for v in values) else "mean"


_Component = tuple[float, float]


def _component(v: AggregateValue, kind: Kind, what: str) -> _Component | None:
    """(variance of the value, its df), or None when only a point estimate is possible."""
    if v.n is None:
        return None
    require_group_size(what, v.n)
    if kind == "mean":
        return None if v.sd is None else (v.sd**2 / v.n, v.n - 1.0)
    scale = 100.0 if kind == "percent" else 1.0
    p = v.value / scale
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{what}: a {kind} must lie between 0 and {scale:g}, got {v.value!r}")
    return (scale**2 * p * (1.0 - p) / v.n, v.n - 1.0)


@dataclass(frozen=True, kw_only=True)
class AggregateChange:
    """A change (or a difference of changes) of aggregates, with the individual keys.

    ``std_error``, ``df``, ``ci_low``, ``ci_high`` and ``p_value`` are None when only a
    point estimate is possible (a mean without SD, a value without head-count).
    """

    estimate: float
    std_error: float | None
    df: float | None
    confidence: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    cohens_d: float | None = None
    hedges_g: float | None = None
    _components: tuple[_Component, ...] | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "df": self.df,
            "confidence": self.confidence,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "cohens_d": self.cohens_d,
            "hedges_g": self.hedges_g,
        }


def _with_interval(
    estimate: float, components: tuple[_Component, ...] | None, confidence: float
) -> dict[str, Any]:
    if components is None:
        return {
            "estimate": estimate,
            "std_error": None,
            "df": None,
            "confidence": confidence,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "_components": None,
        }
    variance = sum(v for v, _ in components)
    spread = [(v, d) for v, d in components if v > 0]
    if spread:
        df = variance**2 / sum(v * v / d for v, d in spread)  # Welch-Satterthwaite
    else:
        df = float(sum(d for _, d in components))
    se = math.sqrt(variance)
    half = t_critical(df, confidence) * se
    return {
        "estimate": estimate,
        "std_error": se,
        "df": df,
        "confidence": confidence,
        "ci_low": estimate - half,
        "ci_high": estimate + half,
        "p_value": two_sided_p_value(estimate / se, df) if se > 0 else None,
        "_components": components,
    }


def aggregate_change(
    baseline: AggregateValue,
    follow_up: AggregateValue,
    *,
    kind: Kind,
    confidence: float = 0.95,
) -> AggregateChange:
    """Change from baseline of one group's aggregate, follow-up minus baseline.

    Raises :class:`SmallGroupError` when either value rests on fewer than 5 people.

    Examples
    --------
    42 % of 30 children at baseline, 49 % of 30 at follow-up: the change is 7 percentage
    points with the binomial standard error √(42·58/30 + 49·51/30) = 12.83:

    >>> c = aggregate_change(AggregateValue("treatment", "baseline", 42, 30),
    ...                      AggregateValue("treatment", "follow_up", 49, 30), kind="percent")
    >>> round(c.estimate, 2), round(c.std_error, 2)
    (7.0, 12.83)
    >>> aggregate_change(AggregateValue("treatment", "baseline", 3.1, 30),
    ...                  AggregateValue("treatment", "follow_up", 3.4, 30), kind="mean").std_error
    """
    group = baseline.group
    before = _component(baseline, kind, f"{group}, baseline")
    after = _component(follow_up, kind, f"{group}, follow_up")
    components = None if before is None or after is None else (before, after)
    estimate = float(follow_up.value - baseline.value)
    d = g = None
    if kind == "mean" and baseline.sd and baseline.n is not None and baseline.n > 2:
        d = estimate / baseline.sd
        g = d * hedges_correction(baseline.n - 1)
    return AggregateChange(
        **_with_interval(estimate, components, confidence), cohens_d=d, hedges_g=g
    )


def _difference(
    treatment: AggregateChange, control: AggregateChange, confidence: float
) -> AggregateChange:
    components = (
        None
        if treatment._components is None or control._components is None
        else treatment._components + control._components
    )
    return AggregateChange(
        **_with_interval(treatment.estimate - control.estimate, components, confidence)
    )


@dataclass(frozen=True)
class AggregateReport:
    """Counts, changes and difference-in-differences of aggregate values."""

    kind: Kind
    confidence: float
    counts: dict[str, dict[str, int | None]]
    changes: dict[str, AggregateChange | None]
    difference_in_differences: AggregateChange | None
    rating: ConfidenceRating
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def point_estimate_only(self) -> bool:
        shown = [c for c in self.changes.values() if c is not None]
        return any(c.std_error is None for c in shown)

    def as_dict(self) -> dict[str, Any]:
        """The individual report's keys, plus ``data``, ``kind``, ``method``, the rating."""
        did = self.difference_in_differences
        comparison = "control" in self.changes
        return {
            "data": "aggregate",
            "kind": self.kind,
            "method": "aggregate_did" if comparison else "aggregate_change",
            "min_group_size": MIN_GROUP_SIZE,
            "confidence": self.confidence,
            "counts": {
                group: {p: None if n is None else suppress(n) for p, n in periods.items()}
                for group, periods in self.counts.items()
            },
            "changes": {
                group: None if change is None else change.as_dict()
                for group, change in self.changes.items()
            },
            "difference_in_differences": None if did is None else did.as_dict(),
            "point_estimate_only": self.point_estimate_only,
            "confidence_rating": self.rating.as_dict(),
            "refused": [refusal.as_dict() for refusal in self.refusals],
        }


def evaluate_aggregates(
    values: Sequence[AggregateValue],
    *,
    kind: Kind | None = None,
    confidence: float = 0.95,
    randomised: bool = False,
) -> AggregateReport:
    """Each group's change from baseline and, with a comparison, the difference.

    A group given at only one period, or not at all, has no change; the treatment group
    must have both. ``kind`` defaults to :func:`guess_kind`; ``randomised`` (groups
    formed by lot) only raises the confidence rating.

    Examples
    --------
    >>> rows = [AggregateValue("treatment", "baseline", 0.42, 30),
    ...         AggregateValue("treatment", "follow_up", 0.55, 32),
    ...         AggregateValue("control", "baseline", 0.40, 400),
    ...         AggregateValue("control", "follow_up", 0.43, 410)]
    >>> r = evaluate_aggregates(rows)
    >>> r.kind, round(r.difference_in_differences.estimate, 2), r.rating.level
    ('rate', 0.1, 3)
    """
    kind = kind or guess_kind(values)
    by: dict[str, dict[str, AggregateValue]] = {}
    for v in values:
        by.setdefault(v.group, {})[v.period] = v
    if not {"baseline", "follow_up"} <= set(by.get("treatment", {})):
        raise CsvError(
            row=1,
            column="period",
            sv="målgruppen (treatment) behöver ett värde för både baseline och follow_up.",
            en="the treatment group needs a value for both baseline and follow_up.",
        )
    changes: dict[str, AggregateChange | None] = {}
    refusals: list[Refusal] = []
    for group in GROUPS:
        periods = by.get(group, {})
        if not {"baseline", "follow_up"} <= set(periods):
            continue
        try:
            changes[group] = aggregate_change(
                periods["baseline"], periods["follow_up"], kind=kind, confidence=confidence
            )
        except SmallGroupError as error:
            changes[group] = None
            refusals.append(Refusal(f"changes.{group}", error))
    did = None
    if "control" in changes:
        treatment, control = changes["treatment"], changes["control"]
        if treatment is not None and control is not None:
            did = _difference(treatment, control, confidence)
        else:
            first = next(r for r in refusals if r.estimate.startswith("changes."))
            refusals.append(Refusal("difference_in_differences", first.error))
    return AggregateReport(
        kind=kind,
        confidence=confidence,
        counts={g: {p: v.n for p, v in by[g].items()} for g in GROUPS if g in by},
        changes=changes,
        difference_in_differences=did,
        rating=maryland_rating(
            before_after=True, comparison="control" in changes, randomised=randomised
        ),
        refusals=refusals,
    )


def aggregate_event_study(
    periods: Sequence[tuple[float, AggregateValue, AggregateValue | None]],
    *,
    start: float,
    kind: Kind,
    confidence: float = 0.95,
) -> dict[str, Any] | None:
    """Per-period effects of aggregate values relative to the last period before ``start``.

    ``periods`` holds (period, target group's value, comparison value or None). Each
    estimate is (T_t − T_ref) − (C_t − C_ref) (without comparison: T_t − T_ref), with
    the head-count variances; estimates share the reference period, so their covariance
    is its variance, which the pre-trend Wald test uses. None when there is nothing
    before or after the start, or a value gives no variance (point estimates only).

    Raises :class:`SmallGroupError` when a value rests on fewer than 5 people.

    Examples
    --------
    >>> rows = [(float(t), AggregateValue("treatment", "p", 40 + t + 5 * (t >= 3), 200), None)
    ...         for t in range(5)]
    >>> es = aggregate_event_study(rows, start=3, kind="percent")
    >>> [(e["e"], round(e["estimate"], 1)) for e in es["event_study"]]
    [(-3, -2.0), (-2, -1.0), (-1, 0.0), (0, 6.0), (1, 7.0)]
    """
    ordered = sorted(periods, key=lambda row: row[0])
    before = [row for row in ordered if row[0] < start]
    after = [row for row in ordered if row[0] >= start]
    if not before or not after:
        return None
    comparison = all(c is not None for _, _, c in ordered)

    def level(row: tuple[float, AggregateValue, AggregateValue | None]) -> tuple[float, float]:
        _, t, c = row
        vt = _component(t, kind, "treatment")
        vc = _component(c, kind, "control") if comparison and c is not None else (0.0, 1.0)
        if vt is None or vc is None:
            raise _NoVariance
        value = t.value - (c.value if comparison and c is not None else 0.0)
        return value, vt[0] + vc[0]

    try:
        levels = [level(row) for row in ordered]
    except _NoVariance:
        return None
    ref = len(before) - 1
    ref_value, ref_var = levels[ref]
    events: list[dict[str, Any]] = []
    placebo: list[int] = []
    # a normal interval: the head-counts behind aggregates are large and many
    z = t_critical(math.inf, confidence)
    for i, (value, var) in enumerate(levels):
        e = i - ref - 1
        if i == ref:
            events.append(
                {
                    "e": e,
                    "estimate": 0.0,
                    "std_error": 0.0,
                    "ci_low": 0.0,
                    "ci_high": 0.0,
                    "reference": True,
                }
            )
            continue
        estimate = value - ref_value
        se = math.sqrt(var + ref_var)
        events.append(
            {
                "e": e,
                "estimate": estimate,
                "std_error": se,
                "ci_low": estimate - z * se,
                "ci_high": estimate + z * se,
                "reference": False,
            }
        )
        if i < ref:
            placebo.append(i)
    pre_trend: dict[str, Any] = {
        "tested_periods": len(placebo),
        "wald": None,
        "p_value": None,
        "parallel": None,
    }
    if placebo:
        theta = np.array([levels[i][0] - ref_value for i in placebo])
        cov = np.full((len(placebo), len(placebo)), ref_var) + np.diag(
            [levels[i][1] for i in placebo]
        )
        wald = float(theta @ np.linalg.solve(cov, theta))
        p_value = float(stats.chi2.sf(wald, len(placebo)))
        pre_trend = {
            "tested_periods": len(placebo),
            "wald": wald,
            "p_value": p_value,
            "parallel": p_value >= 0.05,
        }
    return {
        "method": "aggregate_event_study",
        "confidence": confidence,
        "comparison": comparison,
        "event_study": events,
        "pre_trend": pre_trend,
    }


class _NoVariance(Exception):
    """A value without head-count or SD: no interval, so no event study."""
