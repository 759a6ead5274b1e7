"""Reading measurement CSV and evaluating it: pairing rule, counts, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from satsa.evaluation.effects import change_from_baseline
from satsa.evaluation.errors import CsvError
from satsa.evaluation.measurements import (
    Measurement,
    evaluate_measurements,
    read_measurements_csv,
)

HEADER = "person,group,period,value"


def read(*rows: str, header: str = HEADER) -> list[Measurement]:
    return read_measurements_csv([header, *rows])


def panel(group: str, n: int, start: float, change: float, prefix: str) -> list[Measurement]:
    rows = []
    for i in range(n):
        rows.append(Measurement(f"{prefix}{i}", group, "baseline", start + i))
        rows.append(Measurement(f"{prefix}{i}", group, "follow_up", start + i + change + i % 3))
    return rows


# --- reading --------------------------------------------------------------------------


def test_it_reads_rows_in_any_column_order_with_extra_columns() -> None:
    rows = read("note,1,CONTROL,Follow-Up,p1", header="comment,value,group,period,person")
    assert [(r.group, r.period, r.value, r.row) for r in rows] == [("control", "follow_up", 1.0, 2)]


def test_a_person_is_not_shown_in_the_measurement_repr() -> None:
    [row] = read("19121212-1212,control,baseline,3")
    assert "19121212" not in repr(row)


@pytest.mark.parametrize(
    ("rows", "row", "column", "fragment"),
    [
        (["p1,control,baseline,abc"], 2, "value", "the value 'abc' is not a number"),
        (["p1,control,baseline,"], 2, "value", "is not a number"),
        (["p1,control,baseline,nan"], 2, "value", "is not a number"),
        (["p1,control,baseline,1_000"], 2, "value", "is not a number"),
        (["p1,control,baseline,1,5"], 2, None, "5 fields but the header has 4"),
        (["p1,control,baseline"], 2, "value", "3 fields but the header has 4"),
        (["p1,placebo,baseline,1"], 2, "group", "unknown group 'placebo'"),
        (["p1,control,during,1"], 2, "period", "unknown period 'during'"),
        ([",control,baseline,1"], 2, "person", "the person is empty"),
        (
            ["p1,control,baseline,1", "", "p1,control,baseline,2"],
            4,
            "person",
            "already on row 2",
        ),
        (
            ["p1,control,baseline,1", "p1,treatment,follow_up,2"],
            3,
            "group",
            "in the group control on row 2",
        ),
    ],
)
def test_a_bad_row_is_named_by_row_and_column(
    rows: list[str], row: int, column: str | None, fragment: str
) -> None:
    with pytest.raises(CsvError) as caught:
        read(*rows)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert fragment in caught.value.en
    assert f"rad {row}" in caught.value.sv


def test_errors_never_repeat_the_person() -> None:
    with pytest.raises(CsvError) as caught:
        read("19121212-1212,control,baseline,1", "19121212-1212,control,baseline,2")
    assert "1212" not in str(caught.value)


def test_a_missing_column_is_named() -> None:
    with pytest.raises(CsvError) as caught:
        read_measurements_csv(["person,group,value", "p1,control,1"])
    assert (caught.value.row, caught.value.column) == (1, "period")
    assert "missing column in the header: period" in caught.value.en


def test_an_empty_file_or_one_without_rows_is_refused() -> None:
    with pytest.raises(CsvError, match="no header row"):
        read_measurements_csv([])
    with pytest.raises(CsvError, match="no measurements"):
        read_measurements_csv([HEADER, ""])


def test_swedish_excel_csv_with_semicolons_and_decimal_commas() -> None:
    [row] = read_measurements_csv(["person;group;period;value", "p1;treatment;baseline;-3,25"])
    assert row.value == -3.25


# --- evaluating -----------------------------------------------------------------------


def test_people_measured_twice_are_paired_and_the_rest_left_out() -> None:
    rows = panel("treatment", 8, 10.0, 2.0, "t") + panel("control", 6, 10.0, 0.0, "c")
    rows.append(Measurement("t-dropout", "treatment", "baseline", 99.0))
    rows.append(Measurement("t-late", "treatment", "follow_up", -99.0))
    report = evaluate_measurements(rows)
    change = report.changes["treatment"]
    assert change is not None and change.design == "paired" and change.n_baseline == 8
    expected = change_from_baseline(
        [10.0 + i for i in range(8)], [12.0 + i + i % 3 for i in range(8)], paired=True
    )
    assert_allclose(change.estimate, expected.estimate)
    assert report.counts["treatment"] == {"baseline": 9, "follow_up": 9}
    assert not report.refused


def test_without_anyone_measured_twice_the_periods_are_independent_samples() -> None:
    rows = [Measurement(f"a{i}", "control", "baseline", float(i)) for i in range(6)]
    rows += [Measurement(f"b{i}", "control", "follow_up", float(i) + 2) for i in range(7)]
    rows += panel("treatment", 5, 0.0, 1.0, "t")
    report = evaluate_measurements(rows)
    control = report.changes["control"]
    assert control is not None and control.design == "independent"
    assert_allclose(control.estimate, np.mean(np.arange(7) + 2) - np.mean(np.arange(6)))


def test_a_small_control_group_refuses_its_change_and_the_did_but_not_the_treatment() -> None:
    rows = panel("treatment", 12, 50.0, 4.0, "t") + panel("control", 4, 50.0, 0.0, "c")
    report = evaluate_measurements(rows)
    shown = report.as_dict()
    assert shown["counts"]["control"] == {"baseline": "<5", "follow_up": "<5"}
    assert shown["counts"]["treatment"] == {"baseline": 12, "follow_up": 12}
    assert shown["changes"]["treatment"]["estimate"] == pytest.approx(5.0, abs=1.0)
    assert shown["changes"]["control"] is None
    assert shown["difference_in_differences"] is None
    assert [r["estimate"] for r in shown["refused"]] == [
        "changes.control",
        "difference_in_differences",
    ]
    assert all("fewer than 5" in r["message_en"] for r in shown["refused"])
    assert "4" not in str(shown["refused"])


def test_a_missing_group_is_refused_too() -> None:
    report = evaluate_measurements(panel("treatment", 6, 1.0, 1.0, "t"))
    assert report.counts["control"] == {"baseline": 0, "follow_up": 0}
    assert report.as_dict()["counts"]["control"]["baseline"] == "<5"
    assert report.difference_in_differences is None and report.refused
