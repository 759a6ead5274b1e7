"""Reads: unit-cost tables, price indices, calculations and who may see or edit them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from satsa.calculations.models import (
    Calculation,
    CalculationSnapshot,
    PriceIndex,
    RealisationMeasure,
    UnitCost,
    UnitCostQuerySet,
    UnitCostValue,
)
from satsa.calculations.terms import RulebookTerms, terms_of
from satsa.orgs.models import Organisation
from satsa.rulebooks.selectors import UnknownRulebookError, rulebook_for

_VALUES = Prefetch("values", queryset=UnitCostValue.objects.order_by("-price_year"))


def unit_costs_of(organisation: Organisation | None) -> UnitCostQuerySet:
    """The organisation's own table (``None``: the national table), values prefetched."""
    return UnitCost.objects.filter(organisation=organisation).prefetch_related(_VALUES)


def unit_costs_available_to(organisation: Organisation) -> QuerySet[UnitCost]:
    """What an organisation's calculations may pick from: its own table and the national one."""
    return (
        UnitCost.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
        .prefetch_related(_VALUES)
        # The organisation's own entries first, then the national table.
        .order_by(F("organisation").asc(nulls_last=True), "area", "code")
    )


def published_unit_costs_of(organisation: Organisation | None) -> QuerySet[UnitCost]:
    return unit_costs_of(organisation).published()


def export_rows(organisation: Organisation | None) -> list[dict[str, Any]]:
    """One row per entry and price year, newest year first, as the import reads them."""
    rows = []
    for unit_cost in unit_costs_of(organisation).order_by("code"):
        for value in unit_cost.values.all():
            rows.append(
                {
                    "code": unit_cost.code,
                    "name": unit_cost.name,
                    "area": unit_cost.area,
                    "unit": unit_cost.unit,
                    "actor_type": unit_cost.actor_type,
                    "actor": unit_cost.actor,
                    "value": value.value,
                    "price_year": value.price_year,
                    "source": value.source,
                    "published": unit_cost.published,
                }
            )
    return rows


def price_indices_available_to(organisation: Organisation) -> QuerySet[PriceIndex]:
    return PriceIndex.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True)
    ).prefetch_related("points")


def restate(
    value: Decimal, *, from_year: int, to_year: int, index: dict[str, float] | None
) -> Decimal | None:
    """``value`` in ``from_year`` prices restated to ``to_year`` (ECONOMICS.md §1).

    None when the index lacks either year; the value unchanged without an index.
    """
    if not index or from_year == to_year:
        return value
    try:
        factor = Decimal(str(index[str(to_year)])) / Decimal(str(index[str(from_year)]))
    except KeyError:
        return None
    return (value * factor).quantize(Decimal("0.01"))


def calculation_of(case: Any) -> Calculation | None:
    return Calculation.objects.filter(case=case).first()


def calculation_of_record(case: Any) -> tuple[dict[str, Any] | None, CalculationSnapshot | None]:
    """The computed calculation a case is judged on, and the snapshot it comes from.

    The latest snapshot with a result (taken when the application was submitted and when
    it was decided) is what the applicants handed in and the board decided on; before
    any, the calculation as it stands. ``(None, None)`` when nothing was computed.
    """
    snapshot = (
        CalculationSnapshot.objects.filter(case=case, result__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    if snapshot is not None and snapshot.result:
        return snapshot.result, snapshot
    calculation = Calculation.objects.filter(case=case).only("result").first()
    if calculation is not None and calculation.result:
        return calculation.result, None
    return None, None


def snapshots_of(case: Any) -> QuerySet[CalculationSnapshot]:
    return CalculationSnapshot.objects.filter(case=case).select_related("created_by")


def rulebook_terms(case: Any) -> RulebookTerms | None:
    """The terms the case's rulebook sets in its calculation; None when the case's
    rulebook cannot be found (the calculation then keeps the engine's defaults)."""
    try:
        rulebook = rulebook_for(case)
    except UnknownRulebookError:
        return None
    return terms_of(rulebook)


def realisation_plan_entries(calculation: Calculation | None) -> list[dict[str, Any]]:
    """The stored realisation plan's entries (``board``, ``year``, ``amount``, ``measure``)."""
    if calculation is None:
        return []
    plan = calculation.data.get("realisation_plan")
    return [e for e in plan if isinstance(e, dict)] if isinstance(plan, list) else []


def realisation_summary(result: dict[str, Any] | None, lang: str = "sv") -> dict[str, Any] | None:
    """The engine's ``realisation`` block ready for a screen or a PDF: per board and year
    what is planned (by measure, with the measure's label) beside the board's
    cash-releasing savings, the totals, and the plan's warnings in ``lang``; None
    without a plan."""
    block = (result or {}).get("realisation")
    if not block:
        return None
    labels = dict(RealisationMeasure.choices)
    rows = []
    for board in block.get("boards") or []:
        for year in board.get("years") or []:
            rows.append(
                {
                    "board": board["board"],
                    "year": year["year"],
                    "planned": year["planned"],
                    "cashable_savings": year["cashable_savings"],
                    "measures": [
                        (str(labels.get(m, m)), amount)
                        for m, amount in (year.get("measures") or {}).items()
                    ],
                    "short": round(year["planned"] - year["cashable_savings"], 2) > 0,
                }
            )
    warnings = [
        str(w.get(lang) or w.get("sv") or "")
        for w in (result or {}).get("warnings") or []
        if str(w.get("path", "")).startswith("realisation_plan")
    ]
    return {
        "planned": block.get("planned"),
        "cashable_savings": block.get("cashable_savings"),
        "unplanned": block.get("unplanned"),
        "boards": [
            {k: b[k] for k in ("board", "planned", "cashable_savings")}
            for b in block.get("boards") or []
        ],
        "rows": rows,
        "warnings": warnings,
    }


def cashable_savings_by_board(
    result: dict[str, Any] | None, boards: list[str]
) -> list[dict[str, Any]]:
    """What there is to take home: each of ``boards``' cash-releasing savings per year
    (years with any), from the result's ``flows_by_actor``."""
    rows = []
    for party in (result or {}).get("flows_by_actor") or []:
        if party.get("party") not in boards:
            continue
        years = [
            {"year": y["year"], "amount": y["savings_cashable"]}
            for y in party.get("years") or []
            if y.get("savings_cashable")
        ]
        if years:
            rows.append(
                {"board": party["party"], "total": party["savings_cashable"], "years": years}
            )
    return rows
