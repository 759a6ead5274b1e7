"""Changes to unit costs, price indices and calculations.

Each function checks its input first (Swedish messages), then changes the database in
one transaction and records an event. No function here sees a request.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satsa.calculations import engine, selectors
from satsa.calculations.models import (
    ActorType,
    Calculation,
    CalculationSnapshot,
    PriceIndex,
    PriceIndexPoint,
    RealisationMeasure,
    UnitCost,
    UnitCostArea,
    UnitCostValue,
)
from satsa.calculations.tabular import HEADERS, RawRow, TableFileError, read_table
from satsa.calculations.terms import apply_terms
from satsa.cases import access
from satsa.cases.access import Action
from satsa.cases.models import Case
from satsa.core.concurrency import check_version
from satsa.events.services import event_record
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm
from satsa.types import Actor

MIN_YEAR, MAX_YEAR = 1900, 2100


# --- unit costs ----------------------------------------------------------------------


def _choice(value: Any, choices: type[Any]) -> str | None:
    """Match a stored code or its Swedish label, ignoring case."""
    text = str(value or "").strip().casefold()
    for code, label in choices.choices:
        if text in (code.casefold(), str(label).casefold()):
            return str(code)
    return None


def parse_amount(value: Any) -> Decimal | None:
    """A money amount from a cell or form: 59938, "59 938", "59938,50" …; None if not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.removesuffix("kr").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _year(value: Any) -> int | None:
    amount = parse_amount(value)
    if amount is None or amount != amount.to_integral_value():
        return None
    return int(amount)


