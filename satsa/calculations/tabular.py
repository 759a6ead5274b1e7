"""Reading and writing unit-cost tables as XLSX and CSV files.

One row per unit cost and price year, so that the history travels with the table. This
module only turns files into cells and back; checking the cells is the import service's job.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

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


class TableFileError(Exception):
    """The file cannot be read as a table at all (wrong type, no header …)."""


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


def read_xlsx(content: bytes) -> list[RawRow]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise TableFileError(_("Filen kunde inte läsas som en Excel-fil (XLSX).")) from None
    sheet = workbook.worksheets[0]
    return _rows(sheet.iter_rows(values_only=True))


def read_csv(content: bytes) -> list[RawRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableFileError(_("CSV-filen ska vara UTF-8-kodad.")) from None
    first_line = text.split("\n", 1)[0]
    # Swedish spreadsheet programs write ";" because "," is the decimal separator.
    delimiter = max([";", ",", "\t"], key=first_line.count)
    return _rows(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_table(content: bytes, filename: str) -> list[RawRow]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(content)
    if name.endswith(".csv") or name.endswith(".txt"):
        return read_csv(content)
    raise TableFileError(_("Ladda upp en XLSX- eller CSV-fil."))


def write_xlsx(rows: Iterable[dict[str, Any]], title: str = "Enhetskostnader") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([header for _k, header in COLUMNS])
    for row in rows:
        sheet.append([_xlsx_cell(row.get(key)) for key, _h in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return value


def write_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _k, header in COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key, _h in COLUMNS])
    # A byte-order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
        return text.replace(".", ",")
    return str(value)
