"""Rulebooks: each organisation's guideline as data, and the eligibility engine (no Django).

A rulebook (:class:`Rulebook`) holds every rule of one version of one guideline — who may
apply, the consortium rule, duration, co-financing, intake, reporting, repayment, the
criteria lists, the application's sections and the decision chain. Presets for Örebro,
Uppsala and Region Gävleborg ship as TOML in ``presets/``; ``docs/rules.md`` describes
the format.

>>> from satsa.rules import check_eligibility, get_preset, preset_ids
>>> preset_ids()
['gavleborg-2018', 'orebro-2016', 'orebro-2020', 'uppsala-2016']
>>> case = {"parties": [{"type": "board", "name": "Socialnämnden", "area": "social"},
...                     {"type": "civil_society", "name": "Föreningen Kultivera",
...                      "form": "forening"}],
...         "duration_years": 3, "project_leader_share": 0.5}
>>> check_eligibility(get_preset("orebro-2020"), case).eligible
True
"""

from satsa.rules.case import Case, CaseError, Party, parse_case
from satsa.rules.eligibility import (
    RULES,
    EligibilityResult,
    Finding,
    Status,
    check_eligibility,
    statuses,
)
from satsa.rules.export import Change, calculation_parameters, rulebook_diff, rulebook_to_dict
from satsa.rules.loading import (
    UnknownRulebookError,
    get_preset,
    load_rulebook,
    parse_rulebook,
    preset_ids,
    preset_in_force,
    preset_path,
    presets,
    resolve_rulebook,
    rulebook_from_dict,
)
from satsa.rules.problems import Problem, RulebookError
from satsa.rules.schema import (
    GUARDS,
    PARTY_TYPES,
    ROLES,
    Criteria,
    CriteriaList,
    Criterion,
    RepaymentRule,
    ReportingPeriod,
    Rulebook,
    Section,
    Stage,
    split_citation,
)
from satsa.rules.workflow import guard_text, missing_guards

__all__ = [
    "GUARDS",
    "PARTY_TYPES",
    "ROLES",
    "RULES",
    "Case",
    "CaseError",
    "Change",
    "Criteria",
    "CriteriaList",
    "Criterion",
    "EligibilityResult",
    "Finding",
    "Party",
    "Problem",
    "RepaymentRule",
    "ReportingPeriod",
    "Rulebook",
    "RulebookError",
    "Section",
    "Stage",
    "Status",
    "UnknownRulebookError",
    "calculation_parameters",
    "check_eligibility",
    "get_preset",
    "guard_text",
    "load_rulebook",
    "missing_guards",
    "parse_case",
    "parse_rulebook",
    "preset_ids",
    "preset_in_force",
    "preset_path",
    "presets",
    "resolve_rulebook",
    "rulebook_diff",
    "rulebook_from_dict",
    "rulebook_to_dict",
    "split_citation",
    "statuses",
]
