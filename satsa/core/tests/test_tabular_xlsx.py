"""The XLSX writer writes the sheets' XML itself (issue #17: openpyxl's write-only writer
took a minute for a big organisation's journal). openpyxl, which the exports used before,
is the reference here: what it reads back from the new files is what it read back from the
files it wrote itself, cell by cell, type by type and format by format."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from satsa.core import tabular
from satsa.core.tabular import Column, Kind, Table
from satsa.funds.models import Account

MIXED_TEXT = [
    "Familjestöd",
    "AT&T <b>\"citat\"</b> & 'apostrof'",
    "  inledande och avslutande blanksteg  ",
    "rad ett\nrad två\tmed tabb",
    "]]> och &amp; redan",
    "€ – ✓ 🎉 ÅÄÖ",
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "'=1",
    "x" * 40_000,  # longer than a cell holds
]


def _reference_xlsx(*tables: Table, title: str | None = None) -> bytes:
    """The writer the exports used before: openpyxl's write-only workbook."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def cell(sheet: Any, value: Any, column: Column, font: Any = None) -> Any:
        value = tabular._plain(value)
        if isinstance(value, bool):
            value = "ja" if value else "nej"
        if isinstance(value, str):
            value = value[: tabular.XLSX_MAX_TEXT]
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            out.data_type = "s"
            if tabular.is_dangerous(value):
                out.quotePrefix = True
        elif value is not None:
            number_format = column.number_format or tabular.XLSX_FORMATS.get(column.kind)
            if isinstance(value, dt.date) and not number_format:
                number_format = tabular.XLSX_FORMATS[Kind.DATE]
            if number_format:
                out.number_format = number_format
        if font is not None:
            out.font = font
        return out

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
            [cell(sheet, c.header, c, bold if table.bold_header else None) for c in table.columns]
        )
        for row in table.rows:
            sheet.append([cell(sheet, v, c) for v, c in zip(row, table.columns, strict=False)])
    if title:
        book.properties.title = title
    book.properties.creator = "Satsa"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tables() -> list[Table]:
    columns = [
        Column("Text", width=40),
        Column("Heltal", Kind.INT, width=8),
        Column("Belopp", Kind.MONEY, width=15),
        Column("Decimal", Kind.DECIMAL),
        Column("Datum", Kind.DATE, width=11),
        Column("Andel", Kind.PERCENT),
        Column("Eget format", Kind.DECIMAL, number_format="0.000"),
        Column("Blandat"),
    ]
    stockholm = ZoneInfo("Europe/Stockholm")
    mixed: list[Any] = [
        3,
        -2,
        Decimal("1234567.89"),
        2.5,
        0.1,
        True,
        False,
        None,
        gettext_lazy("Utbetald"),
        Account.FREE,
        dt.date(2026, 1, 31),
        dt.date(1900, 2, 1),  # before Excel's 29 February 1900
        dt.date(1900, 3, 1),
        dt.datetime(2026, 3, 4, 13, 45, 30),  # noqa: DTZ001 - a naive time, as Excel has
        dt.datetime(2026, 7, 1, 8, 0, tzinfo=stockholm),
        Decimal("-0.01"),
    ]
    rows = []
    for n in range(max(len(MIXED_TEXT), len(mixed))):
        rows.append(
            [
                MIXED_TEXT[n % len(MIXED_TEXT)],
                n * 1_000_003 - 7,
                Decimal(n * 12345) / 100 - Decimal("0.05"),
                Decimal("0.125") * n,
                dt.date(2020 + n % 7, 1 + n % 12, 1 + n % 28),
                n / 40,
                Decimal(n) / 7 if n % 3 else None,
                mixed[n % len(mixed)],
            ]
        )
    rows.append(["bara text"])  # a short row
    rows.append([None, None, None])  # an empty one
    rows.append(["för lång", 1, 2, 3, 4, 5, 6, 7, "utanför kolumnerna"])
    plain = Table(
        [Column("=Rubrik"), Column("Tal", Kind.INT)],
        [["a", 1], ["b", 2]],
        title="Utan fet rubrik",
        freeze_header=False,
        bold_header=False,
    )
    return [Table(columns, rows, title="Blandat & <annat>"), plain]