def check_unit_cost(
    *,
    organisation: Organisation | None,
    code: str,
    name: str,
    area: str,
    unit: str,
    actor_type: str,
    value: Any,
    price_year: Any,
    source: str,
    existing: UnitCost | None = None,
) -> dict[str, Any]:
    """Return the cleaned fields or raise ValidationError with a message per field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "code": str(code or "").strip(),
        "name": str(name or "").strip(),
        "unit": str(unit or "").strip(),
        "source": str(source or "").strip(),
    }
    if not clean["code"]:
        errors["code"] = _("Ange en kod.")
    elif len(clean["code"]) > 40:
        errors["code"] = _("Koden får vara högst 40 tecken.")
    elif (
        existing is None
        and UnitCost.objects.filter(organisation=organisation, code=clean["code"]).exists()
    ):
        errors["code"] = _("Det finns redan en enhetskostnad med koden %(code)s.") % {
            "code": clean["code"]
        }
    if not clean["name"]:
        errors["name"] = _("Ange ett namn.")
    if not clean["unit"]:
        errors["unit"] = _("Ange enheten, t.ex. ”placeringsdygn” eller ”hushåll och år”.")
    clean["area"] = _choice(area, UnitCostArea)
    if clean["area"] is None:
        errors["area"] = _("Okänt område ”%(value)s”.") % {"value": area}
    clean["actor_type"] = _choice(actor_type, ActorType)
    if clean["actor_type"] is None:
        errors["actor_type"] = _("Okänd kostnadsbärare ”%(value)s”.") % {"value": actor_type}
    errors.update(_check_value(value, price_year, source, clean))
    if errors:
        raise ValidationError(errors)
    return clean


def _check_value(value: Any, price_year: Any, source: Any, clean: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean["value"] = parse_amount(value)
    if clean["value"] is None:
        errors["value"] = _("”%(value)s” är inte ett belopp.") % {"value": value if value else ""}
    elif clean["value"] < 0:
        errors["value"] = _("Värdet kan inte vara negativt.")
    elif clean["value"] >= Decimal("1e12"):
        errors["value"] = _("Värdet är orimligt stort.")
    elif clean["value"] != clean["value"].quantize(Decimal("0.01")):
        # Stored in öre: rounding 0,001 kr to 0,00 would silently change the value.
        errors["value"] = _(
            "”%(value)s” har fler än två decimaler och skulle avrundas. Ange beloppet i hela "
            "ören (högst två decimaler)."
        ) % {"value": value}
    else:
        clean["value"] = clean["value"].quantize(Decimal("0.01"))
    clean["price_year"] = _year(price_year)
    if clean["price_year"] is None:
        errors["price_year"] = _("”%(value)s” är inte ett årtal.") % {
            "value": price_year if price_year is not None else ""
        }
    elif not MIN_YEAR <= clean["price_year"] <= MAX_YEAR:
        errors["price_year"] = _("Prisåret ska vara mellan %(min)s och %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
    clean["source"] = str(source or "").strip()
    if not clean["source"]:
        errors["source"] = _("Ange källan (skriv ”antagande” om värdet inte har någon källa).")
    return errors


def unit_cost_create(
    *,
    organisation: Organisation | None,
    code: str,
    name: str,
    area: str,
    unit: str,
    actor_type: str,
    value: Any,
    price_year: Any,
    source: str,
    actor: Actor,
    actor_name: str = "",
    published: bool = False,
) -> UnitCost:
    """Add an entry to an organisation's table (or, with ``organisation=None``, the national one).

    ``actor`` is the person making the change; ``actor_name`` the actor bearing the cost.
    """
    require_perm(actor, organisation, Perm.MANAGE_UNIT_COSTS)
    clean = check_unit_cost(
        organisation=organisation,
        code=code,
        name=name,
        area=area,
        unit=unit,
        actor_type=actor_type,
        value=value,
        price_year=price_year,
        source=source,
    )
    with transaction.atomic():
        unit_cost = UnitCost.objects.create(
            organisation=organisation,
            code=clean["code"],
            name=clean["name"],
            area=clean["area"],
            unit=clean["unit"],
            actor_type=clean["actor_type"],
            actor=actor_name.strip(),
            published=published,
        )
        UnitCostValue.objects.create(
            unit_cost=unit_cost,
            price_year=clean["price_year"],
            value=clean["value"],
            source=clean["source"],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="unit_cost.created",
            target=unit_cost,
            organisation=organisation,
            data={
                "code": unit_cost.code,
                "value": clean["value"],
                "price_year": clean["price_year"],
            },
        )
    return unit_cost


def _check_other_values(
    economic_value: Any, social_value: Any, clean: dict[str, Any], errors: dict[str, str]
) -> None:
    """The economic and social values beside the fiscal one: optional, amounts ≥ 0."""
    for field, raw in (("economic_value", economic_value), ("social_value", social_value)):
        if raw in (None, ""):
            clean[field] = None
            continue
        amount = parse_amount(raw)
        if amount is None or amount < 0 or amount >= Decimal("1e12"):
            errors[field] = _("”%(value)s” är inte ett belopp.") % {"value": raw}
        else:
            clean[field] = amount.quantize(Decimal("0.01"))


def unit_cost_update(
    *,
    unit_cost: UnitCost,
    value: Any,
    price_year: Any,
    source: str,
    actor: Actor,
    economic_value: Any = None,
    social_value: Any = None,
) -> UnitCostValue:
    """Record the value for a price year. A new year keeps the older values as history;
    the same year again corrects that year's value. ``value`` is the fiscal value (the
    budget cost); the economic and social values may be given beside it."""
    require_perm(actor, unit_cost.organisation, Perm.MANAGE_UNIT_COSTS)
    clean: dict[str, Any] = {}
    errors = _check_value(value, price_year, source, clean)
    _check_other_values(economic_value, social_value, clean, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = UnitCostValue.objects.update_or_create(
            unit_cost=unit_cost,
            price_year=clean["price_year"],
            defaults={
                "value": clean["value"],
                "economic_value": clean["economic_value"],
                "social_value": clean["social_value"],
                "source": clean["source"],
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        event_record(
            actor=actor,
            verb="unit_cost.value_set",
            target=unit_cost,
            organisation=unit_cost.organisation,
            data={
                "code": unit_cost.code,
                "price_year": clean["price_year"],
                "value": clean["value"],
                "correction": not created,
            },
        )
    return row


def unit_cost_set_published(*, unit_cost: UnitCost, published: bool, actor: Actor) -> UnitCost:
    require_perm(actor, unit_cost.organisation, Perm.MANAGE_UNIT_COSTS)
    with transaction.atomic():
        unit_cost.published = published
        unit_cost.save(update_fields=["published"])
        event_record(
            actor=actor,
            verb="unit_cost.published" if published else "unit_cost.unpublished",
            target=unit_cost,
            organisation=unit_cost.organisation,
            data={"code": unit_cost.code},
        )
    return unit_cost


# --- import --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str  # the header as written in the file
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Rad %(row)s, kolumn ”%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UnitCostImportError(Exception):
    """Nothing was imported; ``problems`` names the row, column and reason of each."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def import_too_large_message() -> str:
    return _("Filen är större än %(mb)s MB. Dela upp den i flera filer.") % {
        "mb": MAX_IMPORT_BYTES // (1024 * 1024)
    }


