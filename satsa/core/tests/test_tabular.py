"""The one CSV/XLSX writer and reader: formula-like text inert, real numbers and dates,
the Swedish Excel dialect, and reading back what it writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from satsa.core import tabular
from satsa.core.tabular import RFC4180, SWEDISH_EXCEL, Column, Kind, Table, TableFileError

HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def hostile_table() -> Table:
    return Table(
        [Column(text) for text in HOSTILE],  # headers are text too
        [list(HOSTILE)],
        title="Fientligt",
    )


def numbers_table() -> Table:
    return Table(
        [
            Column("Namn"),
            Column("Antal", Kind.INT),
            Column("Belopp", Kind.MONEY),
            Column("Värde", Kind.DECIMAL),
            Column("Datum", Kind.DATE),
            Column("Andel", Kind.PERCENT),
        ],
        [
            ["Familjestöd", 3, Decimal("1234567.5"), Decimal("0.25"), dt.date(2026, 1, 31), 0.125],
            ["Team Oxhagen", -2, Decimal("-10"), 2.5, None, None],
        ],
        title="Siffror",
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_every_dangerous_prefix_is_an_inert_text_cell_in_xlsx(text: str) -> None:
    table = Table([Column("Namn")], [[text]])
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(table))).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    # A carriage return is written as a character reference: it reads back as itself.
    assert cell.value == text


def test_no_cell_of_a_hostile_xlsx_is_a_formula() -> None:
    book = load_workbook(io.BytesIO(tabular.to_xlsx(hostile_table())))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert len(cells) == 2 * len(HOSTILE)
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells[len(HOSTILE) :]] == HOSTILE


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("dialect", [SWEDISH_EXCEL, RFC4180])
def test_every_dangerous_prefix_gets_an_apostrophe_in_csv(
    text: str, dialect: tabular.Dialect
) -> None:
    content = tabular.to_csv(Table([Column("Namn")], [[text]]), dialect)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + text]


def test_harmless_text_is_written_as_it_is() -> None:
    table = Table([Column("Namn")], [["Familjestöd i Oxhagen"], ["a=b"], ["'citat"]])
    content = tabular.to_csv(table).decode("utf-8-sig")
    assert content.splitlines()[1:] == ["Familjestöd i Oxhagen", "a=b", "'citat"]


def test_numbers_and_dates_are_real_numbers_and_dates_in_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(numbers_table()))).active
    first = [cell for cell in sheet[2]]
    assert [c.value for c in sheet[1]] == ["Namn", "Antal", "Belopp", "Värde", "Datum", "Andel"]
    assert first[1].value == 3 and first[1].data_type == "n"
    assert first[2].value == pytest.approx(1234567.5) and first[2].data_type == "n"
    assert first[2].number_format == "#,##0.00"
    assert first[3].value == pytest.approx(0.25)
    assert first[4].value.date() == dt.date(2026, 1, 31) and first[4].is_date
    assert first[4].number_format == "yyyy-mm-dd"
    assert first[5].value == pytest.approx(0.125) and first[5].number_format == "0.0%"
    second = [cell.value for cell in sheet[3]]
    assert second[:4] == ["Team Oxhagen", -2, -10, 2.5]
    # A negative number is a number, not text that needs neutralising.
    assert sheet["B3"].data_type == "n"


def test_the_header_is_bold_and_frozen_and_widths_are_set() -> None:
    table = Table([Column("Namn", width=40), Column("Antal", Kind.INT)], [["x", 1]], title="Blad")
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(table)))["Blad"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 40


def test_several_tables_are_several_sheets_with_a_short_title() -> None:
    long_title = "Besparingar per nämnd och förvaltning i hela kommunen"
    content = tabular.to_xlsx(
        numbers_table(), Table([Column("Namn")], [["x"]], title=long_title), title="Portfölj"
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Siffror", long_title[:31]]
    assert book.properties.title == "Portfölj"


def test_the_swedish_excel_dialect() -> None:
    content = tabular.to_csv(numbers_table(), SWEDISH_EXCEL)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    lines = text.split("\r\n")
    assert lines[0] == "Namn;Antal;Belopp;Värde;Datum;Andel"
    assert lines[1] == "Familjestöd;3;1234567,50;0,25;2026-01-31;0,125"
    assert lines[2] == "Team Oxhagen;-2;-10,00;2,5;;"


def test_the_rfc4180_dialect_keeps_a_decimal_point_and_no_bom() -> None:
    content = tabular.to_csv(numbers_table(), RFC4180)
    assert not content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8").split("\r\n")
    assert lines[1] == "Familjestöd,3,1234567.50,0.25,2026-01-31,0.125"


def test_lazy_text_booleans_and_aware_datetimes_are_plain_cells() -> None:
    table = Table(
        [Column("Text"), Column("Publicerad"), Column("Tid")],
        [[gettext_lazy("Familjestöd"), True, dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)]],
    )
    line = tabular.to_csv(table).decode("utf-8-sig").split("\r\n")[1]
    assert line == "Familjestöd;ja;2026-06-01 12:00"  # Stockholm summer time
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(table))).active
    assert [c.value for c in sheet[2]][:2] == ["Familjestöd", "ja"]
    assert sheet["C2"].is_date and sheet["C2"].value.isoformat() == "2026-06-01T12:00:00"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_reader_reads_back_what_the_writer_wrote(fmt: str) -> None:
    table = Table(
        [Column("Namn"), Column("Antal", Kind.INT), Column("Värde", Kind.DECIMAL)],
        [[text, i, Decimal("1.5")] for i, text in enumerate(HOSTILE)],
    )
    content = tabular.file_bytes(table, fmt)
    rows = tabular.read_rows(content, f"export.{fmt}")
    assert rows[0] == ["Namn", "Antal", "Värde"]
    if fmt == "csv":
        assert [row[0] for row in rows[1:]] == HOSTILE
        assert rows[1][1:] == ["0", "1,5"]
    else:
        assert [row[0] for row in rows[1:]] == HOSTILE
        assert rows[1][1:] == [0, 1.5]


def test_the_reader_sniffs_commas_semicolons_and_tabs() -> None:
    for delimiter in (",", ";", "\t"):
        content = delimiter.join(["person", "group", "value"]).encode() + b"\r\np1,5"
        rows = tabular.read_rows(content, "data.csv")
        assert rows[0] == ["person", "group", "value"]
    assert tabular.read_rows(b"namn\nFamiljest\xf6d\n", "x.csv", encodings=("utf-8", "cp1252"))[
        1
    ] == ["Familjestöd"]


def test_the_reader_keeps_an_apostrophe_that_escapes_nothing() -> None:
    rows = tabular.read_rows(b"namn\n'citat\n''=x\n", "x.csv")
    assert rows[1:] == [["'citat"], ["'=x"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_already_begins_with_an_apostrophe_reads_back_unchanged(fmt: str) -> None:
    texts = ["'=1+1", "''@x", "'citat", "'"]
    table = Table([Column("Namn")], [[text] for text in texts])
    rows = tabular.read_rows(tabular.file_bytes(table, fmt), f"x.{fmt}")
    assert [row[0] for row in rows[1:]] == texts


def test_the_reader_pads_short_xlsx_rows() -> None:
    book = Workbook()
    book.active.append(["a", "b", "c"])
    book.active.append(["x"])
    out = io.BytesIO()
    book.save(out)
    assert tabular.read_rows(out.getvalue(), "t.xlsx") == [["a", "b", "c"], ["x", None, None]]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"not a workbook", "x.xlsx", "Excel-fil"),
        ("namn\nFamiljestöd\n".encode("cp1252"), "x.csv", "UTF-8"),
        (b"namn", "x.pdf", "XLSX- eller CSV-fil"),
    ],
)
def test_the_reader_refuses_what_is_not_a_table(
    content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(TableFileError, match=message):
        tabular.read_rows(content, filename)


def test_http_response_names_the_file_and_type() -> None:
    response = tabular.http_response(numbers_table(), "siffror.csv", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="siffror.csv"'
    assert response.content.startswith(b"\xef\xbb\xbfNamn;Antal")
    response = tabular.http_response(numbers_table(), "siffror.xlsx", "xlsx")
    assert "spreadsheetml" in response["Content-Type"]
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == "Familjestöd"


def test_a_long_table_streams_through_once_and_reads_back_whole() -> None:
    # The journal of a big organisation: thousands of rows, handed over as a generator.
    # Write-only sheets append each row without looking back at the sheet (no max_row in
    # the loop), so the writer is linear; the rows are pulled once, one at a time.
    pulled = []

    def rows() -> Any:
        for n in range(4000):
            pulled.append(n)
            yield [n, f"Verifikation {n}", Decimal(n) / 100, dt.date(2024, 1, 1 + n % 28)]

    table = Table(
        [Column("nr", Kind.INT), Column("text"), Column("belopp", Kind.MONEY), Column("datum")],
        rows(),
    )
    read = tabular.read_xlsx_rows(tabular.to_xlsx(table))
    assert pulled == list(range(4000))
    assert len(read) == 4001
    assert read[-1][:2] == [3999, "Verifikation 3999"]
