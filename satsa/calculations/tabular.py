"""The unit-cost table's columns in XLSX and CSV files (read and written by satsa.core.tabular).

One row per unit cost and price year, so that the history travels with the table. This
module only turns files into cells and back; checking the cells is the import service's job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satsa.core.tabular import (
    SWEDISH_EXCEL,
    Column,
    Kind,
    Table,
    TableFileError,
    read_rows,
    to_csv,
    to_xlsx,
)

# (key, header written to files). Headers are Swedish because people open these files.
COLUMNS: list[tuple[str, str]] = [
    ("code", "kod"),
    ("name", "namn"),
    ("area", "område"),
    ("unit", "enhet"),
    ("actor_type", "kostnadsbärare"),
    ("actor", "aktör"),
    ("value", "värde"),
    ("price_year", "prisår"),
    ("source", "källa"),
    ("published", "publicerad"),
]
HEADERS = {key: header for key, header in COLUMNS}
REQUIRED = ("code", "name", "area", "unit", "actor_type", "value", "price_year", "source")


@dataclass(frozen=True)
class RawRow:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    cells: dict[str, Any]


def _header_keys(header: Iterable[Any]) -> list[str | None]:
    lookup = {h.casefold(): k for k, h in COLUMNS} | {k.casefold(): k for k, _h in COLUMNS}
    return [lookup.get(str(cell or "").strip().casefold()) for cell in header]


def _rows(matrix: Iterable[Iterable[Any]]) -> list[RawRow]:
    iterator = iter(matrix)
    try:
        header = list(next(iterator))
    except StopIteration:
        raise TableFileError(_("Filen är tom.")) from None
    keys = _header_keys(header)
    missing = [HEADERS[k] for k in REQUIRED if k not in keys]
    if missing:
        raise TableFileError(
            _("Rad 1: kolumnerna %(columns)s saknas i rubrikraden.")
            % {"columns": ", ".join(f"”{m}”" for m in missing)}
        )
    rows = []
    for number, values in enumerate(iterator, start=2):
        values = list(values)
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {
            key: values[i] if i < len(values) else None
            for i, key in enumerate(keys)
            if key is not None
        }
        rows.append(RawRow(number, cells))
    return rows


def read_table(content: bytes, filename: str) -> list[RawRow]:
    return _rows(read_rows(content, filename))


def unit_cost_table(rows: Iterable[dict[str, Any]], title: str = "Enhetskostnader") -> Table:
    kinds = {"value": Kind.DECIMAL, "price_year": Kind.INT}
    return Table(
        [Column(header, kinds.get(key, Kind.TEXT)) for key, header in COLUMNS],
        ([row.get(key) for key, _h in COLUMNS] for row in rows),
        title=title,
        bold_header=False,
        freeze_header=False,
    )


def write_xlsx(rows: Iterable[dict[str, Any]], title: str = "Enhetskostnader") -> bytes:
    return to_xlsx(unit_cost_table(rows, title))


def write_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """The Swedish Excel dialect: semicolons, decimal commas, UTF-8 with a byte-order mark."""
    return to_csv(unit_cost_table(rows), SWEDISH_EXCEL)


# --- a calculation's results ---------------------------------------------------------

PERSPECTIVE_NAMES = {
    "organisation": _("Organisationen"),
    "other_public": _("Annan offentlig aktör"),
    "individual": _("Individen"),
    "society": _("Samhället i övrigt"),
}


def _party(name: str) -> str:
    return str(_("Fonden")) if name == "fund" else name


def results_tables(result: dict[str, Any]) -> list[Table]:
    """The engine's result (docs/economics.md) as sheets: key figures, flows per year,
    and who pays, who saves (parties × years: cost, savings, net)."""
    totals, approval = result["totals"], result["approval"]
    money = Kind.MONEY
    figures: list[tuple[Any, Any]] = [
        (_("Kostnad, nominellt"), totals["cost"]),
        (_("Besparingar, nominellt"), totals["savings"]),
        (_("Netto, nominellt"), totals["net"]),
        (_("Nuvärde kostnader"), totals["pv_cost"]),
        (_("Nuvärde besparingar"), totals["pv_savings"]),
        (_("Nuvärde netto (NPV)"), totals["npv"]),
        (_("Besparingar som frigör pengar"), totals.get("savings_cashable")),
        (_("Besparingar som bara frigör kapacitet"), totals.get("savings_non_cashable")),
        (_("Besparingar som beslutsregeln räknar"), approval["savings"]),
        (_("Kostnad som beslutsregeln räknar"), approval["cost"]),
        (_("Besparingar som inte räknas i regeln"), approval.get("savings_not_counted")),
    ]
    mc = result.get("monte_carlo")
    if mc:
        figures.insert(0, (_("Chans att nyttan täcker kostnaden (andel)"), mc["p_npv_nonnegative"]))
    for perspective, amount in (totals.get("savings_by_perspective") or {}).items():
        figures.append(
            (
                _("Besparingar, %(perspective)s")
                % {"perspective": PERSPECTIVE_NAMES.get(perspective, perspective)},
                amount,
            )
        )
    key_figures = Table(
        [Column(str(_("Mått")), width=45), Column(str(_("Värde")), money, width=18)],
        [[str(label), value] for label, value in figures],
        title=str(_("Nyckeltal")),
    )
    flows = Table(
        [
            Column(str(_("År")), Kind.INT),
            Column(str(_("Kostnad")), money),
            Column(str(_("Besparing")), money),
            Column(str(_("Frigör pengar")), money),
            Column(str(_("Frigör kapacitet")), money),
            Column(str(_("Netto")), money),
            Column(str(_("Nuvärde netto")), money),
        ],
        [
            [
                row["year"],
                row["cost"],
                row["savings"],
                row.get("savings_cashable"),
                row.get("savings_non_cashable"),
                row["net"],
                row["discounted_net"],
            ]
            for row in result["flows"]
        ],
        title=str(_("Flöden per år")),
    )
    years = [row["year"] for row in result["flows"]]
    measures = (("cost", _("Kostnad")), ("savings", _("Besparing")), ("net", _("Netto")))
    matrix_rows: list[list[Any]] = []
    for party in result.get("flows_by_actor") or []:
        cells = {y["year"]: y for y in party["years"]}
        perspective = party.get("perspective")
        for key, label in measures:
            matrix_rows.append(
                [
                    _party(party["party"]),
                    str(PERSPECTIVE_NAMES[perspective]) if perspective else "",
                    str(label),
                    *[cells[y][key] if y in cells else None for y in years],
                    party[key],
                ]
            )
    matrix = Table(
        [
            Column(str(_("Part")), width=24),
            Column(str(_("Perspektiv")), width=20),
            Column(str(_("Mått"))),
            *[Column(str(y), money) for y in years],
            Column(str(_("Summa")), money),
        ],
        matrix_rows,
        title=str(_("Vem betalar, vem sparar")),
    )
    return [key_figures, flows, matrix]


def write_results_xlsx(result: dict[str, Any]) -> bytes:
    return to_xlsx(*results_tables(result))


__all__ = [
    "COLUMNS",
    "HEADERS",
    "REQUIRED",
    "RawRow",
    "TableFileError",
    "calculation_workbook",
    "read_calculation",
    "read_table",
    "results_tables",
    "write_results_xlsx",
]


# --- a whole calculation as a workbook ------------------------------------------------
#
# The editor's own shape: the assumptions, then the cost and effect grids (a row per line,
# a column per field and year, the alternatives in the same sheets), then what the engine
# made of them (flows per year and actor, the key figures). The first three sheets are
# read back by ``read_calculation``; the last two are for reading only.

SHEET_INPUTS = "Förutsättningar"
SHEET_COSTS = "Kostnader"
SHEET_EFFECTS = "Effekter"
SHEET_FLOWS = "Flöden"
SHEET_RESULTS = "Resultat"
ALTERNATIVE_COLUMN = "Alternativ"
YES = {"ja", "j", "x", "1", "true", "sant", "yes", "y"}
INTERVENTION = "Insatsen"


def _grid_columns(form: Any) -> list[tuple[str, str, Kind]]:
    from satsa.calculations.forms import NumberField

    columns = []
    for name in form.column_names():
        field = form.fields[name]
        kind = Kind.DECIMAL if isinstance(field, NumberField) else Kind.TEXT
        if name == "unit_cost_price_year":
            kind = Kind.INT
        columns.append((name, str(field.label), kind))
    return columns


def _choices_of(field: Any) -> list[tuple[Any, Any]]:
    return list(field.choices or [])


def _choice_labels(form: Any) -> dict[str, dict[str, str]]:
    """The grid's choice columns (not the unit-cost source): value → the label shown."""
    return {
        name: {str(value): str(label) for value, label in _choices_of(field)}
        for name, field in form.fields.items()
        if isinstance(field, forms.ChoiceField) and name != "source"
    }