@dataclass(frozen=True)
class ImportSummary:
    created: int  # new unit-cost entries
    values: int  # values written (new years and corrections)


_YES = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
_NO = {"nej", "n", "no", "false", "falskt", "0", ""}
_META = ("name", "area", "unit", "actor_type", "actor", "published")


def _check_rows(rows: list[RawRow]) -> tuple[list[dict[str, Any]], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    cleaned: list[dict[str, Any]] = []
    seen_years: dict[tuple[str, int], int] = {}
    meta_of: dict[str, tuple[int, dict[str, Any]]] = {}
    for raw in rows:
        cells = raw.cells
        try:
            # The code is checked for uniqueness per code below, not against the table.
            clean = check_unit_cost(
                organisation=None,
                code=str(cells.get("code") or "").strip(),
                name=cells.get("name") or "",
                area=cells.get("area") or "",
                unit=cells.get("unit") or "",
                actor_type=cells.get("actor_type") or "",
                value=cells.get("value"),
                price_year=cells.get("price_year"),
                source=cells.get("source") or "",
                existing=UnitCost(),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.extend(ImportProblem(raw.number, HEADERS[field], m) for m in messages)
            clean = None
        published_text = str(cells.get("published") or "").strip().casefold()
        if published_text not in _YES | _NO:
            problems.append(
                ImportProblem(
                    raw.number,
                    HEADERS["published"],
                    _("Skriv ”ja” eller ”nej”, inte ”%(value)s”.") % {"value": cells["published"]},
                )
            )
        if clean is None or published_text not in _YES | _NO:
            continue
        clean["actor"] = str(cells.get("actor") or "").strip()
        clean["published"] = published_text in _YES
        key = (clean["code"], clean["price_year"])
        if key in seen_years:
            problems.append(
                ImportProblem(
                    raw.number,
                    HEADERS["price_year"],
                    _("Koden %(code)s har redan ett värde för %(year)s på rad %(other)s.")
                    % {"code": key[0], "year": key[1], "other": seen_years[key]},
                )
            )
            continue
        seen_years[key] = raw.number
        if clean["code"] in meta_of:
            first_row, first = meta_of[clean["code"]]
            for field in _META:
                if first[field] != clean[field]:
                    problems.append(
                        ImportProblem(
                            raw.number,
                            HEADERS[field],
                            _("Skiljer sig från rad %(other)s med samma kod %(code)s.")
                            % {"other": first_row, "code": clean["code"]},
                        )
                    )
                    break
        else:
            meta_of[clean["code"]] = (raw.number, clean)
        clean["row"] = raw.number
        cleaned.append(clean)
    if not rows:
        problems.append(ImportProblem(0, "", _("Filen innehåller inga rader utöver rubrikraden.")))
    return cleaned, problems


# An import is one short transaction: a file larger than this is refused before reading.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


def check_unit_costs_import(*, content: bytes, filename: str) -> list[dict[str, Any]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise UnitCostImportError([ImportProblem(0, "", import_too_large_message())])
    try:
        rows = read_table(content, filename)
    except TableFileError as error:
        raise UnitCostImportError([ImportProblem(0, "", str(error))]) from None
    if len(rows) > MAX_IMPORT_ROWS:
        raise UnitCostImportError(
            [
                ImportProblem(
                    0,
                    "",
                    _(
                        "Filen har %(rows)s rader; högst %(max)s rader kan importeras åt "
                        "gången. Dela upp filen."
                    )
                    % {"rows": len(rows), "max": MAX_IMPORT_ROWS},
                )
            ]
        )
    cleaned, problems = _check_rows(rows)
    if problems:
        raise UnitCostImportError(problems)
    return cleaned


def unit_costs_import(
    *, organisation: Organisation | None, content: bytes, filename: str, actor: Actor
) -> ImportSummary:
    """Import a whole table file, all or nothing.

    An entry whose code exists gets the file's name, area, unit, actor and publication,
    and a value per price year in the file (the same year again is a correction).
    """
    require_perm(actor, organisation, Perm.MANAGE_UNIT_COSTS)
    cleaned = check_unit_costs_import(content=content, filename=filename)
    person = actor if getattr(actor, "is_authenticated", False) else None
    metas = {clean["code"]: {field: clean[field] for field in _META} for clean in cleaned}
    # Everything is checked above; the transaction only writes, in bulk, so it stays short
    # (a row-by-row import held SQLite's write lock for minutes).
    with transaction.atomic():
        entries = {
            u.code: u
            for u in UnitCost.objects.select_for_update().filter(
                organisation=organisation, code__in=list(metas)
            )
        }
        for unit_cost in entries.values():
            for field, value in metas[unit_cost.code].items():
                setattr(unit_cost, field, value)
        if entries:
            UnitCost.objects.bulk_update(list(entries.values()), fields=list(_META))
        new = [
            UnitCost(organisation=organisation, code=code, **meta)
            for code, meta in metas.items()
            if code not in entries
        ]
        UnitCost.objects.bulk_create(new)
        created = len(new)
        entries = {
            u.code: u
            for u in UnitCost.objects.filter(organisation=organisation, code__in=list(metas))
        }
        existing = {
            (v.unit_cost_id, v.price_year): v
            for v in UnitCostValue.objects.filter(unit_cost__in=list(entries.values()))
        }
        changed, added = [], []
        for clean in cleaned:
            unit_cost = entries[clean["code"]]
            value = existing.get((unit_cost.pk, clean["price_year"]))
            if value is None:
                added.append(
                    UnitCostValue(
                        unit_cost=unit_cost,
                        price_year=clean["price_year"],
                        value=clean["value"],
                        source=clean["source"],
                        created_by=person,
                    )
                )
            else:
                value.value, value.source, value.created_by = (
                    clean["value"],
                    clean["source"],
                    person,
                )
                changed.append(value)
        UnitCostValue.objects.bulk_update(changed, fields=["value", "source", "created_by"])
        UnitCostValue.objects.bulk_create(added)
        event_record(
            actor=actor,
            verb="unit_costs.imported",
            target=organisation,
            organisation=organisation,
            data={"filename": filename, "entries": len(entries), "values": len(cleaned)},
        )
    return ImportSummary(created=created, values=len(cleaned))


# --- price indices -------------------------------------------------------------------


def price_index_create(
    *, organisation: Organisation | None, name: str, source: str, actor: Actor
) -> PriceIndex:
    require_perm(actor, organisation, Perm.MANAGE_UNIT_COSTS)
    if not name.strip():
        raise ValidationError({"name": _("Ange indexets namn, t.ex. ”KPI, årsmedel”.")})
    with transaction.atomic():
        index = PriceIndex.objects.create(
            organisation=organisation, name=name.strip(), source=source.strip()
        )
        event_record(
            actor=actor,
            verb="price_index.created",
            target=index,
            organisation=organisation,
            data={"name": index.name},
        )
    return index


def price_index_set(*, index: PriceIndex, year: Any, value: Any, actor: Actor) -> PriceIndexPoint:
    """Set the index value of one year (a new year or a correction)."""
    require_perm(actor, index.organisation, Perm.MANAGE_UNIT_COSTS)
    errors: dict[str, str] = {}
    clean_year = _year(year)
    if clean_year is None or not MIN_YEAR <= clean_year <= MAX_YEAR:
        errors["year"] = _("Ange ett årtal mellan %(min)s och %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
    clean_value = parse_amount(value)
    if clean_value is None or clean_value <= 0:
        errors["value"] = _("Indexvärdet ska vara ett tal större än noll.")
    if errors:
        raise ValidationError(errors)
    assert clean_value is not None and clean_year is not None
    with transaction.atomic():
        point, _created = PriceIndexPoint.objects.update_or_create(
            index=index,
            year=clean_year,
            defaults={"value": clean_value.quantize(Decimal("0.001"))},
        )
        event_record(
            actor=actor,
            verb="price_index.value_set",
            target=index,
            organisation=index.organisation,
            data={"year": clean_year, "value": point.value},
        )
    return point


# --- calculations --------------------------------------------------------------------


def calculation_create(*, case: Case, actor: Actor) -> Calculation:
    """Start the calculation of a case from a small template: the case's years, no lines."""
    access.check(actor, case, Action.EDIT_CALCULATION)
    with transaction.atomic():
        calculation, created = Calculation.objects.get_or_create(
            case=case,
            defaults={
                "organisation": case.organisation,
                "data": engine.starting_data(case),
                "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        if created:
            event_record(
                actor=actor,
                verb="calculation.created",
                target=calculation,
                organisation=case.organisation,
                data={"case": case.pk},
            )
    return calculation


def calculation_content(calculation: Calculation) -> dict[str, Any]:
    """What the editor is loaded from; its version guards the save."""
    return {
        "data": calculation.data,
        "effect_sources": calculation.effect_sources,
        "alternative_sources": calculation.alternative_sources,
        "price_index": calculation.price_index_id,
    }


def calculation_update(
    *,
    calculation: Calculation,
    data: dict[str, Any],
    actor: Actor,
    effect_sources: list[Any] | None = None,
    alternative_sources: dict[str, list[Any]] | None = None,
    price_index: PriceIndex | None = None,
    version: str | None = None,
) -> Calculation:
    """Store new exchange-format data after the engine accepts it, with its result.

    The terms of the case's rulebook (approval basis, repayment floor, fee and sharing)
    are applied to ``data`` first: they are the rulebook's, not the applicant's choice.

    Raises :class:`satsa.calculations.engine.CalculationInvalid` (problems by path, in
    Swedish) when the engine refuses the data; nothing is stored then.
    """
    access.check(actor, calculation.case, Action.EDIT_CALCULATION)
    terms = selectors.rulebook_terms(calculation.case)
    data = apply_terms(data, terms)
    result = engine.run(data, seed=calculation.pk, terms=terms)
    with transaction.atomic():
        # Lock the row: two people saving at once must not interleave data and result.
        locked = Calculation.objects.select_for_update().get(pk=calculation.pk)
        # Someone else saved since the editor was loaded: refuse rather than overwrite.
        check_version(expected=version, current=calculation_content(locked), by=locked.updated_by)
        locked.data = data
        locked.result = result
        locked.effect_sources = effect_sources if effect_sources is not None else []
        locked.alternative_sources = alternative_sources if alternative_sources is not None else {}
        locked.price_index = price_index
        locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
        event_record(
            actor=actor,
            verb="calculation.updated",
            target=locked,
            organisation=locked.organisation,
            data={
                "case": locked.case_id,
                "npv": engine.headline_npv(result),
                "alternatives": list(data.get("alternatives") or {}),
            },
        )
    return locked


def calculation_snapshot(*, case: Case, reason: str, actor: Actor) -> CalculationSnapshot:
    """Keep an immutable copy of the case's calculation (input and result) with the reason.

    Called when an application is submitted (reason "submitted") and decided ("decided").
    A case without a calculation is snapshotted as empty, so the moment is still recorded.
    The result is recomputed from the stored input so that it matches the engine of the day.
    """
    access.check(actor, case, Action.VIEW)
    if not str(reason or "").strip():
        raise ValidationError({"reason": _("Ange anledningen till ögonblicksbilden.")})
    calculation = Calculation.objects.filter(case=case).first()
    data = copy.deepcopy(calculation.data) if calculation else {}
    result = None
    if data:
        try:
            result = engine.run(
                data,
                seed=calculation.pk if calculation else None,
                terms=selectors.rulebook_terms(case),
            )
        except engine.CalculationInvalid:
            result = None
    with transaction.atomic():
        snapshot = CalculationSnapshot.objects.create(
            case=case,
            organisation=case.organisation,
            reason=reason.strip(),
            data=data,
            result=result,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="calculation.snapshot",
            target=case,
            organisation=case.organisation,
            data={"snapshot": snapshot.pk, "reason": snapshot.reason, "valid": result is not None},
        )
    return snapshot


# --- the realisation plan (effekthemtagningsplan) ------------------------------------

# The engine's measures (docs/economics.md, "Realisation plan"), in the order shown.
REALISATION_MEASURES = tuple(RealisationMeasure.values)


@dataclass(frozen=True)
class RealisationEntry:
    """One entry of the realisation plan: what a board takes home in a year, and how."""

    board: str
    year: int
    amount: Decimal
    measure: str = "other"


def _realisation_problem(index: int, message: str) -> str:
    return _("Rad %(row)s: %(message)s") % {"row": index + 1, "message": message}


def check_realisation_plan(
    *, calculation: Calculation, entries: list[RealisationEntry]
) -> list[dict[str, Any]]:
    """The entries as the exchange format's ``realisation_plan``, or ValidationError.

    A board must be one of the organisation's boards (the plan says how a board of the
    organisation takes its savings home), and one of the calculation's actors when the
    calculation lists them; the amount is ≥ 0 in whole öre; the measure one of the
    engine's. The year is checked by the engine against the calculation's years.
    """
    boards = set(calculation.organisation.boards.values_list("name", flat=True))
    listed = calculation.data.get("actors")
    actors = (
        {a if isinstance(a, str) else a.get("name") for a in listed if isinstance(a, str | dict)}
        if isinstance(listed, list)
        else None
    )
    problems: list[str] = []
    plan: list[dict[str, Any]] = []
    for i, entry in enumerate(entries):
        board = str(entry.board or "").strip()
        if board not in boards:
            problems.append(
                _realisation_problem(
                    i, _("”%(board)s” är inte en av organisationens nämnder.") % {"board": board}
                )
            )
            continue
        if actors is not None and board not in actors:
            problems.append(
                _realisation_problem(
                    i,
                    _("%(board)s har inga effekter i kalkylen att ta hem.") % {"board": board},
                )
            )
            continue
        amount = Decimal(str(entry.amount))
        if not amount.is_finite() or amount < 0:
            problems.append(_realisation_problem(i, _("Beloppet kan inte vara negativt.")))
            continue
        if amount != amount.quantize(Decimal("0.01")):
            problems.append(
                _realisation_problem(i, _("Ange beloppet i hela ören (högst två decimaler)."))
            )
            continue
        if entry.measure not in REALISATION_MEASURES:
            problems.append(
                _realisation_problem(i, _("Okänd åtgärd ”%(value)s”.") % {"value": entry.measure})
            )
            continue
        plan.append(
            {
                "board": board,
                "year": int(entry.year),
                # whole kronor stay integers in the exchange format
                "amount": int(amount) if amount == amount.to_integral_value() else float(amount),
                "measure": entry.measure,
            }
        )
    if problems:
        raise ValidationError(problems)
    return plan


def calculation_realisation_set(
    *,
    calculation: Calculation,
    entries: list[RealisationEntry],
    actor: Actor,
    version: str | None = None,
) -> Calculation:
    """Replace the calculation's realisation plan (``realisation_plan`` in its data) and
    recompute its result. An empty list removes the plan.

    Only the case's applicants and the fund's officials may, while the calculation may
    be changed (``Action.EDIT_CALCULATION``: not once the case is decided). Raises
    ValidationError (Swedish messages, one per row at fault) when the plan is refused,
    :class:`satsa.core.concurrency.StaleEdit` when the calculation changed since
    ``version`` was read; records ``calculation.realisation_planned``.
    """
    access.check(actor, calculation.case, Action.EDIT_CALCULATION)
    plan = check_realisation_plan(calculation=calculation, entries=entries)
    terms = selectors.rulebook_terms(calculation.case)
    with transaction.atomic():
        # Race: the case may be decided (and its calculation locked) or the calculation
        # saved by someone else while this plan was written. Lock both, then check again.
        case = Case.objects.select_for_update().get(pk=calculation.case_id)
        locked = Calculation.objects.select_for_update().get(pk=calculation.pk)
        access.check(actor, case, Action.EDIT_CALCULATION)
        check_version(expected=version, current=calculation_content(locked), by=locked.updated_by)
        data = copy.deepcopy(locked.data)
        if plan:
            data["realisation_plan"] = plan
        else:
            data.pop("realisation_plan", None)
        data = apply_terms(data, terms)
        try:
            result = engine.run(data, seed=locked.pk, terms=terms)
        except engine.CalculationInvalid as error:
            raise ValidationError(_realisation_messages(error.problems)) from None
        locked.data = data
        locked.result = result
        locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["data", "result", "updated_by", "updated_at"])
        event_record(
            actor=actor,
            verb="calculation.realisation_planned",
            target=locked,
            organisation=locked.organisation,
            data={
                "case": locked.case_id,
                "entries": len(plan),
                "planned": sum(Decimal(str(e["amount"])) for e in plan),
            },
        )
    return locked


def _realisation_messages(problems: list[engine.Problem]) -> list[str]:
    """The engine's problems, the plan's own by row, the rest (a calculation that no
    longer computes) as they are."""
    messages: list[str] = []
    for problem in problems:
        match = re.match(r"^realisation_plan\[(\d+)\]", problem.path)
        if match:
            messages.append(_realisation_problem(int(match.group(1)), problem.message))
        else:
            messages.append(problem.message)
    return messages
