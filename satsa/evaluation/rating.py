"""How much to trust an estimate: the Maryland Scientific Methods Scale (SMS), levels 1–5.

The level follows from the design alone (Sherman et al. 1997, *Preventing Crime*; the
What Works Centre for Local Economic Growth's version): it says how well the design
rules out other explanations, not whether the effect is large or significant.

1. one measurement, or a comparison at one time only (no change over time)
2. before and after for the target group, no comparison group
3. before and after for the target group and a comparison group (difference-in-differences)
4. as 3, and adjusted for differences between the groups (covariates), or several
   periods with staggered starts and a pre-trend check
5. the groups were formed by lot (randomised)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LEVELS", "ConfidenceRating", "maryland_rating"]

LEVELS: dict[int, tuple[str, str]] = {
    1: (
        "Nivå 1: en mätning eller jämförelse vid ett tillfälle; säger inget om orsak.",
        "Level 1: one measurement or a comparison at one time; says nothing about cause.",
    ),
    2: (
        "Nivå 2: före och efter utan jämförelsegrupp; andra förändringar kan förklara resultatet.",
        "Level 2: before and after without a comparison group; other changes may explain it.",
    ),
    3: (
        "Nivå 3: före och efter med jämförelsegrupp (skillnad-i-skillnader).",
        "Level 3: before and after with a comparison group (difference-in-differences).",
    ),
    4: (
        "Nivå 4: jämförelsegrupp med justering för skillnader mellan grupperna, "
        "eller flera perioder med förskjutna starter.",
        "Level 4: comparison group with adjustment for differences between the groups, "
        "or several periods with staggered starts.",
    ),
    5: (
        "Nivå 5: grupperna lottades (randomiserad studie).",
        "Level 5: the groups were formed by lot (randomised study).",
    ),
}


@dataclass(frozen=True)
class ConfidenceRating:
    """A level on the Maryland scale with its explanation in Swedish and English."""

    level: int

    @property
    def sv(self) -> str:
        return LEVELS[self.level][0]

    @property
    def en(self) -> str:
        return LEVELS[self.level][1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": "maryland_sms",
            "level": self.level,
            "label_sv": self.sv,
            "label_en": self.en,
        }


def maryland_rating(
    *,
    before_after: bool,
    comparison: bool,
    covariates: bool = False,
    staggered: bool = False,
    randomised: bool = False,
    parallel_pre_trends: bool | None = None,
) -> ConfidenceRating:
    """The design's level on the Maryland scale.

    ``parallel_pre_trends`` is the pre-trend test's verdict when there is one: a design
    whose groups were visibly not parallel before the start is rated one level lower
    (the comparison group then says less about what would have happened).

    Examples
    --------
    >>> maryland_rating(before_after=True, comparison=False).level
    2
    >>> maryland_rating(before_after=True, comparison=True).level
    3
    >>> maryland_rating(before_after=True, comparison=True, covariates=True).level
    4
    >>> maryland_rating(before_after=True, comparison=True, randomised=True).level
    5
    >>> maryland_rating(before_after=True, comparison=True, staggered=True,
    ...                 parallel_pre_trends=False).level
    3
    """
    if not before_after:
        level = 1
    elif not comparison:
        level = 2
    elif randomised:
        level = 5
    elif covariates or staggered:
        level = 4
    else:
        level = 3
    if parallel_pre_trends is False and level >= 3:
        level -= 1
    return ConfidenceRating(level)
