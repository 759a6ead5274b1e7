"""Problems found in a rulebook: where they are and what is wrong.

A :class:`Problem` names where (field path and, for a TOML file, the line) and what is
wrong; :class:`RulebookError` carries all of them, so an editor sees every field error at
once. The checks that span several parts (citations, guards) live with the schema in
``satsa.rules.schema`` and run once every field is valid.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CrossCheckError", "Loc", "Problem", "RulebookError", "format_loc"]

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """A field path as people write it.

    >>> format_loc(("criteria", "selection", "items", 2, "weight"))
    'criteria.selection.items[2].weight'
    >>> format_loc(())
    '(rulebook)'
    """
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(rulebook)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rulebook: where (``loc``, ``line``) and what (``message``).

    >>> str(Problem(loc=("duration", "max_years"), message="too big", line=12))
    'line 12: duration.max_years: too big'
    """

    loc: Loc
    message: str
    line: int | None = None

    @property
    def path(self) -> str:
        """The field path, e.g. ``criteria.selection.items[2].weight``."""
        return format_loc(self.loc)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}"


class RulebookError(ValueError):
    """A rulebook could not be read or is invalid; ``problems`` lists every fault.

    >>> err = RulebookError([Problem(("id",), "missing", 1), Problem(("title",), "missing")])
    >>> print(err)
    2 problems in the rulebook:
      line 1: id: missing
      title: missing
    """

    def __init__(self, problems: list[Problem], *, source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        where = f" in {self.source}" if self.source else " in the rulebook"
        lines = [f"{count} {noun}{where}:"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


class CrossCheckError(ValueError):
    """Raised inside validation when rules that span parts of a rulebook disagree."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
