"""The one writer and reader of CSV and XLSX files: every export and import goes through here.

Text that a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written inert: in XLSX as a text cell, never a formula; in CSV
behind a leading apostrophe, which the reader takes off again. Numbers and dates are
written as real numbers and dates. Staff CSV files use the dialect Swedish Excel opens
right (semicolon, decimal comma, UTF-8 with a byte-order mark); named public interfaces
keep their documented dialect.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP, CSV injection).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"


class Kind(enum.StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"  # kronor with öre: two decimals
    DATE = "date"
    PERCENT = "percent"  # a fraction: 0.25 is 25 %


# Excel number formats per kind; a column may name its own.
XLSX_FORMATS = {
    Kind.INT: "0",
    Kind.MONEY: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.PERCENT: "0.0%",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    width: float | None = None  # XLSX column width in characters; None leaves Excel's default
    number_format: str | None = None  # XLSX only; None: the kind's format


@dataclass
class Table:
    """One sheet: columns and rows of plain values (None is an empty cell)."""

    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str = "Blad1"  # the XLSX sheet name (at most 31 characters)
    freeze_header: bool = True
    bold_header: bool = True


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    decimal_separator: str
    bom: bool
    lineterminator: str = "\r\n"


# What Swedish Excel opens right by double-clicking: staff exports.
SWEDISH_EXCEL = Dialect(delimiter=";", decimal_separator=",", bom=True)
# RFC 4180 with a decimal point: machine-readable open data.
RFC4180 = Dialect(delimiter=",", decimal_separator=".", bom=False)


class TableFileError(Exception):
    """An uploaded file cannot be read as a table at all; the message is for the user."""


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def _needs_escape(text: str) -> bool:
    # Apostrophes already in front are escaped too, so that reading gives back the text.
    return is_dangerous(text.lstrip(CSV_ESCAPE))


def inert_csv_text(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula.

    >>> inert_csv_text("=1+1")
    "'=1+1"
    >>> inert_csv_text("Familjestöd")
    'Familjestöd'
    >>> inert_csv_text("'=1")  # already an apostrophe: one more, so that it reads back
    "''=1"
    """
    return CSV_ESCAPE + text if _needs_escape(text) else text


def restore_text(text: str) -> str:
    """The text an inert cell stood for: one apostrophe before a dangerous prefix goes.

    >>> restore_text("'=1"), restore_text("''=1"), restore_text("'citat")
    ('=1', "'=1", "'citat")
    """
    if text.startswith(CSV_ESCAPE) and _needs_escape(text[1:]):
        return text[1:]
    return text


def _plain(value: Any) -> Any:
    """A cell value as str, bool, int, Decimal, float, date or None.

    Choices enums become their plain value (an account number stays a number); lazy
    translations become their text. Pass ``get_FOO_display()`` for a choice's label.
    """
    if value is None or isinstance(value, bool | Decimal | float):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str | Promise):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return str(value)


# --- CSV ---------------------------------------------------------------------------------


def _csv_number(value: Decimal | float | int, kind: Kind, dialect: Dialect) -> str:
    if isinstance(value, int):
        return str(value)
    if kind is Kind.MONEY:
        text = f"{Decimal(str(value)):.2f}"
    elif isinstance(value, Decimal):
        text = format(value.normalize() if value == value.to_integral_value() else value, "f")
    else:
        text = repr(value) if not value.is_integer() else str(int(value))
    return text.replace(".", dialect.decimal_separator)


def csv_cell(value: Any, kind: Kind = Kind.TEXT, dialect: Dialect = SWEDISH_EXCEL) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | Decimal | float):
        return _csv_number(value, kind, dialect)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return inert_csv_text(value)


