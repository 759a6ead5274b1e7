"""KASAM / SOC-13 scoring against vectors worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from satsa.evaluation.errors import AnswerError
from satsa.evaluation.kasam import REVERSED_ITEMS, SUBSCALES, score_soc13, soc13_totals

answer_sets = st.lists(st.integers(min_value=1, max_value=7), min_size=13, max_size=13)


def test_the_key_matches_the_published_scale() -> None:
    assert set(REVERSED_ITEMS) == {1, 2, 3, 7, 10}
    assert sorted(i for items in SUBSCALES.values() for i in items) == list(range(1, 14))


@pytest.mark.parametrize(
    ("answers", "total", "comprehensibility", "manageability", "meaningfulness"),
    [
        # all 1: reversed items 1,2,3,7,10 → 7 each = 35; the other 8 → 1 each = 8.
        # C (2,6,8,9,11) = 7+1+1+1+1 = 11; Ma (3,5,10,13) = 7+1+7+1 = 16;
        # Me (1,4,7,12) = 7+1+7+1 = 16; total 43 = 11+16+16.
        ([1] * 13, 43, 11, 16, 16),
        # all 7: reversed → 1 each = 5; others 7 × 8 = 56; total 61.
        # C = 1+7+7+7+7 = 29; Ma = 1+7+1+7 = 16; Me = 1+7+1+7 = 16.
        ([7] * 13, 61, 29, 16, 16),
        # all 4: reversal leaves 4 unchanged: 13 × 4 = 52; C 20, Ma 16, Me 16.
        ([4] * 13, 52, 20, 16, 16),
        # items 1..13 answered 1,2,3,4,5,6,7,1,2,3,4,5,6. Reversed: i1 1→7, i2 2→6,
        # i3 3→5, i7 7→1, i10 3→5. Keyed: 7,6,5,4,5,6,1,1,2,5,4,5,6 → total 57.
        # C = i2+i6+i8+i9+i11 = 6+6+1+2+4 = 19; Ma = i3+i5+i10+i13 = 5+5+5+6 = 21;
        # Me = i1+i4+i7+i12 = 7+4+1+5 = 17; 19+21+17 = 57.
        ([1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6], 57, 19, 21, 17),
        # strongest possible sense of coherence: 1 on reversed items, 7 elsewhere → 91.
        ([1, 1, 1, 7, 7, 7, 1, 7, 7, 1, 7, 7, 7], 91, 35, 28, 28),
        # weakest: 7 on reversed items, 1 elsewhere → 13.
        ([7, 7, 7, 1, 1, 1, 7, 1, 1, 7, 1, 1, 1], 13, 5, 4, 4),
    ],
)
def test_hand_checked_vectors(
    answers: list[int], total: int, comprehensibility: int, manageability: int, meaningfulness: int
) -> None:
    score = score_soc13(answers)
    assert score.complete and score.missing == ()
    assert (score.total, score.comprehensibility, score.manageability, score.meaningfulness) == (
        total,
        comprehensibility,
        manageability,
        meaningfulness,
    )


def test_a_mapping_of_item_numbers_scores_like_a_list() -> None:
    answers = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6]
    assert score_soc13(dict(enumerate(answers, start=1))) == score_soc13(answers)


def test_missing_items_are_listed_and_no_total_is_given() -> None:
    answers: list[int | None] = [4] * 13
    answers[0] = None  # item 1 (meaningfulness)
    answers[9] = None  # item 10 (manageability)
    score = score_soc13(answers)
    assert not score.complete
    assert score.missing == (1, 10)
    assert score.total is None
    assert score.meaningfulness is None and score.manageability is None
    assert score.comprehensibility == 20  # its five items are all answered
    assert score.as_dict()["missing"] == [1, 10]


def test_nan_counts_as_missing() -> None:
    assert score_soc13([math.nan] + [4] * 12).missing == (1,)


@pytest.mark.parametrize(("item", "bad"), [(1, 0), (7, 8), (13, 3.5), (4, "5"), (2, True)])
def test_it_refuses_an_answer_outside_1_to_7_naming_the_item(item: int, bad: object) -> None:
    answers: list[object] = [4] * 13
    answers[item - 1] = bad
    with pytest.raises(AnswerError) as caught:
        score_soc13(answers)  # type: ignore[arg-type]
    assert caught.value.item == item
    assert f"fråga {item}" in caught.value.sv
    assert f"item {item}" in caught.value.en
    assert "1–7" in caught.value.en


def test_it_refuses_the_wrong_number_of_answers_and_unknown_items() -> None:
    with pytest.raises(AnswerError, match="13 items; got 12"):
        score_soc13([4] * 12)
    with pytest.raises(AnswerError, match="unknown item 14"):
        score_soc13({14: 4})


def test_totals_for_many_people_follow_the_same_rule() -> None:
    rows = np.array(
        [[1] * 13, [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6], [4] * 12 + [np.nan]], dtype=float
    )
    assert_array_equal(soc13_totals(rows), [43.0, 57.0, np.nan])


def test_totals_for_many_people_refuse_with_row_and_item() -> None:
    rows = np.full((3, 13), 4.0)
    rows[2, 6] = 9
    with pytest.raises(AnswerError, match="row 3, item 7") as caught:
        soc13_totals(rows)
    assert caught.value.item == 7
    with pytest.raises(AnswerError, match="13 columns"):
        soc13_totals(np.full((2, 12), 4.0))


@given(answers=answer_sets)
def test_scores_stay_in_range_and_subscales_add_up(answers: list[int]) -> None:
    score = score_soc13(answers)
    assert score.total is not None and 13 <= score.total <= 91
    assert score.comprehensibility is not None and 5 <= score.comprehensibility <= 35
    assert score.manageability is not None and 4 <= score.manageability <= 28
    assert score.meaningfulness is not None and 4 <= score.meaningfulness <= 28
    assert score.total == score.comprehensibility + score.manageability + score.meaningfulness
    assert soc13_totals([answers])[0] == score.total


@given(answers=answer_sets, item=st.integers(min_value=1, max_value=13))
def test_a_higher_answer_raises_the_total_unless_the_item_is_reversed(
    answers: list[int], item: int
) -> None:
    if answers[item - 1] == 7:
        return
    higher = list(answers)
    higher[item - 1] += 1
    before, after = score_soc13(answers).total, score_soc13(higher).total
    assert before is not None and after is not None
    assert after - before == (-1 if item in REVERSED_ITEMS else 1)
