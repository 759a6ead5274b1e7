"""Effect estimates: change against baseline, difference-in-differences, effect sizes.

The effect evaluation (DOMAIN.md §3 step 7, §8) compares the target group's change from
baseline with the control group's. Every interval is a t interval: one variance
component per independent sample, combined with the Welch-Satterthwaite degrees of
freedom, so paired and independent designs, and a paired treatment group against an
independent control group, are all handled by the same arithmetic. Every estimate is
refused (:class:`~satsa.evaluation.errors.SmallGroupError`) when it rests on fewer than
``MIN_GROUP_SIZE`` people.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from satsa.evaluation.suppression import require_group_size
from satsa.evaluation.tdist import t_critical, two_sided_p_value

__all__ = [
    "Change",
    "DifferenceInDifferences",
    "Estimate",
    "change_from_baseline",
    "cohens_d",
    "difference_in_differences",
    "hedges_correction",
    "hedges_g",
]

Design = Literal["paired", "independent"]
# (variance of a mean, its degrees of freedom) for one independent sample
_Component = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A point estimate with its t confidence interval.

    ``p_value`` tests "no change / no difference" two-sided; it is ``None`` when the
    standard error is zero (every person changed by exactly the same amount).
    """

    estimate: float
    std_error: float
    df: float
    confidence: float
    ci_low: float
    ci_high: float
    p_value: float | None

    def as_dict(self) -> dict[str, Any]:
        """The public fields as plain JSON-ready values."""
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass(frozen=True, kw_only=True)
class Change(Estimate):
    """One group's mean change from baseline to follow-up (follow-up minus baseline).

    ``cohens_d`` is the change divided by the baseline standard deviation (Becker 1988)
    and ``hedges_g`` the same with the small-sample correction for ``n_baseline - 1``
    degrees of freedom; both are ``None`` when the baseline has no spread.
    """

    group: str
    design: Design
    n_baseline: int
    n_follow_up: int
    mean_baseline: float
    mean_follow_up: float
    sd_baseline: float
    cohens_d: float | None
    hedges_g: float | None
    _components: tuple[_Component, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class DifferenceInDifferences(Estimate):
    """The treatment group's change minus the control group's change.

    ``cohens_d`` divides the estimate by the pooled baseline standard deviation of both
    groups (Morris 2008, *d_ppc2*); ``hedges_g`` corrects it for
    ``n_baseline(treatment) + n_baseline(control) - 2`` degrees of freedom.
    """

    treatment: Change
    control: Change
    sd_baseline_pooled: float
    cohens_d: float | None
    hedges_g: float | None

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        out["treatment"] = self.treatment.as_dict()
        out["control"] = self.control.as_dict()
        return out


def _values(data: npt.ArrayLike, what: str) -> npt.NDArray[np.float64]:
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} must hold finite numbers only")
    return array


def _t_fields(
    estimate: float, components: tuple[_Component, ...], confidence: float
) -> dict[str, Any]:
    variance = sum(v for v, _ in components)
    spread = [(v, d) for v, d in components if v > 0]
    if len(spread) == 1:
        df = spread[0][1]
    elif spread:
        # Welch-Satterthwaite: df = (Σ v)² / Σ (v² / df_i)
        df = variance**2 / sum(v * v / d for v, d in spread)
    else:
        # No spread at all: the interval is a point whatever df is; report the total.
        df = float(sum(d for _, d in components))
    std_error = math.sqrt(variance)
    half_width = t_critical(df, confidence) * std_error
    return {
        "estimate": estimate,
        "std_error": std_error,
        "df": df,
        "confidence": confidence,
        "ci_low": estimate - half_width,
        "ci_high": estimate + half_width,
        "p_value": two_sided_p_value(estimate / std_error, df) if std_error > 0 else None,
    }


def hedges_correction(df: float) -> float:
    """Hedges' small-sample correction J(df) = Γ(df/2) / (√(df/2) · Γ((df−1)/2)).

    The exact form; the common approximation is ``1 - 3 / (4 df - 1)``.

    Examples
    --------
    >>> round(hedges_correction(8), 6)
    0.902703
    >>> round(hedges_correction(1e6), 6)
    0.999999
    """
    if not df > 1:
        raise ValueError(f"Hedges' correction needs df > 1, got {df!r}")
    log_j = math.lgamma(df / 2.0) - 0.5 * math.log(df / 2.0) - math.lgamma((df - 1.0) / 2.0)
    return math.exp(log_j)


