"""The Maryland Scientific Methods Scale level of a design."""

from __future__ import annotations

import pytest

from satsa.evaluation.rating import LEVELS, maryland_rating


@pytest.mark.parametrize(
    ("design", "level"),
    [
        ({"before_after": False, "comparison": True}, 1),
        ({"before_after": True, "comparison": False}, 2),
        ({"before_after": True, "comparison": False, "covariates": True}, 2),
        ({"before_after": True, "comparison": True}, 3),
        ({"before_after": True, "comparison": True, "covariates": True}, 4),
        ({"before_after": True, "comparison": True, "staggered": True}, 4),
        ({"before_after": True, "comparison": True, "randomised": True}, 5),
    ],
)
def test_the_level_follows_from_the_design(design: dict[str, bool], level: int) -> None:
    assert maryland_rating(**design).level == level


def test_groups_not_parallel_before_the_start_lose_a_level() -> None:
    rating = maryland_rating(
        before_after=True, comparison=True, covariates=True, parallel_pre_trends=False
    )
    assert rating.level == 3
    assert maryland_rating(before_after=True, comparison=True, parallel_pre_trends=True).level == 3


def test_every_level_has_a_swedish_and_an_english_label() -> None:
    assert sorted(LEVELS) == [1, 2, 3, 4, 5]
    for level in LEVELS:
        shown = maryland_rating(
            before_after=level > 1,
            comparison=level > 2,
            covariates=level == 4,
            randomised=level == 5,
        ).as_dict()
        assert shown["level"] == level and shown["scale"] == "maryland_sms"
        assert shown["label_sv"].startswith(f"Nivå {level}") and shown["label_en"].startswith(
            f"Level {level}"
        )
