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


__all__ = ["COLUMNS", "HEADERS", "REQUIRED", "RawRow", "TableFileError", "read_table"]