def cohens_d(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Standardised mean difference of two independent samples, (mean a − mean b) / s_pooled.

    Examples
    --------
    >>> round(cohens_d([2, 4, 6, 8, 10], [1, 3, 5, 7, 9]), 6)  # 1 / √10
    0.316228
    """
    x, y = _values(a, "a"), _values(b, "b")
    require_group_size("a", x.size)
    require_group_size("b", y.size)
    pooled = _pooled_sd(x, y)
    if pooled == 0:
        raise ValueError("both samples have no spread; the effect size is undefined")
    return float((x.mean() - y.mean()) / pooled)


def hedges_g(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cohen's d with Hedges' small-sample correction for ``len(a) + len(b) − 2`` df.

    Examples
    --------
    >>> round(hedges_g([2, 4, 6, 8, 10], [1, 3, 5, 7, 9]), 5)  # 0.316228 × J(8) = 0.316228 × 0.902703
    0.28546
    """
    x, y = np.asarray(a), np.asarray(b)
    return cohens_d(x, y) * hedges_correction(x.size + y.size - 2)


def _pooled_sd(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    pooled_var = ((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / (
        x.size + y.size - 2
    )
    return float(np.sqrt(pooled_var))


def change_from_baseline(
    baseline: npt.ArrayLike,
    follow_up: npt.ArrayLike,
    *,
    paired: bool,
    group: str = "group",
    confidence: float = 0.95,
) -> Change:
    """Mean change from baseline to follow-up with its confidence interval.

    Parameters
    ----------
    baseline, follow_up : array_like
        Measured values. With ``paired=True`` they are the same people in the same
        order (position i of both arrays is one person) and the interval uses each
        person's own change; otherwise they are independent samples (Welch).
    paired : bool
        Whether the same people were measured at both periods.
    group : str
        The group's name, used in the refusal message for a small group.
    confidence : float
        Confidence level of the interval, 0.95 by default.

    Raises
    ------
    SmallGroupError
        When the estimate would rest on fewer than 5 people (pairs, or either sample).

    Examples
    --------
    Five people, each measured twice (changes 1, 2, 1, 2, 2: mean 1.6, SD √0.3, so the
    interval is 1.6 ± t(0.975; 4) · √(0.3 / 5) = 1.6 ± 2.776445 · 0.244949):

    >>> c = change_from_baseline([1, 2, 3, 4, 5], [2, 4, 4, 6, 7], paired=True)
    >>> round(c.estimate, 6), round(c.ci_low, 6), round(c.ci_high, 6)
    (1.6, 0.919913, 2.280087)
    >>> c.design, c.n_baseline, c.df
    ('paired', 5, 4.0)
    """
    before = _values(baseline, f"{group} baseline")
    after = _values(follow_up, f"{group} follow-up")
    if paired:
        if before.size != after.size:
            raise ValueError(
                f"paired data for {group} need one baseline and one follow-up value per "
                f"person, got {before.size} and {after.size}"
            )
        require_group_size(f"{group}, baseline & follow_up", before.size)
        diff = after - before
        components: tuple[_Component, ...] = (
            (float(diff.var(ddof=1)) / diff.size, diff.size - 1.0),
        )
    else:
        require_group_size(f"{group}, baseline", before.size)
        require_group_size(f"{group}, follow_up", after.size)
        components = (
            (float(before.var(ddof=1)) / before.size, before.size - 1.0),
            (float(after.var(ddof=1)) / after.size, after.size - 1.0),
        )
    estimate = float(after.mean() - before.mean())
    sd_baseline = float(before.std(ddof=1))
    d = estimate / sd_baseline if sd_baseline > 0 else None
    return Change(
        **_t_fields(estimate, components, confidence),
        group=group,
        design="paired" if paired else "independent",
        n_baseline=int(before.size),
        n_follow_up=int(after.size),
        mean_baseline=float(before.mean()),
        mean_follow_up=float(after.mean()),
        sd_baseline=sd_baseline,
        cohens_d=d,
        hedges_g=None if d is None else d * hedges_correction(before.size - 1),
        _components=components,
    )


def difference_in_differences(treatment: Change, control: Change) -> DifferenceInDifferences:
    """Difference-in-differences: the treatment group's change minus the control's.

    The two groups are independent samples, so the variance components of both changes
    add, and the degrees of freedom follow Welch-Satterthwaite.

    Examples
    --------
    >>> t = change_from_baseline([10, 11, 12, 13, 14], [14, 14, 17, 17, 18], paired=True,
    ...                          group="treatment")
    >>> c = change_from_baseline([10, 12, 11, 14, 13], [11, 13, 11, 16, 13], paired=True,
    ...                          group="control")
    >>> did = difference_in_differences(t, c)
    >>> round(t.estimate, 2), round(c.estimate, 2), round(did.estimate, 2)
    (4.0, 0.8, 3.2)
    >>> did.ci_low < 3.2 < did.ci_high
    True
    """
    if treatment.confidence != control.confidence:
        raise ValueError("both changes must use the same confidence level")
    estimate = treatment.estimate - control.estimate
    n_t, n_c = treatment.n_baseline, control.n_baseline
    pooled_var = ((n_t - 1) * treatment.sd_baseline**2 + (n_c - 1) * control.sd_baseline**2) / (
        n_t + n_c - 2
    )
    sd_pooled = math.sqrt(pooled_var)
    d = estimate / sd_pooled if sd_pooled > 0 else None
    return DifferenceInDifferences(
        **_t_fields(estimate, treatment._components + control._components, treatment.confidence),
        treatment=treatment,
        control=control,
        sd_baseline_pooled=sd_pooled,
        cohens_d=d,
        hedges_g=None if d is None else d * hedges_correction(n_t + n_c - 2),
    )
