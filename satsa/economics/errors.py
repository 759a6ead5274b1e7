"""Named errors of the calculation engine: every problem found in a case, where and why.

The package cannot use Django's gettext, so each issue carries a Swedish and an English
message; screens pick one by the active language, the CLI by ``--lang``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CalculationError", "Issue"]


@dataclass(frozen=True)
class Issue:
    """One problem in a case: the path of the field at fault and why, in two languages.

    ``path`` names the field the way one would reach it in the JSON, e.g.
    ``effects[0].deadweight`` or ``repayment.realised_savings.Socialnämnden``; the empty
    path means the case as a whole.

    Examples
    --------
    >>> issue = Issue("effects[0].deadweight", sv="måste ligga mellan 0 och 1, fick 1.2",
    ...               en="must be between 0 and 1, got 1.2")
    >>> str(issue)
    'effects[0].deadweight: måste ligga mellan 0 och 1, fick 1.2'
    >>> issue.message("en")
    'must be between 0 and 1, got 1.2'
    """

    path: str
    sv: str
    en: str

    def message(self, language: str = "sv") -> str:
        """The message in ``language`` ("sv" or "en"; anything else gives Swedish)."""
        return self.en if language == "en" else self.sv

    def describe(self, language: str = "sv") -> str:
        """``path: message`` in ``language``; the case as a whole is named ``(case)``."""
        where = self.path or ("(case)" if language == "en" else "(kalkylen)")
        return f"{where}: {self.message(language)}"

    def as_dict(self) -> dict[str, str]:
        """The issue as plain JSON-ready data: ``{"path", "sv", "en"}``."""
        return {"path": self.path, "sv": self.sv, "en": self.en}

    def __str__(self) -> str:
        return self.describe("sv")


class CalculationError(ValueError):
    """A case cannot be calculated; ``issues`` lists every problem found, in input order.

    Examples
    --------
    >>> err = CalculationError([Issue("start_year", sv="saknas", en="is missing")])
    >>> [issue.path for issue in err.issues]
    ['start_year']
    >>> str(err)
    'start_year: saknas'
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    def paths(self) -> list[str]:
        """The paths of all issues, in order (handy in tests and API responses)."""
        return [issue.path for issue in self.issues]
