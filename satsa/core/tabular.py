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
import re
import zipfile
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
    """One sheet per table; text cells are always text, never formulas.

    The sheets' XML is written here, row by row straight into the zip (see
    :class:`_XlsxWriter`): openpyxl builds an object per cell and an element per tag,
    which took a minute for a big organisation's journal. openpyxl still reads them.
    """
    return _XlsxWriter().write(tables, title)


# XML 1.0 cannot hold these at all (not even as a character reference): they are left out.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's longest cell text.
XLSX_MAX_TEXT = 32767
_XLSX_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel's day 0 has no time zone
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Excel's built-in number formats (ECMA-376 18.8.30) that the exports use; others get ids
# from 164 on in styles.xml.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9}
_INVALID_SHEET_CHARS = re.compile(r"[\\*?:/\[\]]")


def _xml_text(text: str) -> str:
    """``text`` escaped for an XML element or attribute (a carriage return kept as one)."""
    if not _XML_SPECIAL.search(text):
        return text
    text = _XML_ILLEGAL.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _excel_serial(value: dt.date) -> int | float:
    """A date as Excel's serial day number (1900 date system), a datetime with its time."""
    if isinstance(value, dt.datetime):
        delta = value - _XLSX_EPOCH
        days, fraction = delta.days, (delta.seconds + delta.microseconds / 1e6) / 86400
    else:
        days, fraction = (value - _XLSX_EPOCH.date()).days, 0
    # Excel counts a 29 February 1900 that never was: its first two months are one day off
    # (as openpyxl writes and reads them).
    if 0 < days <= 60:
        days -= 1
    return days + fraction if fraction else days


