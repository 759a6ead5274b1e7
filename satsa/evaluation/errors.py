"""Named errors of the evaluation package, each carrying a Swedish and an English message.

The package cannot use Django's gettext, so every error holds both texts: screens pick
``error.sv`` or ``error.en`` by the active language, logs and the CLI use ``str(error)``
(Swedish first). No message ever contains a person's identifier or a suppressed count.
"""

from __future__ import annotations

__all__ = [
    "AnswerError",
    "CsvError",
    "EvaluationError",
    "SmallGroupError",
]


class EvaluationError(ValueError):
    """Base class: invalid input for an evaluation, with a message in Swedish and English.

    Examples
    --------
    >>> err = EvaluationError(sv="Fel i indata.", en="Bad input.")
    >>> str(err)
    'Fel i indata. / Bad input.'
    >>> err.en
    'Bad input.'
    """

    def __init__(self, *, sv: str, en: str) -> None:
        super().__init__(f"{sv} / {en}")
        self.sv = sv
        self.en = en

    def message(self, language: str = "sv") -> str:
        """The message in ``language`` ("sv" or "en"; anything else gives Swedish)."""
        return self.en if language == "en" else self.sv


class SmallGroupError(EvaluationError):
    """An estimate would rest on a group smaller than ``MIN_GROUP_SIZE``.

    The message names the group and the minimum, never the group's actual size (that
    size is itself a small count that must not be shown).

    Examples
    --------
    >>> err = SmallGroupError("control, baseline", minimum=5)
    >>> err.en
    "The group 'control, baseline' has fewer than 5 people; no estimate is shown for groups smaller than 5."
    """

    def __init__(self, group: str, *, minimum: int) -> None:
        super().__init__(
            sv=(
                f"Gruppen '{group}' har färre än {minimum} personer; inga skattningar visas "
                f"för grupper mindre än {minimum}."
            ),
            en=(
                f"The group '{group}' has fewer than {minimum} people; no estimate is shown "
                f"for groups smaller than {minimum}."
            ),
        )
        self.group = group
        self.minimum = minimum


class AnswerError(EvaluationError):
    """An instrument's answer or imported score is out of range or inconsistent."""

    def __init__(self, *, sv: str, en: str, item: str | int | None = None) -> None:
        super().__init__(sv=sv, en=en)
        self.item = item


class CsvError(EvaluationError):
    """A row or column of an imported CSV file is wrong.

    ``row`` counts lines as a spreadsheet does (the header is row 1); ``column`` is the
    column's name, or ``None`` when the whole row is at fault.

    Examples
    --------
    >>> err = CsvError(row=3, column="value", sv="inte ett tal", en="not a number")
    >>> err.en
    "row 3, column 'value': not a number"
    """

    def __init__(self, *, row: int, column: str | None, sv: str, en: str) -> None:
        where_sv = f"rad {row}" + (f", kolumn '{column}'" if column else "")
        where_en = f"row {row}" + (f", column '{column}'" if column else "")
        super().__init__(sv=f"{where_sv}: {sv}", en=f"{where_en}: {en}")
        self.row = row
        self.column = column
