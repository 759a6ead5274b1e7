"""Read rulebooks from TOML (files, text, the bundled presets) or from plain dicts.

Every way in ends in :class:`~satsa.rules.problems.RulebookError` when something is
wrong, with one :class:`~satsa.rules.problems.Problem` per fault: the field path, the
message and — for TOML — the line.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from satsa.rules.problems import CrossCheckError, Loc, Problem, RulebookError
from satsa.rules.schema import Rulebook
from satsa.rules.tomllines import line_for, toml_paths

__all__ = [
    "UnknownRulebookError",
    "get_preset",
    "load_rulebook",
    "parse_rulebook",
    "preset_ids",
    "preset_in_force",
    "preset_path",
    "presets",
    "resolve_rulebook",
    "rulebook_from_dict",
]

# Anchored at the parent package: importing the ``presets`` subpackage would replace the
# ``satsa.rules.presets`` function with the module of the same name.
PRESETS_PACKAGE = "satsa.rules"
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class UnknownRulebookError(LookupError):
    """No preset has this id (and it is not a readable ``.toml`` path either)."""

    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(preset_ids())
        super().__init__(f"unknown rulebook {name!r}; known presets: {known}")

    def __str__(self) -> str:
        return str(self.args[0])


def _problems(exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, CrossCheckError):
            problems += [Problem((*loc, *p.loc), p.message) for p in cause.problems]
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        kind = error["type"]
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}: the rulebook format has no such field"
        elif kind == "missing":
            message = "required field is missing"
        elif kind not in ("value_error", "assertion_error"):
            message = f"{message} (got {error['input']!r})"
        problems.append(Problem(loc, message))
    return problems


def rulebook_from_dict(data: Mapping[str, Any], *, source: str | None = None) -> Rulebook:
    """Validate a plain dict (parsed TOML, or JSON stored by the web application).

    >>> try:
    ...     rulebook_from_dict({"id": "x"})
    ... except RulebookError as err:
    ...     print(len(err.problems), "problems, first:", err.problems[0])
    10 problems, first: organisation: required field is missing
    """
    try:
        return Rulebook.model_validate(data)
    except ValidationError as exc:
        raise RulebookError(_problems(exc), source=source) from None


def parse_rulebook(text: str, *, source: str | None = None) -> Rulebook:
    """Parse and validate TOML text; errors carry line numbers where they can be found.

    >>> parse_rulebook('id = "x"\\nversion = "one"\\n')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    satsa.rules.problems.RulebookError: ...
      line 2: version: Input should be a valid integer, unable to parse string as an integer (got 'one')
    ...
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError([_syntax_problem(exc, text)], source=source) from None
    except RecursionError:
        # Hostile or broken input: arrays or tables nested thousands deep.
        raise RulebookError([Problem((), TOO_DEEP)], source=source) from None
    except ValueError:
        # An integer of thousands of digits exceeds Python's conversion limit.
        raise RulebookError([Problem((), TOO_LONG_NUMBER)], source=source) from None
    try:
        return Rulebook.model_validate(data)
    except ValidationError as exc:
        paths = toml_paths(text)
        problems = [Problem(p.loc, p.message, line_for(p.loc, paths)) for p in _problems(exc)]
        raise RulebookError(problems, source=source) from None
    except RecursionError:
        raise RulebookError([Problem((), TOO_DEEP)], source=source) from None


TOO_DEEP = "the rulebook is nested too deeply to be read"
TOO_LONG_NUMBER = "the rulebook contains a number with too many digits"


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)  # Python >= 3.14 has it
    match = _AT_LINE.search(message)
    if match:
        line = line or int(match.group(1))
        message = message[: match.start()]
    loc: Loc = ()
    if line is not None:
        # The key or table written last at or before the faulty line.
        before = [(n, path) for path, n in toml_paths(text).items() if n <= line]
        if before:
            loc = max(before, key=lambda item: (item[0], len(item[1])))[1]
    return Problem(loc, f"TOML syntax error: {message}", line)


def load_rulebook(source: str | os.PathLike[str] | Traversable) -> Rulebook:
    """Load a rulebook from a path or from TOML text.

    A ``str`` containing a newline or ``=`` is read as TOML text; any other ``str`` and
    any path object as a file name. Raises :class:`RulebookError` for invalid content
    and ``OSError`` when a file cannot be read.

    >>> rb = load_rulebook(preset_path("gavleborg-2018"))
    >>> rb.co_financing.min_share, rb.intake.yearly_deadline.month
    (0.5, 11)
    """
    if isinstance(source, str) and ("\n" in source or "=" in source):
        return parse_rulebook(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        raw = path.read_bytes()
    else:
        name = source.name
        raw = source.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulebookError([Problem((), f"not UTF-8 text: {exc}")], source=name) from None
    return parse_rulebook(text, source=name)


def _preset_files() -> dict[str, Traversable]:
    root = resources.files(PRESETS_PACKAGE) / "presets"
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in root.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }


def preset_path(preset_id: str) -> Traversable:
    """The bundled TOML file of a preset (works from an installed wheel too)."""
    files = _preset_files()
    if preset_id not in files:
        raise UnknownRulebookError(preset_id)
    return files[preset_id]


def preset_ids() -> list[str]:
    """The ids of the bundled presets, sorted.

    >>> preset_ids()
    ['gavleborg-2018', 'orebro-2016', 'orebro-2020', 'uppsala-2016']
    """
    return sorted(_preset_files())


@functools.cache
def get_preset(preset_id: str) -> Rulebook:
    """A bundled preset by id; :class:`UnknownRulebookError` when there is none.

    >>> get_preset("uppsala-2016").idea.answer_within_days
    30
    >>> get_preset("stockholm-2030")
    Traceback (most recent call last):
    ...
    satsa.rules.loading.UnknownRulebookError: unknown rulebook 'stockholm-2030'; known presets: gavleborg-2018, orebro-2016, orebro-2020, uppsala-2016
    """
    return load_rulebook(preset_path(preset_id))


def presets() -> list[Rulebook]:
    """Every bundled preset, in id order."""
    return [get_preset(preset_id) for preset_id in preset_ids()]


def preset_in_force(organisation: str, on: dt.date) -> Rulebook | None:
    """The organisation's preset in force on a date (the latest one valid then), if any.

    A case keeps the rulebook it was decided under; this finds that rulebook.

    >>> preset_in_force("orebro", dt.date(2017, 5, 1)).id
    'orebro-2016'
    >>> preset_in_force("orebro", dt.date(2021, 1, 1)).id
    'orebro-2020'
    >>> preset_in_force("orebro", dt.date(2010, 1, 1)) is None
    True
    """
    candidates = [
        rb
        for rb in presets()
        if rb.organisation == organisation
        and rb.valid_from <= on
        and (rb.valid_until is None or on <= rb.valid_until)
    ]
    return max(candidates, key=lambda rb: (rb.valid_from, rb.version), default=None)


def resolve_rulebook(name: str | os.PathLike[str]) -> Rulebook:
    """A preset id or the path of a ``.toml`` file, as the CLI's ``--rulebook`` takes it.

    >>> resolve_rulebook("orebro-2020").id
    'orebro-2020'
    """
    if isinstance(name, str) and name in _preset_files():
        return get_preset(name)
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return load_rulebook(path)
    raise UnknownRulebookError(str(name))