def _general_rows(data: dict[str, Any], price_index_name: str) -> list[list[Any]]:
    from satsa.calculations.forms import CalculationForm, initial_from_data

    general, _c, _e = initial_from_data(data)
    form = CalculationForm()
    rows = []
    for name, field in form.fields.items():
        value = general.get(name)
        if name == "price_index":
            value = price_index_name
        elif name == "approval_basis":
            value = dict(field.choices).get(value, value)  # type: ignore[attr-defined]
        rows.append([str(field.label), value])
    return rows


def calculation_workbook(
    *,
    data: dict[str, Any],
    result: dict[str, Any] | None,
    sources: list[Any],
    alternative_sources: dict[str, list[Any]],
    codes: dict[Any, str],
    price_index_name: str = "",
    parties: Any = None,
) -> bytes:
    """The calculation as an XLSX workbook people can read, and fill in and import."""
    from satsa.calculations.forms import (
        ALTERNATIVE_LABELS,
        CostLineForm,
        EffectLineForm,
        grid_years,
        lines_initial,
    )

    years = grid_years(data)
    cost_form, effect_form = CostLineForm(years=years), EffectLineForm(years=years)
    cost_columns, effect_columns = _grid_columns(cost_form), _grid_columns(effect_form)
    choices = _choice_labels(effect_form)
    financiers = {str(v): str(label) for v, label in cost_form.parties.financier_choices()[:1]}
    sets = [(INTERVENTION, data, sources)]
    for key, spec in (data.get("alternatives") or {}).items():
        label = str(ALTERNATIVE_LABELS.get(key) or spec.get("name") or key)
        sets.append((label, spec, alternative_sources.get(key) or []))
    cost_rows, effect_rows = [], []
    for label, spec, spec_sources in sets:
        costs, effects = lines_initial(spec, spec_sources, actors=data.get("actors"))
        for row in (*costs, *effects):
            # Choices (the perspective, cash or capacity) are written as people read them.
            for name, labels in choices.items():
                if name in row:
                    row[name] = labels.get(row[name] or "", row[name])
        for row in costs:
            row["financier"] = financiers.get(str(row.get("financier")), row.get("financier"))
            cost_rows.append([label, *(row.get(name) for name, _h, _k in cost_columns)])
        for row in effects:
            row["source"] = codes.get(int(row["source"]), "") if row.get("source") else ""
            effect_rows.append([label, *(row.get(name) for name, _h, _k in effect_columns)])
    tables = [
        Table(
            [Column("Uppgift", width=40), Column("Värde", width=24)],
            _general_rows(data, price_index_name),
            title=SHEET_INPUTS,
        ),
        Table(
            [Column(ALTERNATIVE_COLUMN, width=18)]
            + [Column(h, k, width=14) for _n, h, k in cost_columns],
            cost_rows,
            title=SHEET_COSTS,
        ),
        Table(
            [Column(ALTERNATIVE_COLUMN, width=18)]
            + [Column(h, k, width=14) for _n, h, k in effect_columns],
            effect_rows,
            title=SHEET_EFFECTS,
        ),
    ]
    if result:
        tables.extend(results_tables(result))
    return to_xlsx(*tables, title=str(data.get("name") or ""))