def to_csv(table: Table, dialect: Dialect = SWEDISH_EXCEL) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
    writer.writerow([csv_cell(column.header, dialect=dialect) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        writer.writerow(
            [csv_cell(value, kind, dialect) for value, kind in zip(row, kinds, strict=False)]
        )
    # The byte-order mark is what makes Excel read the file as UTF-8.
    return (("\ufeff" if dialect.bom else "") + out.getvalue()).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------


def to_xlsx(*tables: Table, title: str | None = None) -> bytes:
    """One sheet per table; text cells are always text, never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only: rows stream out, nothing looks back at earlier rows.
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        for i, column in enumerate(table.columns, start=1):
            if column.width is not None:
                sheet.column_dimensions[get_column_letter(i)].width = column.width
        if table.freeze_header:
            sheet.freeze_panes = "A2"

        sheet.append(
            [
                _xlsx_cell(sheet, column.header, column, bold if table.bold_header else None)
                for column in table.columns
            ]
        )
        for row in table.rows:
            sheet.append(
                [
                    _xlsx_cell(sheet, value, column)
                    for value, column in zip(row, table.columns, strict=False)
                ]
            )
    if title:
        book.properties.title = title
    book.properties.creator = "Satsa"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any, column: Column, font: Any = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    value = _plain(value)
    if isinstance(value, bool):
        value = "ja" if value else "nej"
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl takes a str beginning with "=" for a formula; this keeps it text, and the
        # quote prefix keeps Excel from turning it into one when someone edits the cell.
        cell.data_type = "s"
        if is_dangerous(value):
            cell.quotePrefix = True
    elif value is not None:
        number_format = column.number_format or XLSX_FORMATS.get(column.kind)
        if isinstance(value, dt.date) and not number_format:
            number_format = XLSX_FORMATS[Kind.DATE]
        if number_format:
            cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


# --- HTTP --------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_bytes(table: Table, format: str, dialect: Dialect = SWEDISH_EXCEL) -> bytes:
    if format == "csv":
        return to_csv(table, dialect)
    if format == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"unknown table format {format!r}")


def http_response(
    content: bytes | Table,
    filename: str,
    format: str,
    *,
    dialect: Dialect = SWEDISH_EXCEL,
    disposition: str = "attachment",
) -> HttpResponse:
    """A download of ``content`` (a table, or bytes already written by this module)."""
    if isinstance(content, Table):
        content = file_bytes(content, format, dialect)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# --- reading -----------------------------------------------------------------------------


def _sniff_delimiter(first_line: str, delimiters: Sequence[str]) -> str:
    # Swedish spreadsheet programs write ";" because "," is the decimal separator; a tie
    # (no separator at all: one column) falls back to the comma.
    counts = {d: first_line.count(d) for d in delimiters}
    best = max(delimiters, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_rows(content: bytes, *, encodings: Sequence[str] = ("utf-8-sig",)) -> list[list[str]]:
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        if len(encodings) == 1:
            raise TableFileError(_("CSV-filen ska vara UTF-8-kodad."))
        raise TableFileError(_("Filen är inte en textfil i UTF-8 eller Windows-1252."))
    text = text.removeprefix("\ufeff")
    delimiter = _sniff_delimiter(text.split("\n", 1)[0], (";", ",", "\t"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[restore_text(cell) for cell in row] for row in reader]


def read_xlsx_rows(content: bytes) -> list[list[Any]]:
    """The first sheet's values (str, int, float, datetime or None), row by row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise TableFileError(_("Filen kunde inte läsas som en Excel-fil (XLSX).")) from None
    try:
        # Text is stored as it is in XLSX (a text cell, no apostrophe): nothing to restore.
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    # Files written in write-only mode leave trailing empty cells out: pad to one width.
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]


def read_rows(
    content: bytes, filename: str, *, encodings: Sequence[str] = ("utf-8-sig",)
) -> list[list[Any]]:
    """The rows of an uploaded XLSX (first sheet) or CSV file, header row included.

    CSV cells are strings (the delimiter is sniffed from the first line) and cells written
    inert by this module read back as the original text; XLSX cells keep their types.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx_rows(content)
    if name.endswith((".csv", ".txt")):
        return read_csv_rows(content, encodings=encodings)
    raise TableFileError(_("Ladda upp en XLSX- eller CSV-fil."))


def read_xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's values by sheet name, row by row (as :func:`read_xlsx_rows`)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise TableFileError(_("Filen kunde inte läsas som en Excel-fil (XLSX).")) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            width = max((len(row) for row in rows), default=0)
            sheets[sheet.title] = [row + [None] * (width - len(row)) for row in rows]
    finally:
        book.close()
    return sheets
