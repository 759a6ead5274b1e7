"""Map field paths back to lines of a TOML text, so errors can say "line 12".

``tomllib`` gives values without positions; this scanner reads table headers and
``key = value`` lines (skipping multi-line strings and arrays) and records the line where
each path is first written. It is best effort: a path inside a multi-line array or an
inline table maps to the line of its key.
"""

from __future__ import annotations

from satsa.rules.problems import Loc

__all__ = ["line_for", "toml_paths"]


def _split_key(key: str) -> list[str]:
    """Split a dotted TOML key, honouring quotes: ``a."b.c"`` → ``["a", "b.c"]``."""
    parts: list[str] = []
    current = ""
    quote: str | None = None
    for char in key:
        if quote:
            if char == quote:
                quote = None
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


class _Scanner:
    def __init__(self) -> None:
        self.depth = 0  # open [ and { of a value that spans lines
        self.long_string: str | None = None  # the delimiter of an open multi-line string

    def scan_value(self, text: str) -> None:
        """Track brackets and multi-line strings over the value part of a line."""
        i = 0
        while i < len(text):
            if self.long_string:
                end = text.find(self.long_string, i)
                if end < 0:
                    return
                i = end + 3
                self.long_string = None
                continue
            char = text[i]
            if text.startswith(('"""', "'''"), i):
                self.long_string = text[i : i + 3]
                i += 3
            elif char in "\"'":
                i = self._skip_string(text, i)
            elif char == "#":
                return
            elif char in "[{":
                self.depth += 1
                i += 1
            elif char in "]}":
                self.depth = max(0, self.depth - 1)
                i += 1
            else:
                i += 1

    @staticmethod
    def _skip_string(text: str, start: int) -> int:
        quote = text[start]
        i = start + 1
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text[i] == quote:
                return i + 1
            i += 1
        return i


def _key_part(line: str) -> tuple[str, str] | None:
    """Split ``key = value`` at the first ``=`` outside quotes."""
    quote: str | None = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:i], line[i + 1 :]
    return None


def toml_paths(text: str) -> dict[Loc, int]:
    """Every table and key path of a TOML text, with the (1-based) line it starts on.

    >>> paths = toml_paths('id = "x"\\n[duration]\\nmax_years = 3\\n[[stages]]\\nid = "a"\\n'
    ...                    '[[stages]]\\nid = "b"\\n')
    >>> paths[("duration", "max_years")], paths[("stages", 1, "id")]
    (3, 7)
    """
    paths: dict[Loc, int] = {}
    arrays: dict[Loc, int] = {}
    table: Loc = ()
    scanner = _Scanner()

    def note(path: Loc, line: int) -> None:
        paths.setdefault(path, line)

    for number, raw in enumerate(text.splitlines(), start=1):
        if scanner.long_string or scanner.depth:
            scanner.scan_value(raw)
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            is_array = line.startswith("[[")
            inner = line[2:] if is_array else line[1:]
            close = inner.find("]]" if is_array else "]")
            segments = _split_key(inner[: close if close >= 0 else len(inner)])
            path: Loc = ()
            for index, segment in enumerate(segments):
                path = (*path, segment)
                if is_array and index == len(segments) - 1:
                    note(path, number)
                    arrays[path] = arrays.get(path, 0) + 1
                    path = (*path, arrays[path] - 1)
                elif path in arrays:
                    path = (*path, arrays[path] - 1)
            table = path
            note(table, number)
            continue
        split = _key_part(line)
        if split is None:
            continue
        key, value = split
        note((*table, *_split_key(key)), number)
        scanner.scan_value(value)
    return paths


def line_for(loc: Loc, paths: dict[Loc, int]) -> int | None:
    """The line of ``loc``, or of its nearest written ancestor; None when nothing matches.

    >>> line_for(("duration", "max_years", "x"), {("duration",): 2, ("duration", "max_years"): 3})
    3
    >>> line_for(("nowhere",), {("duration",): 2}) is None
    True
    """
    for end in range(len(loc), 0, -1):
        line = paths.get(loc[:end])
        if line is not None:
            return line
    return None
