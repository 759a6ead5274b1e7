"""The small-group rule: counts, tables and refused estimates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satsa.evaluation import suppression
from satsa.evaluation.errors import SmallGroupError
from satsa.evaluation.suppression import (
    MIN_GROUP_SIZE,
    SECONDARY,
    SUPPRESSED,
    is_reportable,
    require_group_size,
    suppress,
    suppress_table,
)
from satsa.evaluation.tests import strategies as s


def test_the_minimum_is_five() -> None:
    assert MIN_GROUP_SIZE == 5
    assert SUPPRESSED == "<5"


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (250, 250)])
def test_it_shows_counts_of_five_or_more_only(count: int, shown: int | str) -> None:
    assert suppress(count) == shown


def test_it_accepts_numpy_counts_and_refuses_fractions_and_negatives() -> None:
    assert suppress(np.int64(7)) == 7
    assert suppress(np.int64(2)) == SUPPRESSED
    with pytest.raises(TypeError):
        suppress(4.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        suppress(True)
    with pytest.raises(ValueError):
        suppress(-1)


def test_a_refusal_names_the_group_and_the_minimum_in_both_languages() -> None:
    with pytest.raises(SmallGroupError) as caught:
        require_group_size("kontrollgrupp, baseline", 3)
    error = caught.value
    assert error.group == "kontrollgrupp, baseline" and error.minimum == 5
    assert "'kontrollgrupp, baseline'" in error.sv and "färre än 5" in error.sv
    assert "'kontrollgrupp, baseline'" in error.en and "fewer than 5" in error.en
    assert "3" not in str(error)  # the real size is a small count too
    require_group_size("treatment", 5)  # no error at the limit


def test_a_suppressed_row_keeps_its_labels_and_loses_every_figure() -> None:
    rows = [
        {"group": "a", "period": "baseline", "n": 4, "mean": 3.2, "share": "40 %"},
        {"group": "b", "period": "baseline", "n": 9, "mean": 5.0, "share": "60 %"},
    ]
    shown = suppress_table(rows, labels=("group", "period"))
    assert shown[0] == {"group": "a", "period": "baseline", "n": "<5", "mean": None, "share": None}
    assert shown[1] == rows[1]
    assert rows[0]["n"] == 4  # the input is not modified


def test_an_additive_table_withholds_a_second_row_so_the_total_reveals_nothing() -> None:
    rows = [{"k": "a", "n": 3}, {"k": "b", "n": 40}, {"k": "c", "n": 7}, {"k": "d", "n": 12}]
    shown = [row["n"] for row in suppress_table(rows, labels=["k"], additive=True)]
    # c (7) is the smallest other row; 3 + 7 ≥ 5 and two rows are withheld
    assert shown == ["<5", 40, SECONDARY, 12]


def test_an_additive_table_with_two_tiny_rows_withholds_until_their_sum_is_five() -> None:
    rows = [{"k": "a", "n": 1}, {"k": "b", "n": 1}, {"k": "c", "n": 6}, {"k": "d", "n": 9}]
    shown = [row["n"] for row in suppress_table(rows, labels=["k"], additive=True)]
    assert shown == ["<5", "<5", SECONDARY, 9]


def test_it_needs_the_count_column() -> None:
    with pytest.raises(KeyError, match="'n'"):
        suppress_table([{"group": "a"}], labels=["group"])


def test_the_rule_is_defined_once() -> None:
    # every other module imports the constant instead of writing its own 5
    assert suppression.MIN_GROUP_SIZE is MIN_GROUP_SIZE


# --- properties -----------------------------------------------------------------------


@given(count=s.counts)
def test_suppression_never_reveals_a_count_below_five(count: int) -> None:
    shown = suppress(count)
    assert shown == SUPPRESSED if count < 5 else shown == count
    assert is_reportable(count) == (count >= 5)


tables = st.lists(s.counts, min_size=1, max_size=8).map(
    lambda counts: [{"label": f"g{i}", "n": n, "mean": n / 3} for i, n in enumerate(counts)]
)


@given(rows=tables, additive=st.booleans())
def test_no_shown_count_or_figure_rests_on_fewer_than_five(
    rows: list[dict[str, Any]], additive: bool
) -> None:
    shown = suppress_table(rows, labels=["label"], additive=additive)
    for before, after in zip(rows, shown, strict=True):
        if isinstance(after["n"], int):
            assert after["n"] >= 5 and after["n"] == before["n"]
            assert after["mean"] == before["mean"]
        else:
            assert after["mean"] is None
        if before["n"] < 5:
            assert after["n"] == SUPPRESSED


@given(rows=tables)
def test_the_total_minus_the_shown_counts_never_pins_down_a_small_group(
    rows: list[dict[str, Any]],
) -> None:
    shown = suppress_table(rows, labels=["label"], additive=True)
    withheld = [
        before["n"]
        for before, after in zip(rows, shown, strict=True)
        if after["n"] in (SUPPRESSED, SECONDARY)
    ]
    if withheld and len(withheld) < len(rows):
        # what a reader can derive is the sum of the withheld rows: at least 5, over ≥ 2 rows
        assert len(withheld) >= 2
        assert sum(withheld) >= 5
