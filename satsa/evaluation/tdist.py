"""Student's t distribution (tail probability, quantile), as the estimates need it.

Thin, checked wrappers over :mod:`scipy.special` (which statsmodels brings; its ``stdtr``
and ``stdtrit`` are what ``scipy.stats.t`` calls, without its overhead): they keep the
names the package has always exported, refuse impossible arguments with a plain
``ValueError``, and return plain floats. ``df = math.inf`` gives the standard normal.
"""

from __future__ import annotations

import math

from scipy import special

__all__ = ["t_critical", "t_quantile", "t_sf", "two_sided_p_value"]


def _check_df(df: float) -> None:
    if not df > 0:  # also catches nan
        raise ValueError(f"degrees of freedom must be > 0, got {df!r}")


def t_sf(t: float, df: float) -> float:
    """Upper tail probability ``P(T > t)`` of Student's t with ``df`` degrees of freedom.

    Examples
    --------
    >>> round(t_sf(2.228139, 10), 6)
    0.025
    >>> t_sf(0.0, 3)
    0.5
    """
    _check_df(df)
    if math.isnan(t):
        raise ValueError("t must be a number, got nan")
    if df == math.inf:
        return float(special.ndtr(-t))
    return float(special.stdtr(df, -t))


def two_sided_p_value(t: float, df: float) -> float:
    """Two-sided p-value ``P(|T| > |t|)``.

    Examples
    --------
    >>> round(two_sided_p_value(2.776445, 4), 6)
    0.05
    """
    return min(1.0, 2.0 * t_sf(abs(t), df))


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t; ``df`` need not be whole (Welch gives fractions).

    Examples
    --------
    >>> round(t_quantile(0.975, 10), 3)
    2.228
    >>> round(t_quantile(0.975, math.inf), 3)
    1.96
    """
    _check_df(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    if df == math.inf:
        return float(special.ndtri(p))
    return float(special.stdtrit(df, p))


def t_critical(df: float, confidence: float = 0.95) -> float:
    """Two-sided critical value: ``t`` with ``P(|T| ≤ t) = confidence``.

    Examples
    --------
    >>> round(t_critical(4), 3)
    2.776
    >>> round(t_critical(10, confidence=0.90), 3)
    1.812
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return t_quantile(0.5 + confidence / 2.0, df)
