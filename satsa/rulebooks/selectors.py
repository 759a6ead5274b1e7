"""Finding the rulebook that applies: stored versions first, the bundled presets second."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

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


# Parsed rulebooks by the hash of their TOML: versions are never edited (a change is a new
# version), so a text parsed once stays right, and parsing (15-40 ms) happens once per text.
_PARSED: dict[str, Rulebook] = {}


def _parsed(version: RulebookVersion) -> Rulebook:
    digest = hashlib.sha256(f"{version.key}\0{version.source_toml}".encode()).hexdigest()
    rulebook = _PARSED.get(digest)
    if rulebook is None:
        rulebook = _PARSED[digest] = version.rulebook
    return rulebook


def rulebook_by_key(organisation: Organisation, key: str) -> Rulebook:
    """The rulebook stored (or bundled) under ``key``; ``UnknownRulebookError`` if none."""
    version = RulebookVersion.objects.filter(organisation=organisation, key=key).first()
    if version is not None:
        return _parsed(version)
    return get_preset(key)


def rulebook_for(case: Any) -> Rulebook:
    """The rulebook ``case`` is pinned to: the one lookup every app uses.

    A case's key is set from an existing rulebook when it is created and versions are never
    removed, so a missing rulebook is an error (``UnknownRulebookError``), never a default.
    """
    return rulebook_by_key(case.organisation, case.rulebook_key)


__all__ = [
    "UnknownRulebookError",
    "rulebook_by_key",
    "rulebook_for",
    "rulebook_in_force",
    "version_in_force",
    "versions_of",
]
