"""Turn the rules package's plain-text rendering of a rulebook into headed, nested lists.

The text renderer (``satsa.rules.text.render_rulebook``) is the one place that explains a
rulebook in words, for the CLI and the web alike; here its outline becomes HTML structure:
an unindented line after a blank line is a heading, indentation is list nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from satsa.rules import Rulebook
from satsa.rules.text import render_rulebook


@dataclass
class Item:
    text: str
    children: list[Item] = field(default_factory=list)


@dataclass
class Part:
    heading: str
    items: list[Item] = field(default_factory=list)


def rulebook_outline(rulebook: Rulebook, language: str) -> tuple[str, list[str], list[Part]]:
    """(title, intro paragraphs, parts) of the rulebook in ``language`` ("sv" or "en")."""
    lines = render_rulebook(rulebook, "en" if language == "en" else "sv").splitlines()
    title, intro, parts = lines[0], list[str](), list[Part]()
    previous_blank = False
    for raw in lines[1:]:
        if not raw.strip():
            previous_blank = True
            continue
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        text = raw.strip().removeprefix("- ")
        if depth == 0 and previous_blank and parts is not None and (parts or intro):
            parts.append(Part(heading=text))
        elif depth == 0 and not parts:
            intro.append(text)
        else:
            _append(parts[-1].items, Item(text), max(depth - 1, 0))
        previous_blank = False
    return title, intro, parts


def _append(items: list[Item], item: Item, depth: int) -> None:
    while depth > 0 and items:
        items = items[-1].children
        depth -= 1
    items.append(item)