def _read(content: bytes) -> dict[str, Any]:
    book = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = {
            "cells": [
                (c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.quotePrefix)
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None
            ],
            "widths": {k: v.width for k, v in sheet.column_dimensions.items() if v.customWidth},
            "freeze": sheet.freeze_panes,
        }
    return {
        "sheets": sheets,
        "order": book.sheetnames,
        "title": book.properties.title,
        "creator": book.properties.creator,
    }


def _same(a: Any, b: Any) -> bool:
    """Equal, but for a float's last digit: openpyxl wrote 16 significant digits (so
    Decimal(1) / 7 came back a little off), this writer every digit of the Decimal."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-15)
    return bool(a == b)


def test_openpyxl_reads_the_same_cells_types_and_formats_as_from_its_own_files() -> None:
    new, old = (
        _read(tabular.to_xlsx(*_tables(), title="Portfölj")),
        _read(_reference_xlsx(*_tables(), title="Portfölj")),
    )
    assert new["order"] == old["order"] == ["Blandat & <annat>", "Utan fet rubrik"]
    for name in new["order"]:
        mine, theirs = new["sheets"][name], old["sheets"][name]
        assert len(mine["cells"]) == len(theirs["cells"]) > 0
        for a, b in zip(mine["cells"], theirs["cells"], strict=True):
            assert _same(a, b)
        assert mine["widths"] == theirs["widths"]
        assert mine["freeze"] == theirs["freeze"]
    assert new["sheets"]["Blandat & <annat>"]["freeze"] == "A2"
    assert new["sheets"]["Utan fet rubrik"]["freeze"] is None
    assert (new["title"], new["creator"]) == (old["title"], old["creator"]) == ("Portfölj", "Satsa")


def test_the_read_only_reader_reads_it_too() -> None:
    # read_xlsx_rows opens files in openpyxl's read-only mode (the imports' path).
    table = _tables()[0]
    mine = tabular.read_xlsx_rows(tabular.to_xlsx(table))
    theirs = tabular.read_xlsx_rows(_reference_xlsx(_tables()[0]))
    assert _same(mine, theirs)
    assert mine[3][6] == float(Decimal(2) / 7)  # every digit: the closest float
    assert mine[1][0] == "Familjestöd" and mine[2][0] == MIXED_TEXT[1]
    assert mine[-1][:3] == ["för lång", 1, 2]


def _sheet_xml(content: bytes, n: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert zf.testzip() is None
        return zf.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_money_is_written_exactly_and_numbers_as_numbers() -> None:
    # More digits than a float holds: the file keeps every öre of the Decimal.
    big = Decimal("12345678901234567.89")
    table = Table(
        [Column("Belopp", Kind.MONEY), Column("Antal", Kind.INT)],
        [[big, 10**20], [Decimal("1E+3"), -5], [Decimal("0.10"), 0]],
    )
    xml = _sheet_xml(tabular.to_xlsx(table))
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert values == ["12345678901234567.89", "100000000000000000000", "1000", "-5", "0.10", "0"]
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(table))).active
    assert sheet["A2"].data_type == "n" and sheet["A2"].number_format == "#,##0.00"
    assert sheet["A3"].value == 1000 and sheet["A4"].value == pytest.approx(0.1)


def test_text_that_xml_cannot_hold_is_left_out_and_the_rest_escaped() -> None:
    # openpyxl refused these characters (the whole export failed); they are dropped.
    table = Table(
        [Column("Text")],
        [["a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh"], ["<&>\r\n"], ["\r=1+1"]],
    )
    content = tabular.to_xlsx(table)
    xml = _sheet_xml(content)
    assert "<&>" not in xml and "&lt;&amp;&gt;&#13;" in xml
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "abcdefgh"
    # a carriage return is a character reference, so it reads back as itself
    assert sheet["A3"].value == "<&>\r\n"
    assert sheet["A4"].value == "\r=1+1" and sheet["A4"].quotePrefix
    assert sheet["A4"].data_type == "s"


def test_sheet_names_are_made_valid_and_unique() -> None:
    tables = [
        Table([Column("a")], [], title="Kvartal 1/2026: [utfall]?"),
        Table([Column("a")], [], title="Blad"),
        Table([Column("a")], [], title="blad"),
    ]
    book = load_workbook(io.BytesIO(tabular.to_xlsx(*tables)))
    assert book.sheetnames == ["Kvartal 1_2026_ _utfall__", "Blad", "blad1"]
    assert [[c.value for c in row] for row in book["Blad"].iter_rows()] == [["a"]]
