"""Regression-adjusted difference-in-differences on individual rows (statsmodels OLS).

The model is ``value = a + b·treatment + c·follow_up + δ·treatment·follow_up + Σ γ·covariate``;
δ is the effect. Covariates adjust for differences between the groups (age, earlier
placements …) that the plain two-group comparison leaves in the estimate. Standard
errors are the usual OLS ones, or cluster-robust (CR1, as Stata's ``vce(cluster)``)
when a cluster column is named, with G − 1 degrees of freedom for the t interval. When
the same people are measured twice and no cluster is named, the rows are clustered by
person, because a person's two rows are not independent.

Known values (Wooldridge, *Introductory Econometrics*, Examples 13.3 and 13.4) are
reproduced in the tests through ``satsa evaluate``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm

from satsa.evaluation.effects import Estimate, hedges_correction
from satsa.evaluation.errors import CsvError, EvaluationError
from satsa.evaluation.measurements import Measurement, parse_number
from satsa.evaluation.suppression import require_group_size

__all__ = ["RegressionDiD", "regression_difference_in_differences"]

#: the cluster name that means "each person's own rows"
PERSON = "person"


@dataclass(frozen=True, kw_only=True)
class RegressionDiD(Estimate):
    """δ of the regression, with the keys of the two-group estimate and how it was made."""

    method: str
    covariates: tuple[str, ...]
    cluster: str | None
    n_observations: int
    n_clusters: int | None
    sd_baseline_pooled: float
    cohens_d: float | None
    hedges_g: float | None

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        out["covariates"] = list(self.covariates)
        return out


def _covariate(m: Measurement, name: str) -> float:
    text = m.extra.get(name, "")
    number = parse_number(text, ";" if "," in text and "." not in text else ",")
    if not math.isfinite(number):
        raise CsvError(
            row=m.row,
            column=name,
            sv=f"kovariaten '{text}' är inte ett tal.",
            en=f"the covariate '{text}' is not a number.",
        )
    return number


def regression_difference_in_differences(
    measurements: Sequence[Measurement],
    *,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    confidence: float = 0.95,
) -> RegressionDiD:
    """δ from OLS with optional covariates and cluster-robust standard errors.

    ``covariates`` and ``cluster`` name columns kept in ``Measurement.extra``
    (``cluster="person"`` uses the person column).

    Raises
    ------
    SmallGroupError
        When a group has fewer than 5 rows at a period.
    EvaluationError
        When a covariate is constant or a copy of the others (the model cannot separate
        it), or there are fewer than 2 clusters.

    Examples
    --------
    Six people per group, measured twice; the treatment group gains 3 more than the
    control group (the ± 0.5 keeps the fit from being perfect):

    >>> rows = [Measurement(f"{g}{i}", g, p, 10 + i + (i % 2 - 0.5) * (p == "follow_up")
    ...                     + 1 * (p == "follow_up") + 3 * (g == "treatment" and p == "follow_up"))
    ...         for g in ("treatment", "control") for p in ("baseline", "follow_up")
    ...         for i in range(6)]
    >>> r = regression_difference_in_differences(rows)
    >>> round(r.estimate, 6), r.cluster, r.n_clusters
    (3.0, 'person', 12)
    """
    for group in ("treatment", "control"):
        for period in ("baseline", "follow_up"):
            rows = sum(1 for m in measurements if m.group == group and m.period == period)
            require_group_size(f"{group}, {period}", rows)
    y = np.array([m.value for m in measurements], dtype=np.float64)
    treated = np.array([m.group == "treatment" for m in measurements], dtype=np.float64)
    post = np.array([m.period == "follow_up" for m in measurements], dtype=np.float64)
    columns = [np.ones_like(y), treated, post, treated * post]
    names = ["const", "treatment", "follow_up", "treatment:follow_up"]
    for name in covariates:
        columns.append(np.array([_covariate(m, name) for m in measurements], dtype=np.float64))
        names.append(name)
    x = np.column_stack(columns)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise EvaluationError(
            sv="En kovariat är konstant eller upprepar andra kolumner; ta bort den.",
            en="A covariate is constant or repeats other columns; leave it out.",
        )

    people = [m.person for m in measurements]
    if cluster is None and len(set(people)) < len(people):
        cluster = PERSON
    model = sm.OLS(y, x)
    n_clusters = None
    if cluster is None:
        result = model.fit()
        df = float(result.df_resid)
    else:
        labels = people if cluster == PERSON else [m.extra.get(cluster, "") for m in measurements]
        for m, label in zip(measurements, labels, strict=True):
            if not label or label.lower() in ("nan", "na"):
                raise CsvError(
                    row=m.row,
                    column=cluster,
                    sv="klustret saknas på raden.",
                    en="the cluster is missing on the row.",
                )
        codes = np.unique(np.array(labels), return_inverse=True)[1]
        n_clusters = int(codes.max()) + 1
        if n_clusters < 2:
            raise EvaluationError(
                sv="Klustrade medelfel behöver minst två kluster.",
                en="Cluster-robust standard errors need at least two clusters.",
            )
        result = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        df = float(result.df_resid_inference)  # G − 1
    estimate = float(result.params[3])
    se = float(result.bse[3])
    low, high = (float(v) for v in result.conf_int(alpha=1.0 - confidence)[3])
    p = float(result.pvalues[3]) if se > 0 else None

    baseline = {
        g: y[(treated == (g == "treatment")) & (post == 0)] for g in ("treatment", "control")
    }
    n_t, n_c = baseline["treatment"].size, baseline["control"].size
    pooled = math.sqrt(
        (
            (n_t - 1) * baseline["treatment"].var(ddof=1)
            + (n_c - 1) * baseline["control"].var(ddof=1)
        )
        / (n_t + n_c - 2)
    )
    d = estimate / pooled if pooled > 0 else None
    return RegressionDiD(
        estimate=estimate,
        std_error=se,
        df=df,
        confidence=confidence,
        ci_low=low,
        ci_high=high,
        p_value=p,
        method="regression",
        covariates=tuple(covariates),
        cluster=cluster,
        n_observations=int(y.size),
        n_clusters=n_clusters,
        sd_baseline_pooled=pooled,
        cohens_d=d,
        hedges_g=None if d is None else d * hedges_correction(n_t + n_c - 2),
    )
