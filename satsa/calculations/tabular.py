"""The unit-cost table's columns in XLSX and CSV files (read and written by satsa.core.tabular).

One row per unit cost and price year, so that the history travels with the table. This
module only turns files into cells and back; checking the cells is the import service's job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
    "read_table",
    "results_tables",
    "write_results_xlsx",
]
