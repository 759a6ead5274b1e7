"""SDQ: imported scale scores are checked, never the questionnaire itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satsa.evaluation import sdq
from satsa.evaluation.errors import AnswerError
from satsa.evaluation.sdq import DIFFICULTY_SCALES, validate_sdq

GOOD = {
    "emotional_symptoms": 3,
    "conduct_problems": 2,
    "hyperactivity_inattention": 6,
    "peer_problems": 1,
    "prosocial": 8,
    "total_difficulties": 12,  # 3 + 2 + 6 + 1, prosocial not included
}


def test_a_consistent_set_is_accepted_as_given() -> None:
    assert validate_sdq(GOOD).as_dict() == GOOD


def test_the_total_is_derived_when_all_four_difficulty_scales_are_given() -> None:
    given_ = {k: v for k, v in GOOD.items() if k != "total_difficulties"}
    assert validate_sdq(given_).total_difficulties == 12


def test_missing_scales_stay_missing() -> None:
    scores = validate_sdq({"prosocial": 7, "emotional_symptoms": None})
    assert scores.prosocial == 7
    assert scores.emotional_symptoms is None and scores.total_difficulties is None


@pytest.mark.parametrize(
    ("scale", "bad", "sv", "en"),
    [
        ("emotional_symptoms", 11, "emotionella symtom", "emotional symptoms"),
        ("conduct_problems", -1, "uppförandeproblem", "conduct problems"),
        ("peer_problems", 2.5, "kamratproblem", "peer relationship problems"),
        ("prosocial", "8", "prosocialt beteende", "prosocial behaviour"),
        ("hyperactivity_inattention", float("inf"), "hyperaktivitet", "hyperactivity"),
    ],
)
def test_it_refuses_a_score_out_of_range_naming_the_scale(
    scale: str, bad: object, sv: str, en: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_sdq({**GOOD, scale: bad, "total_difficulties": None})
    assert caught.value.item == scale
    assert sv in caught.value.sv and en in caught.value.en


def test_it_refuses_a_total_above_forty() -> None:
    with pytest.raises(AnswerError, match="outside the scale 0–40"):
        validate_sdq({"total_difficulties": 41})


def test_it_refuses_a_total_that_is_not_the_sum_of_the_difficulty_scales() -> None:
    with pytest.raises(AnswerError) as caught:
        validate_sdq({**GOOD, "total_difficulties": 20})  # 20 includes prosocial: 12 + 8
    assert "20 stämmer inte med summan" in caught.value.sv
    assert "does not match the sum of the four difficulty scales (12)" in caught.value.en


def test_it_refuses_a_total_that_the_given_scales_cannot_reach() -> None:
    # 9 + 9 given, two scales missing: the total must lie in 18–38
    partial = {"emotional_symptoms": 9, "conduct_problems": 9}
    validate_sdq({**partial, "total_difficulties": 38})
    with pytest.raises(AnswerError, match="cannot be the sum"):
        validate_sdq({**partial, "total_difficulties": 17})
    with pytest.raises(AnswerError, match="at most 20"):
        validate_sdq({**partial, "total_difficulties": 39})


def test_it_refuses_an_unknown_scale() -> None:
    with pytest.raises(AnswerError, match="unknown scale 'impact'") as caught:
        validate_sdq({"impact": 2})
    assert "okänd skala 'impact'" in caught.value.sv


def test_the_module_says_why_there_are_no_items() -> None:
    assert sdq.__doc__ is not None
    assert "licence" in sdq.__doc__ and "does not reproduce the items" in sdq.__doc__


scale_scores = st.integers(min_value=0, max_value=10)


@given(scores=st.fixed_dictionaries({k: scale_scores for k in DIFFICULTY_SCALES}))
def test_the_derived_total_is_always_accepted_back(scores: dict[str, int]) -> None:
    total = validate_sdq(scores).total_difficulties
    assert total == sum(scores.values())
    assert validate_sdq({**scores, "total_difficulties": total}).total_difficulties == total
    with pytest.raises(AnswerError):
        validate_sdq({**scores, "total_difficulties": (total + 1) % 41})
