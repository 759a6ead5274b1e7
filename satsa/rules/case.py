"""The case description the eligibility engine reads: who takes part and the key figures.

Every field is optional, because a case is checked while it is still being written:
missing information makes a rule "review", never an error. A value of the wrong *type*
(a word where a number belongs, an unknown party type, a share above 1) is an error,
reported precisely by :class:`CaseError`. Unknown keys are ignored, so callers may pass
richer records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from satsa.rules.problems import Loc, Problem
from satsa.rules.schema import PartyType

__all__ = ["Case", "CaseError", "Party", "parse_case"]


def _number_only(value: Any) -> Any:
    # Money arrives from JSON as a number; "2 000 000" or True is a mistake, not a number.
    if isinstance(value, (str, bool)):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    return value


def _date_only(value: Any) -> Any:
    # pydantic would read a number as a Unix timestamp; a case date is always YYYY-MM-DD.
    if isinstance(value, (int, float)):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return value


Amount = Annotated[Decimal, BeforeValidator(_number_only)]
Share = Annotated[float, Field(ge=0, le=1, strict=True)]
Day = Annotated[dt.date, BeforeValidator(_date_only)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)


class Party(_Input):
    """One party of the case.

    ``area`` is a board's area of operation (two boards are from different areas when
    their areas differ); ``form`` is a civil-society actor's legal form (``forening``,
    ``stiftelse`` …); ``municipal_ownership`` is the municipality's share of a company.
    """

    type: PartyType | None = None
    name: Annotated[str, Field(strict=True)] | None = None
    area: Annotated[str, Field(strict=True)] | None = None
    form: Annotated[str, Field(strict=True)] | None = None
    municipal_ownership: Share | None = None


class Case(_Input):
    """What the engine needs to know about a case.

    >>> case = Case.model_validate({"parties": [{"type": "board", "name": "Socialnämnden",
    ...                                          "area": "social"}],
    ...                             "duration_years": 3, "start_date": "2026-09-01"})
    >>> case.parties[0].area, case.duration_years, case.start_date
    ('social', 3.0, datetime.date(2026, 9, 1))
    """

    parties: list[Party] | None = None
    duration_years: Annotated[float, Field(ge=0, strict=True)] | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    co_financing_share: Share | None = None
    requested_amount: Annotated[Amount, Field(ge=0)] | None = None
    total_cost: Annotated[Amount, Field(ge=0)] | None = None
    project_leader_share: Share | None = None
    submitted_date: Day | None = None
    # The application round (a round id of the rulebook, or a year such as "2018").
    intake_round: Annotated[str, Field(strict=True)] | None = None
    # New grants already decided in the calendar year of the decision.
    new_grants_this_year: Annotated[int, Field(ge=0, strict=True)] | None = None
    # Expected savings counted within the rulebook's horizon and on its basis.
    expected_savings: Amount | None = None
    # The cost the calculation sets against them (its approval rule's cost); when absent
    # the total cost, else the requested amount.
    approval_cost: Annotated[Amount, Field(ge=0)] | None = None


class CaseError(ValueError):
    """The case description has values of the wrong type; ``problems`` says where.

    >>> try:
    ...     parse_case({"duration_years": "three", "parties": [{"type": "alien"}]})
    ... except CaseError as err:
    ...     print(err)
    2 problems in the case:
      parties[0].type: Input should be 'board', 'civil_society', 'municipal_company', 'other_public', 'company' or 'contracted_operator' (got 'alien')
      duration_years: Input should be a valid number (got 'three')
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        lines = [f"{len(problems)} {noun} in the case:", *(f"  {p}" for p in problems)]
        super().__init__("\n".join(lines))


def parse_case(data: Any) -> Case:
    """Validate a case description (a dict, e.g. parsed JSON); :class:`CaseError` if wrong."""
    if isinstance(data, Case):
        return data
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise CaseError([Problem((), f"a case is a JSON object (a mapping), not {kind}")])
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc: Loc = tuple(error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] != "value_error":
                message = f"{message} (got {error['input']!r})"
            problems.append(Problem(loc, message))
        raise CaseError(problems) from None
