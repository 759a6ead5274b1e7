"""``satsa unitcosts``: the national table (and any organisation's) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from satsa.calculations import selectors, tabular
from satsa.calculations.models import UnitCost
from satsa.events.models import Event

HEADER = [h for _k, h in tabular.COLUMNS]
ROW = [
    "SOC-FH",
    "Familjehem",
    "social",
    "placeringsår",
    "municipality",
    "",
    420000,
    2024,
    "SKR",
    "ja",
]

pytestmark = pytest.mark.django_db


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("unitcosts", *args, stdout=out)
    return out.getvalue()


def test_import_fills_the_national_table_and_writes_an_event(tmp_path: Path) -> None:
    later = [*ROW[:6], 455000, 2025, "SKR 2025", "ja"]
    path = xlsx(tmp_path / "nationell.xlsx", [ROW, later])
    output = run("import", str(path), "--national")
    assert "1 new entries, 2 values" in output
    entry = UnitCost.objects.get(code="SOC-FH")
    assert entry.organisation is None
    assert [(v.price_year, int(v.value)) for v in entry.values.order_by("price_year")] == [
        (2024, 420000),
        (2025, 455000),
    ]
    event = Event.objects.get(verb="unit_costs.imported")
    assert event.organisation is None
    assert event.data["values"] == 2


def test_export_and_import_round_trip_between_tables(tmp_path: Path, orebro: Any) -> None:
    run("import", str(xlsx(tmp_path / "in.xlsx", [ROW])), "--national")
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"national.{suffix}"
        assert "1 rows of the national table" in run("export", "--national", "-o", str(out))
        run("import", str(out), "--org", orebro.slug)
        assert selectors.export_rows(orebro) == selectors.export_rows(None)


def test_a_hostile_name_is_exported_inert_and_imported_as_written(
    tmp_path: Path, orebro: Any
) -> None:
    hostile = '=HYPERLINK("http://evil","x")'
    # The CSV way in: a text cell, as Excel saves a name typed with a leading apostrophe.
    source = tmp_path / "in.csv"
    source.write_text(
        ";".join(HEADER) + "\n" + ";".join(map(str, [ROW[0], "'" + hostile, *ROW[2:]]))
    )
    run("import", str(source), "--national")
    assert UnitCost.objects.get(organisation=None).name == hostile
    out = tmp_path / "national.csv"
    run("export", "--national", "-o", str(out))
    line = out.read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith(f'SOC-FH;"\'{hostile.replace(chr(34), chr(34) * 2)}";social;')
    out = tmp_path / "national.xlsx"
    run("export", "--national", "-o", str(out))
    cell = load_workbook(out).active["B2"]
    assert cell.data_type == "s" and cell.value == hostile
    for suffix in ("csv", "xlsx"):
        UnitCost.objects.filter(organisation=orebro).delete()
        run("import", str(tmp_path / f"national.{suffix}"), "--org", orebro.slug)
        assert UnitCost.objects.get(organisation=orebro).name == hostile


def test_a_bad_file_names_row_and_column_and_imports_nothing(tmp_path: Path) -> None:
    bad = [*ROW[:6], "mycket", 2024, "SKR", "ja"]
    path = xlsx(tmp_path / "bad.xlsx", [ROW, bad])
    with pytest.raises(CommandError) as error:
        run("import", str(path), "--national")
    message = str(error.value)
    assert "nothing was imported into the national table" in message
    assert "Rad 3" in message and tabular.HEADERS["value"] in message
    assert not UnitCost.objects.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["import", "missing.xlsx", "--national"], "missing.xlsx: No such file"),
        (["import", "x.xlsx", "--org", "atlantis"], "no organisation 'atlantis'"),
        (["export", "--national", "-o", "table.txt"], "give --format xlsx|csv"),
    ],
)
def test_mistakes_on_the_command_line_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=expected):
        run(*args)


def test_a_table_must_be_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="one of the arguments --national --org is required"):
        run("export", "-o", str(tmp_path / "t.xlsx"))