def _xlsx_number(value: int | float | Decimal) -> str | None:
    """A number as the text of a ``<v>``; None for what a cell cannot hold (NaN, infinity)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # exact: every digit of the öre, never through a float
        return format(value, "f") if value.is_finite() else None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return repr(value) if not value.is_integer() else str(int(value))


class _XlsxWriter:
    """Writes a workbook of inline-string, number and date cells as the XML itself.

    Linear in the cells: each cell is one f-string, a text's escaped form is remembered (a
    journal repeats its labels, cases and boards), and the sheet goes to the zip in chunks
    of rows, never whole in memory. Styles (bold header, number formats, the quote prefix
    of inert text) are collected on the way and written last.
    """

    CHUNK = 500  # rows per write into the zip
    KNOWN = 50_000  # distinct texts and dates remembered per sheet

    def __init__(self) -> None:
        # (number format, bold, quote prefix) -> index in cellXfs; 0 is the plain cell
        self.styles: dict[tuple[str | None, bool, bool], int] = {(None, False, False): 0}

    def style(self, number_format: str | None, *, bold: bool = False, quote: bool = False) -> str:
        """The ``s`` attribute of a cell in this style ('' for the plain one)."""
        key = (number_format, bold, quote)
        if key not in self.styles:
            self.styles[key] = len(self.styles)
        index = self.styles[key]
        return f' s="{index}"' if index else ""

    def write(self, tables: Sequence[Table], title: str | None) -> bytes:
        out = io.BytesIO()
        names: list[str] = []
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, table in enumerate(tables, start=1):
                names.append(self._sheet_name(table.title, names))
                with zf.open(f"xl/worksheets/sheet{n}.xml", "w") as part:
                    for chunk in self._sheet(table):
                        part.write(chunk.encode("utf-8"))
            zf.writestr("[Content_Types].xml", self._content_types(len(names)))
            zf.writestr("_rels/.rels", self._root_rels())
            zf.writestr("docProps/core.xml", self._core(title))
            zf.writestr("docProps/app.xml", self._app())
            zf.writestr("xl/workbook.xml", self._workbook(names))
            zf.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels(len(names)))
            zf.writestr("xl/styles.xml", self._styles())
        return out.getvalue()

    @staticmethod
    def _sheet_name(name: str, taken: list[str]) -> str:
        name = _INVALID_SHEET_CHARS.sub("_", _XML_ILLEGAL.sub("", name))[:31] or "Blad"
        candidate, n = name, 1
        while candidate.lower() in (t.lower() for t in taken):
            suffix = str(n)
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        return candidate

    def _sheet(self, table: Table) -> Iterable[str]:
        columns = list(table.columns)
        letters = [_column_letter(i) for i in range(1, len(columns) + 1)]
        head = [_XML_HEAD, f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">']
        if table.freeze_header:
            head.append(
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                "</sheetView></sheetViews>"
            )
        else:
            head.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        head.append('<sheetFormatPr defaultRowHeight="15"/>')
        widths = [
            f'<col min="{i}" max="{i}" width="{column.width!r}" customWidth="1"/>'
            for i, column in enumerate(columns, start=1)
            if column.width is not None
        ]
        if widths:
            head.append("<cols>" + "".join(widths) + "</cols>")
        head.append("<sheetData>")
        header = self._row(1, [c.header for c in columns], columns, letters, table.bold_header)
        yield "".join(head) + header
        yield from self._rows(table.rows, columns, letters)
        yield (
            '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
            'header="0.5" footer="0.5"/></worksheet>'
        )

    def _row(
        self,
        r: int,
        values: Sequence[Any],
        columns: list[Column],
        letters: list[str],
        bold: bool,
    ) -> str:
        cells = [f'<row r="{r}">']
        for value, column, letter in zip(values, columns, letters, strict=False):
            cell = self._cell(value, column, bold)
            if cell:
                cells.append(f'<c r="{letter}{r}"{cell}')
        cells.append("</row>")
        return "".join(cells)

    def _rows(
        self, rows: Iterable[Sequence[Any]], columns: list[Column], letters: list[str]
    ) -> Iterable[str]:
        """The body's rows, in chunks: :meth:`_cell`'s output, with the common types
        (text, int, Decimal, date) written straight from their type and each distinct
        text and date escaped once."""
        number_styles = [self.style(c.number_format or XLSX_FORMATS.get(c.kind)) for c in columns]
        known: dict[Any, str] = {}  # a text or date's cell after its style, by value
        width = len(columns)
        chunk: list[str] = []
        for r, row in enumerate(rows, start=2):
            cells = [f'<row r="{r}">']
            for i, value in enumerate(row):
                if i == width:
                    break
                kind = type(value)
                if value is None:
                    continue
                if kind is int or kind is Decimal:
                    number = _xlsx_number(value)
                    if number is None:
                        continue
                    cells.append(
                        f'<c r="{letters[i]}{r}"{number_styles[i]} t="n"><v>{number}</v></c>'
                    )
                    continue
                if kind is str or kind is dt.date:
                    key = (i, value) if kind is dt.date else value
                    cell = known.get(key)
                    if cell is None:
                        cell = self._cell(value, columns[i], False)
                        if len(known) < self.KNOWN:
                            known[key] = cell
                else:
                    cell = self._cell(value, columns[i], False)
                if cell:
                    cells.append(f'<c r="{letters[i]}{r}"{cell}')
            cells.append("</row>")
            chunk.append("".join(cells))
            if len(chunk) >= self.CHUNK:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    def _cell(self, value: Any, column: Column, bold: bool) -> str:
        """A cell's XML after its reference (``<c r="A1"`` + this); '' for an empty cell."""
        value = _plain(value)
        if value is None:
            return ""
        if isinstance(value, bool):
            value = "ja" if value else "nej"
        if isinstance(value, str):
            if not value:
                return ""
            value = value[:XLSX_MAX_TEXT]
            text = _xml_text(value)
            space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            # Always a string cell, never a formula; the quote prefix keeps Excel from
            # turning dangerous text into one when someone edits the cell.
            style = self.style(None, bold=bold, quote=is_dangerous(value))
            return f'{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        number_format = column.number_format or XLSX_FORMATS.get(column.kind)
        if isinstance(value, dt.date):
            number_format = number_format or XLSX_FORMATS[Kind.DATE]
            number = _xlsx_number(_excel_serial(value))
        else:
            number = _xlsx_number(value)
        if number is None:
            return ""
        return f'{self.style(number_format, bold=bold)} t="n"><v>{number}</v></c>'

    def _styles(self) -> str:
        formats: dict[str, int] = {}
        for number_format, _bold, _quote in self.styles:
            if number_format and number_format not in _BUILTIN_FORMATS:
                formats.setdefault(number_format, 164 + len(formats))
        num_fmts = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_xml_attr(code)}"/>'
            for code, i in formats.items()
        )
        xfs = []
        for number_format, bold, quote in self.styles:  # in index order
            fmt_id = _BUILTIN_FORMATS.get(number_format or "General") or formats.get(
                number_format or "", 0
            )
            attrs = f'numFmtId="{fmt_id}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
            if fmt_id:
                attrs += ' applyNumberFormat="1"'
            if bold:
                attrs += ' applyFont="1"'
            if quote:
                attrs += ' quotePrefix="1"'
            xfs.append(f"<xf {attrs}/>")
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
            + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )

    @staticmethod
    def _content_types(sheets: int) -> str:
        ns = "application/vnd.openxmlformats-officedocument"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="{ns}.spreadsheetml.worksheet+xml"/>'
            for n in range(1, sheets + 1)
        )
        return (
            f"{_XML_HEAD}"
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ns}.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            f'<Override PartName="/xl/styles.xml" ContentType="{ns}.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{ns}.extended-properties+xml"/>'
            "</Types>"
        )

    @staticmethod
    def _root_rels() -> str:
        return (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'
        )

    @staticmethod
    def _core(title: str | None) -> str:
        now = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        title_xml = f"<dc:title>{_xml_text(title)}</dc:title>" if title else ""
        return (
            f"{_XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{title_xml}<dc:creator>Satsa</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>"
        )

    @staticmethod
    def _app() -> str:
        return (
            f"{_XML_HEAD}<Properties xmlns="
            '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Satsa</Application></Properties>"
        )

    @staticmethod
    def _workbook(names: list[str]) -> str:
        sheets = "".join(
            f'<sheet name="{_xml_attr(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        return (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"
        )

    @staticmethod
    def _workbook_rels(sheets: int) -> str:
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, sheets + 1)
        )
        return (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}'
            f'<Relationship Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        )


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
