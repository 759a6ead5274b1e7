"""The decision chain as a plain function: which guards still stop a case from moving on.

The web application decides whether each guard holds for a case (is the application
complete, have the department heads signed …) and asks this module what is missing.

>>> from satsa.rules import get_preset
>>> rb = get_preset("orebro-2020")
>>> missing_guards(rb, "signatures", {"department_heads_signed"})
['partner_managers_signed']
>>> guard_text("partner_managers_signed", "en")
'The managers of taking-part civil-society and other public actors have signed the application.'
"""

from __future__ import annotations

from collections.abc import Iterable

from satsa.rules.schema import GUARDS, Rulebook

__all__ = ["guard_text", "missing_guards"]


def missing_guards(rulebook: Rulebook, stage_id: str, holding: Iterable[str]) -> list[str]:
    """The guards of stage ``stage_id`` that are not in ``holding``, in the stage's order.

    An empty list means the case may move to the next stage. Raises ``KeyError`` for an
    unknown stage.
    """
    held = set(holding)
    return [guard for guard in rulebook.stage(stage_id).guards if guard not in held]


def guard_text(code: str, language: str = "sv") -> str:
    """What a guard means, in Swedish (default) or English; ``KeyError`` if unknown."""
    sv, en = GUARDS[code]
    return en if language == "en" else sv
