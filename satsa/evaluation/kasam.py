"""KASAM / SOC-13: scoring Antonovsky's 13-item Sense of Coherence scale.

Each item is answered 1–7. The published key reverse-scores items 1, 2, 3, 7 and 10
(an answer x counts as 8 − x), so that a higher score always means a stronger sense of
coherence. The total runs from 13 to 91; the subscales are comprehensibility (items 2,
6, 8, 9, 11; 5–35), manageability (3, 5, 10, 13; 4–28) and meaningfulness (1, 4, 7,
12; 4–28).

Rule for missing answers: a score (the total or a subscale) is given only when every
item it is made of is answered; nothing is imputed. An incomplete answer set is not an
error: the result lists the missing items and leaves the affected scores as ``None``.
An answer outside 1–7 (or not a whole number) is refused with :class:`AnswerError`
naming the item.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from satsa.evaluation.errors import AnswerError

__all__ = [
    "ITEMS",
    "REVERSED_ITEMS",
    "SUBSCALES",
    "Soc13Score",
    "score_soc13",
    "soc13_totals",
]

ITEMS: tuple[int, ...] = tuple(range(1, 14))
REVERSED_ITEMS: frozenset[int] = frozenset({1, 2, 3, 7, 10})
SUBSCALES: dict[str, tuple[int, ...]] = {
    "comprehensibility": (2, 6, 8, 9, 11),
    "manageability": (3, 5, 10, 13),
    "meaningfulness": (1, 4, 7, 12),
}
LOWEST, HIGHEST = 1, 7

# float: NaN counts as unanswered and 4.0 as 4 (answers read from a spreadsheet)
Answers = Mapping[int, float | None] | Sequence[float | None]


@dataclass(frozen=True)
class Soc13Score:
    """Scored SOC-13 answers.

    ``item_scores`` holds the keyed score of every answered item (after reversal);
    ``total`` and each subscale are ``None`` when any of their items is missing.
    """

    item_scores: dict[int, int]
    missing: tuple[int, ...]
    total: int | None
    comprehensibility: int | None
    manageability: int | None
    meaningfulness: int | None

    @property
    def complete(self) -> bool:
        """Whether all 13 items were answered."""
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the scores and the list of missing items."""
        return {
            "total": self.total,
            "comprehensibility": self.comprehensibility,
            "manageability": self.manageability,
            "meaningfulness": self.meaningfulness,
            "complete": self.complete,
            "missing": list(self.missing),
        }


def _check_answer(item: int, answer: object) -> int:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise AnswerError(
            sv=f"KASAM fråga {item}: svaret måste vara ett heltal 1–7, fick {answer!r}.",
            en=f"SOC-13 item {item}: the answer must be a whole number 1–7, got {answer!r}.",
            item=item,
        )
    value = float(answer)
    if not (math.isfinite(value) and value.is_integer() and LOWEST <= value <= HIGHEST):
        raise AnswerError(
            sv=f"KASAM fråga {item}: svaret {answer!r} ligger utanför skalan 1–7.",
            en=f"SOC-13 item {item}: the answer {answer!r} is outside the scale 1–7.",
            item=item,
        )
    return int(value)


def _as_mapping(answers: Answers) -> dict[int, object]:
    if isinstance(answers, Mapping):
        unknown = sorted(set(answers) - set(ITEMS), key=repr)
        if unknown:
            raise AnswerError(
                sv=f"KASAM har frågorna 1–13; okänd fråga {unknown[0]!r}.",
                en=f"SOC-13 has items 1–13; unknown item {unknown[0]!r}.",
                item=None,
            )
        return {item: answers.get(item) for item in ITEMS}
    if isinstance(answers, str | bytes) or len(answers) != len(ITEMS):
        got = len(answers)
        raise AnswerError(
            sv=f"KASAM har 13 frågor; fick {got} svar (använd None för obesvarade frågor).",
            en=f"SOC-13 has 13 items; got {got} answers (use None for unanswered items).",
        )
    return dict(zip(ITEMS, answers, strict=True))


def score_soc13(answers: Answers) -> Soc13Score:
    """Score one person's SOC-13 answers.

    Parameters
    ----------
    answers : sequence of 13 answers, or mapping item number → answer
        Raw answers 1–7 as ticked on the form (before reversal); ``None`` (or, in a
        mapping, an absent item) for an unanswered item.

    Raises
    ------
    AnswerError
        When an answer is outside 1–7 or not a whole number (the message names the
        item), or the answer set has the wrong length or an unknown item number.

    Examples
    --------
    Answering 1 everywhere: the five reversed items count 7 each (35) and the other
    eight count 1 each (8), so the total is 43.

    >>> s = score_soc13([1] * 13)
    >>> s.total, s.comprehensibility, s.manageability, s.meaningfulness
    (43, 11, 16, 16)

    Item 5 unanswered: no total and no manageability score, the rest is kept.

    >>> s = score_soc13({i: 4 for i in range(1, 14) if i != 5})
    >>> s.missing, s.total, s.manageability, s.comprehensibility
    ((5,), None, None, 20)
    """
    raw = _as_mapping(answers)
    item_scores: dict[int, int] = {}
    for item in ITEMS:
        answer = raw[item]
        if answer is None or (isinstance(answer, float) and math.isnan(answer)):
            continue
        value = _check_answer(item, answer)
        item_scores[item] = HIGHEST + LOWEST - value if item in REVERSED_ITEMS else value
    missing = tuple(item for item in ITEMS if item not in item_scores)

    def add_up(items: Sequence[int]) -> int | None:
        if any(item not in item_scores for item in items):
            return None
        return sum(item_scores[item] for item in items)

    return Soc13Score(
        item_scores=item_scores,
        missing=missing,
        total=add_up(ITEMS),
        comprehensibility=add_up(SUBSCALES["comprehensibility"]),
        manageability=add_up(SUBSCALES["manageability"]),
        meaningfulness=add_up(SUBSCALES["meaningfulness"]),
    )


def soc13_totals(answers: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """SOC-13 totals for many people at once.

    Parameters
    ----------
    answers : array_like, shape (people, 13)
        Raw answers 1–7, column j is item j + 1; NaN for an unanswered item.

    Returns
    -------
    ndarray, shape (people,)
        The total per person, NaN where any item is unanswered (same rule as
        :func:`score_soc13`).

    Examples
    --------
    >>> soc13_totals([[1] * 13, [7] * 13, [4] * 12 + [float("nan")]])
    array([43., 61., nan])
    """
    matrix = np.asarray(answers, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != len(ITEMS):
        raise AnswerError(
            sv=f"KASAM-svaren ska ha 13 kolumner, en per fråga; fick formen {matrix.shape}.",
            en=f"SOC-13 answers need 13 columns, one per item; got shape {matrix.shape}.",
        )
    answered = ~np.isnan(matrix)
    bad = answered & ((matrix < LOWEST) | (matrix > HIGHEST) | (matrix != np.round(matrix)))
    if bad.any():
        person, column = (int(i) for i in np.argwhere(bad)[0])
        item = column + 1
        raise AnswerError(
            sv=f"KASAM rad {person + 1}, fråga {item}: svaret ligger utanför skalan 1–7.",
            en=f"SOC-13 row {person + 1}, item {item}: the answer is outside the scale 1–7.",
            item=item,
        )
    reversed_columns = np.array([item in REVERSED_ITEMS for item in ITEMS])
    keyed = np.where(reversed_columns, HIGHEST + LOWEST - matrix, matrix)
    totals: npt.NDArray[np.float64] = keyed.sum(axis=1)  # NaN propagates: incomplete rows
    return totals
