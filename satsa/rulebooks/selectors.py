"""Finding the rulebook that applies: stored versions first, the bundled presets second."""

from __future__ import annotations

import datetime as dt

from satsa.orgs.models import Organisation
from satsa.rulebooks.models import RulebookVersion
from satsa.rules import Rulebook, get_preset, preset_in_force
from satsa.rules.loading import UnknownRulebookError


def versions_of(organisation: Organisation) -> list[RulebookVersion]:
    return list(RulebookVersion.objects.filter(organisation=organisation))


def version_in_force(organisation: Organisation, on: dt.date) -> RulebookVersion | None:
    return (
        RulebookVersion.objects.filter(organisation=organisation, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )


def rulebook_in_force(organisation: Organisation, on: dt.date) -> Rulebook | None:
    """The rulebook a new idea registered on ``on`` is pinned to."""
    version = version_in_force(organisation, on)
    if version is not None:
        return version.rulebook
    return preset_in_force(organisation.slug, on)


def rulebook_by_key(organisation: Organisation, key: str) -> Rulebook:
    """The rulebook a case is pinned to; ``UnknownRulebookError`` if there is none."""
    version = RulebookVersion.objects.filter(organisation=organisation, key=key).first()
    if version is not None:
        return version.rulebook
    return get_preset(key)


__all__ = [
    "UnknownRulebookError",
    "rulebook_by_key",
    "rulebook_in_force",
    "version_in_force",
    "versions_of",
]
