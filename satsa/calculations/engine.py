"""The web side's door to the calculation engine ``satsa.economics``.

Runs the engine on exchange-format data, turns its named error into problems by path
in the active language, and makes the result plain JSON for storage.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

if TYPE_CHECKING:
    from satsa.economics.terms import RulebookTerms

# Draws for the Monte Carlo shown in the editor and stored with the calculation: the
# 10 000 of ECONOMICS.md §2 (the 20-line reference takes about 16 ms), so the chance that
# the benefits cover the cost is stable to about half a percentage point.
DRAWS = 10_000


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


class CalculationInvalid(Exception):
    """The engine refused the data; ``problems`` names each field at fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def _language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def run(
    data: dict[str, Any],
    *,
    seed: int | None = None,
    draws: int = DRAWS,
    terms: RulebookTerms | None = None,
) -> dict[str, Any]:
    """The engine's result for ``data`` under the rulebook's ``terms`` (the horizon cap,
    approval basis and perspectives, repayment) as JSON-ready data, or
    :class:`CalculationInvalid`; the same function ``satsa calc --rulebook`` uses."""
    return run_with_draws(data, seed=seed, draws=draws, terms=terms)[0]


def run_with_draws(
    data: dict[str, Any],
    *,
    seed: int | None = None,
    draws: int = DRAWS,
    terms: RulebookTerms | None = None,
) -> tuple[dict[str, Any], list[float] | None]:
    """:func:`run` and the Monte Carlo NPV draws its ``monte_carlo`` summarises (for the
    distribution chart), from one simulation; the draws are None without Monte Carlo."""
    from satsa.economics import CalculationError
    from satsa.economics.terms import calculate_under_with_draws

    try:
        # The engine only reads its input: no copy needed.
        result, npv = calculate_under_with_draws(data, terms, draws=draws, seed=seed)
    except CalculationError as error:
        language = _language()
        raise CalculationInvalid(
            [Problem(issue.path, issue.message(language)) for issue in error.issues]
        ) from None
    return jsonable(result), (npv.tolist() if npv is not None else None)


def jsonable(value: Any) -> Any:
    """numpy scalars and arrays, tuples and non-finite floats made plain JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return jsonable(value.item())
    return value


def headline_npv(result: dict[str, Any] | None) -> float | None:
    """The discounted net present value, for events and lists."""
    if not result:
        return None
    totals = result.get("totals") or {}
    for key in ("npv", "discounted"):
        value = totals.get(key)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, dict) and isinstance(value.get("npv"), int | float):
            return float(value["npv"])
    return None


def _stated_years(case: Any) -> int | None:
    """The duration the application states (whole years, rounded up), before the decision
    gives the project its dates; None when it states none."""
    from satsa.cases.selectors import draft_of, latest_submitted

    if getattr(case, "pk", None) is None:
        return None
    version = draft_of(case) or latest_submitted(case)
    stated = (version.figures or {}).get("duration_years") if version else None
    try:
        value = float(str(stated).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return math.ceil(value) if math.isfinite(value) and value > 0 else None


def starting_data(case: Any) -> dict[str, Any]:
    """A new calculation's data: the case's years, no lines yet, and the terms of the
    case's rulebook (approval basis, discount rate, horizon, repayment); without a
    rulebook the Green Book rate, a ten-year horizon and the nominal basis."""
    from satsa.calculations.selectors import rulebook_terms
    from satsa.calculations.terms import (
        DEFAULT_DISCOUNT_RATE,
        DEFAULT_HORIZON_YEARS,
        apply_terms,
    )

    start = case.start_date.year if case.start_date else None
    end = case.end_date.year if case.end_date else None
    if start is None:
        from django.utils import timezone

        start = timezone.localdate().year + 1
    years = max(1, (end - start + 1) if end and end >= start else _stated_years(case) or 3)
    terms = rulebook_terms(case)
    rate, horizon = DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_YEARS
    if terms is not None:
        if terms.discount_rate is not None:
            rate = terms.discount_rate
        if terms.horizon_years_after_end is not None:
            horizon = terms.horizon_years_after_end
    data = {
        "name": case.title,
        "currency": "SEK",
        "start_year": start,
        "project_years": years,
        "horizon_years_after_end": horizon,
        "discount_rate": rate,
        "discount_base_year": start,
        "price_year": start,
        "optimism_bias": {"costs": 0.0, "effects": 0.0},
        "costs": [],
        "effects": [],
        "approval": {"basis": "nominal"},
    }
    return apply_terms(data, terms)


def npv_draws(data: dict[str, Any], *, seed: int, draws: int) -> list[float] | None:
    """The Monte Carlo NPV draws behind a result's ``monte_carlo`` (give its seed and
    draws), for the distribution chart; None when the engine refuses the data."""
    from satsa.economics import CalculationError
    from satsa.economics import npv_draws as engine_npv_draws

    try:
        values: list[float] = engine_npv_draws(copy.deepcopy(data), draws, seed).tolist()
    except CalculationError:
        return None
    return values
