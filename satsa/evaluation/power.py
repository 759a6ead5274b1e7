"""Power at planning: can the planned groups detect the effect the calculation expects?

Before the start, each effect measure has a baseline, an expected effect (the target
minus the baseline) and planned group sizes. The estimate will be a change from baseline
(no comparison group) or a difference-in-differences; with independent samples at both
periods its variance is 2σ²/n for each group, where σ² is p(1 − p) for a rate (at the
baseline level) or the given standard deviation squared for a mean. The power of a
two-sided test at level α is Φ(|δ|/se − z) + Φ(−|δ|/se − z), z = Φ⁻¹(1 − α/2) (normal
approximation).
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import special

__all__ = ["TARGET_POWER", "n_for_power", "power_difference"]

#: the power a design should reach
TARGET_POWER = 0.8

Kind = Literal["rate", "percent", "mean"]


def _variance(kind: Kind, baseline: float, sd: float | None) -> float:
    if kind == "mean":
        if sd is None or not sd > 0:
            raise ValueError("a mean needs a standard deviation > 0 to compute power")
        return sd * sd
    scale = 100.0 if kind == "percent" else 1.0
    p = baseline / scale
    if not 0.0 < p < 1.0:
        raise ValueError(f"a {kind} baseline must lie strictly between 0 and {scale:g}")
    return scale * scale * p * (1.0 - p)


def _groups(n_treatment: int, n_control: int | None) -> float:
    if n_treatment < 1 or (n_control is not None and n_control < 1):
        raise ValueError("group sizes must be at least 1")
    return 2.0 / n_treatment + (0.0 if n_control is None else 2.0 / n_control)


def power_difference(
    *,
    effect: float,
    baseline: float,
    n_treatment: int,
    n_control: int | None,
    kind: Kind,
    sd: float | None = None,
    alpha: float = 0.05,
) -> float:
    """Power to detect ``effect`` (DiD, or change without a comparison group).

    Examples
    --------
    From 40 % to 55 % with 100 in each group (DiD): se = √(2400 · 4/100) = 9.8, so the
    power is Φ(15/9.8 − 1.96) ≈ 0.33.

    >>> round(power_difference(effect=15, baseline=40, n_treatment=100, n_control=100,
    ...                        kind="percent"), 2)
    0.33
    >>> power_difference(effect=0, baseline=40, n_treatment=100, n_control=None,
    ...                  kind="percent") == 0.05
    True
    """
    se = math.sqrt(_variance(kind, baseline, sd) * _groups(n_treatment, n_control))
    z = float(special.ndtri(1.0 - alpha / 2.0))
    shift = abs(effect) / se
    return float(special.ndtr(shift - z) + special.ndtr(-shift - z))


def n_for_power(
    *,
    effect: float,
    baseline: float,
    comparison: bool,
    kind: Kind,
    sd: float | None = None,
    power: float = TARGET_POWER,
    alpha: float = 0.05,
) -> int | None:
    """People needed in each group (equal sizes) for ``power``; None for a zero effect.

    >>> n_for_power(effect=15, baseline=40, comparison=True, kind="percent")
    335
    >>> n_for_power(effect=0.5, baseline=0, comparison=False, kind="mean", sd=1.0)
    63
    """
    if effect == 0:
        return None
    z = float(special.ndtri(1.0 - alpha / 2.0)) + float(special.ndtri(power))
    groups = 2.0 if comparison else 1.0
    n = 2.0 * groups * _variance(kind, baseline, sd) * (z / effect) ** 2
    return max(2, math.ceil(n - 1e-9))
