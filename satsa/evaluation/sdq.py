"""SDQ (Strengths and Difficulties Questionnaire): validating imported scale scores.

The SDQ's rights holder (Youthinmind) does not allow electronic versions of the
questionnaire to be made without permission, so Satsa does not reproduce the items or
score answers. It imports the SCALE SCORES that the municipality has produced under its
own licence (on paper or with the licensed scoring service) and checks them here:

- emotional symptoms, conduct problems, hyperactivity/inattention, peer relationship
  problems and prosocial behaviour: whole numbers 0–10;
- total difficulties: a whole number 0–40, the sum of the four difficulty scales (not
  prosocial). When all four are given it must equal their sum, and it is derived from
  them when absent; when some are missing it must at least be reachable from the ones
  given.

Any score that is out of range, not a whole number, inconsistent or unknown is refused
with :class:`AnswerError`, in Swedish and English.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from satsa.evaluation.errors import AnswerError

__all__ = ["DIFFICULTY_SCALES", "SCALES", "SdqScores", "validate_sdq"]

#: scale key → (Swedish name, English name, highest score); every scale starts at 0.
SCALES: dict[str, tuple[str, str, int]] = {
    "emotional_symptoms": ("emotionella symtom", "emotional symptoms", 10),
    "conduct_problems": ("uppförandeproblem", "conduct problems", 10),
    "hyperactivity_inattention": (
        "hyperaktivitet/uppmärksamhetsbrist",
        "hyperactivity/inattention",
        10,
    ),
    "peer_problems": ("kamratproblem", "peer relationship problems", 10),
    "prosocial": ("prosocialt beteende", "prosocial behaviour", 10),
    "total_difficulties": ("total svårighetspoäng", "total difficulties", 40),
}
DIFFICULTY_SCALES: tuple[str, ...] = (
    "emotional_symptoms",
    "conduct_problems",
    "hyperactivity_inattention",
    "peer_problems",
)


@dataclass(frozen=True)
class SdqScores:
    """One validated set of SDQ scale scores; ``None`` where a scale was not given."""

    emotional_symptoms: int | None
    conduct_problems: int | None
    hyperactivity_inattention: int | None
    peer_problems: int | None
    prosocial: int | None
    total_difficulties: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _refuse(scale: str, sv: str, en: str) -> AnswerError:
    name_sv, name_en, _ = SCALES[scale]
    return AnswerError(sv=f"SDQ {name_sv}: {sv}", en=f"SDQ {name_en}: {en}", item=scale)


def _check_score(scale: str, value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    highest = SCALES[scale][2]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _refuse(
            scale,
            f"poängen måste vara ett heltal 0–{highest}, fick {value!r}.",
            f"the score must be a whole number 0–{highest}, got {value!r}.",
        )
    number = float(value)
    if not (math.isfinite(number) and number.is_integer()):
        raise _refuse(
            scale,
            f"poängen måste vara ett heltal, fick {value!r}.",
            f"the score must be a whole number, got {value!r}.",
        )
    if not 0 <= number <= highest:
        raise _refuse(
            scale,
            f"poängen {value!r} ligger utanför skalan 0–{highest}.",
            f"the score {value!r} is outside the scale 0–{highest}.",
        )
    return int(number)


def validate_sdq(scores: Mapping[str, object]) -> SdqScores:
    """Check one person's imported SDQ scale scores.

    Parameters
    ----------
    scores : mapping
        Scale key (see :data:`SCALES`) → score; ``None`` or an absent key for a
        scale that was not scored.

    Returns
    -------
    SdqScores
        The scores as ints; ``total_difficulties`` derived from the four difficulty
        scales when it is absent and they are all given.

    Raises
    ------
    AnswerError
        For an unknown scale, a score out of range or not a whole number, or a total
        that does not match the difficulty scales.

    Examples
    --------
    >>> validate_sdq({"emotional_symptoms": 3, "conduct_problems": 2,
    ...               "hyperactivity_inattention": 6, "peer_problems": 1,
    ...               "prosocial": 8}).total_difficulties
    12
    >>> validate_sdq({"emotional_symptoms": 11})
    Traceback (most recent call last):
    ...
    satsa.evaluation.errors.AnswerError: SDQ emotionella symtom: poängen 11 ligger utanför skalan 0–10. / SDQ emotional symptoms: the score 11 is outside the scale 0–10.
    """
    unknown = sorted(str(key) for key in scores if key not in SCALES)
    if unknown:
        known = ", ".join(SCALES)
        raise AnswerError(
            sv=f"SDQ: okänd skala '{unknown[0]}'; kända skalor är {known}.",
            en=f"SDQ: unknown scale '{unknown[0]}'; known scales are {known}.",
            item=unknown[0],
        )
    checked = {scale: _check_score(scale, scores.get(scale)) for scale in SCALES}
    given = [checked[s] for s in DIFFICULTY_SCALES if checked[s] is not None]
    known_sum = sum(v for v in given if v is not None)
    unscored = len(DIFFICULTY_SCALES) - len(given)
    total = checked["total_difficulties"]
    if total is None:
        if unscored == 0:
            checked["total_difficulties"] = known_sum
    elif unscored == 0 and total != known_sum:
        raise _refuse(
            "total_difficulties",
            f"{total} stämmer inte med summan av de fyra svårighetsskalorna ({known_sum}).",
            f"{total} does not match the sum of the four difficulty scales ({known_sum}).",
        )
    elif not known_sum <= total <= known_sum + 10 * unscored:
        raise _refuse(
            "total_difficulties",
            (
                f"{total} kan inte vara summan av de fyra svårighetsskalorna: de givna ger "
                f"{known_sum} och de {unscored} saknade kan ge högst {10 * unscored} till."
            ),
            (
                f"{total} cannot be the sum of the four difficulty scales: those given add "
                f"up to {known_sum} and the {unscored} missing can add at most "
                f"{10 * unscored}."
            ),
        )
    return SdqScores(**checked)
