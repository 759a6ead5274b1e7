"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import satsa

LOCALE = Path(satsa.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def entries() -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr) of every singular entry of the .po file (header excluded)."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if not match:
            continue
        msgid, msgstr = ("".join(re.findall(r'"(.*)"', g)) for g in match.groups())
        if msgid:
            flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
            found.append((flags, msgid, msgstr))
    return found


def unescape(value: str) -> str:
    return value.encode("latin-1", "backslashreplace").decode("unicode_escape")


def test_every_string_has_a_checked_english_translation() -> None:
    missing = [msgid for flags, msgid, msgstr in entries() if not msgstr or "fuzzy" in flags]
    assert missing == [], "run makemessages -l en and translate these"


def test_the_compiled_catalogue_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for _, msgid, msgstr in entries()
        if catalogue.gettext(unescape(msgid)) != unescape(msgstr)
    ]
    assert stale == [], "run satsa compilemessages"
