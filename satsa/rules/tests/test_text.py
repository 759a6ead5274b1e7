"""The rulebook as text (``satsa rules show``): labels a person reads, numbers as Satsa
writes them in the language asked for."""

from __future__ import annotations

from satsa.rules import get_preset
from satsa.rules.schema import GUARDS
from satsa.rules.text import render_rulebook


def test_guards_are_shown_by_their_label_not_their_code() -> None:
    rulebook = get_preset("orebro-2020")
    for lang, index in (("sv", 0), ("en", 1)):
        text = render_rulebook(rulebook, lang)
        for stage in rulebook.decision_chain:
            for guard in stage.guards:
                assert f"[{guard}]" not in text
                assert GUARDS[guard][index] in text


def test_decimals_are_written_in_the_languages_way() -> None:
    base = get_preset("orebro-2020")
    rulebook = base.model_copy(
        update={"duration": base.duration.model_copy(update={"typical_years": 2.5})}
    )
    assert "vanligen 2,5" in render_rulebook(rulebook, "sv")
    assert "typically 2.5" in render_rulebook(rulebook, "en")
