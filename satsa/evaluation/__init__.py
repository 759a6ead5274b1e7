"""Evaluation: effect estimates, instrument scoring, small-group suppression (no Django).

Everything the effect evaluation of a social investment needs (DOMAIN.md §3 steps 5–8,
§8), as plain functions over numbers and arrays: reused by the web screens, the API and
``satsa evaluate``. See docs/evaluation.md.
"""

from satsa.evaluation.effects import (
    Change,
    DifferenceInDifferences,
    Estimate,
    change_from_baseline,
    cohens_d,
    difference_in_differences,
    hedges_correction,
    hedges_g,
)
from satsa.evaluation.errors import AnswerError, CsvError, EvaluationError, SmallGroupError
from satsa.evaluation.kasam import Soc13Score, score_soc13, soc13_totals
from satsa.evaluation.measurements import (
    EvaluationReport,
    Measurement,
    evaluate_measurements,
    read_measurement_rows,
    read_measurements_csv,
)
from satsa.evaluation.pseudonym import normalise_identifier, pseudonymise
from satsa.evaluation.savings import RealisedEffect, realised_savings
from satsa.evaluation.sdq import SdqScores, validate_sdq
from satsa.evaluation.suppression import (
    MIN_GROUP_SIZE,
    SECONDARY,
    SUPPRESSED,
    is_reportable,
    require_group_size,
    suppress,
    suppress_table,
)
from satsa.evaluation.tdist import t_critical, t_quantile, t_sf, two_sided_p_value

__all__ = [
    "MIN_GROUP_SIZE",
    "SECONDARY",
    "SUPPRESSED",
    "AnswerError",
    "Change",
    "CsvError",
    "DifferenceInDifferences",
    "Estimate",
    "EvaluationError",
    "EvaluationReport",
    "Measurement",
    "RealisedEffect",
    "SdqScores",
    "SmallGroupError",
    "Soc13Score",
    "change_from_baseline",
    "cohens_d",
    "difference_in_differences",
    "evaluate_measurements",
    "hedges_correction",
    "hedges_g",
    "is_reportable",
    "normalise_identifier",
    "pseudonymise",
    "read_measurement_rows",
    "read_measurements_csv",
    "realised_savings",
    "require_group_size",
    "score_soc13",
    "soc13_totals",
    "suppress",
    "suppress_table",
    "t_critical",
    "t_quantile",
    "t_sf",
    "two_sided_p_value",
    "validate_sdq",
]