@dataclass(frozen=True)
class Cell:
    """Where a value of an imported workbook came from."""

    sheet: str
    row: int
    column: str


@dataclass
class ReadCalculation:
    """A workbook as the editor's form data, and where each field's value came from."""

    post: dict[str, str]
    cells: dict[str, Cell]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_calculation(
    content: bytes,
    *,
    codes: dict[str, Any],
    price_indices: dict[str, Any],
) -> ReadCalculation:
    """Read a workbook written by :func:`calculation_workbook` (and filled in by someone)
    into the editor's form data; :class:`TableFileError` when it is not one."""
    from satsa.calculations.forms import (
        ALTERNATIVE_LABELS,
        ALTERNATIVES,
        FUND,
        CalculationForm,
        year_field,
    )
    from satsa.core.tabular import read_xlsx_sheets

    sheets = read_xlsx_sheets(content)
    for name in (SHEET_INPUTS, SHEET_COSTS, SHEET_EFFECTS):
        if name not in sheets:
            raise TableFileError(
                _("Bladet ”%(sheet)s” saknas. Utgå från en exporterad kalkyl.") % {"sheet": name}
            )
    post: dict[str, str] = {}
    cells: dict[str, Cell] = {}
    general = CalculationForm()
    by_label = {str(f.label).casefold(): n for n, f in general.fields.items()}
    for number, row in enumerate(sheets[SHEET_INPUTS][1:], start=2):
        if not row or row[0] is None:
            continue
        found = by_label.get(_text(row[0]).casefold())
        if found is None:
            continue
        name = found
        value = row[1] if len(row) > 1 else None
        text = _text(value)
        if name == "price_index":
            text = str(price_indices.get(text.casefold(), text)) if text else ""
        elif name == "approval_basis":
            choices = {str(label).casefold(): v for v, label in general.fields[name].choices}  # type: ignore[attr-defined]
            text = choices.get(text.casefold(), text)
        post[f"calc-{name}"] = text
        cells[f"calc-{name}"] = Cell(SHEET_INPUTS, number, "Värde")
    labels = {INTERVENTION.casefold(): ""}
    labels.update({str(ALTERNATIVE_LABELS[k]).casefold(): f"{k}-" for k, _n in ALTERNATIVES})
    years: set[int] = set()
    for sheet, kind in ((SHEET_COSTS, "costs"), (SHEET_EFFECTS, "effects")):
        rows = sheets[sheet]
        header = [_text(h) for h in (rows[0] if rows else [])]
        from satsa.calculations.forms import CostLineForm, EffectLineForm

        form = (CostLineForm if kind == "costs" else EffectLineForm)(years=[])
        fields = {str(f.label).casefold(): n for n, f in form.fields.items()}
        choice_values = {
            name: {label.casefold(): value for value, label in labels.items()}
            for name, labels in _choice_labels(form).items()
        }
        names: list[str | None] = []
        for title in header:
            if title.isdigit() and len(title) == 4:
                years.add(int(title))
                names.append(year_field(int(title)))
            else:
                names.append(fields.get(title.casefold()))
        counts = {prefix: 0 for prefix in labels.values()}
        for number, row in enumerate(rows[1:], start=2):
            if all(_text(v) == "" for v in row):
                continue
            which = _text(row[0]) if row else ""
            prefix = labels.get(which.casefold(), labels[INTERVENTION.casefold()])
            if which and which.casefold() not in labels:
                raise TableFileError(
                    _(
                        "Blad ”%(sheet)s”, rad %(row)s, kolumn ”%(column)s”: okänt alternativ "
                        "”%(value)s”."
                    )
                    % {"sheet": sheet, "row": number, "column": ALTERNATIVE_COLUMN, "value": which}
                )
            index = counts[prefix]
            counts[prefix] += 1
            for column, (title, maybe) in enumerate(zip(header, names, strict=False)):
                if maybe is None or column == 0:
                    continue
                name = maybe
                text = _text(row[column])
                fund_names = ("fonden", str(_("Fonden")).casefold(), FUND)
                if name == "financier" and text.casefold() in fund_names:
                    text = FUND
                if name == "source":
                    text = str(codes.get(text.casefold(), "")) if text else ""
                    post[f"{prefix}{kind}-{index}-source_applied"] = text
                if name in choice_values:
                    text = choice_values[name].get(text.casefold(), text)
                if isinstance(form.fields.get(name), forms.BooleanField):
                    # A checkbox column: the file says "ja" or "nej" (as it is written).
                    text = "on" if text.casefold() in YES else ""
                key = f"{prefix}{kind}-{index}-{name}"
                post[key] = text
                cells[key] = Cell(sheet, number, title)
            cells[f"{prefix}{kind}-{index}"] = Cell(sheet, number, "")
        for prefix, count in counts.items():
            post[f"{prefix}{kind}-TOTAL_FORMS"] = str(count)
            post[f"{prefix}{kind}-INITIAL_FORMS"] = "0"
    post["grid-years"] = ",".join(str(y) for y in sorted(years))
    return ReadCalculation(post, cells)
