"""Finding the rulebook that applies: stored versions first, the bundled presets second."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

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
    "Call",
    "Intake",
    "UnknownRulebookError",
    "open_intake",
    "rulebook_by_key",
    "rulebook_for",
    "rulebook_in_force",
    "version_in_force",
    "versions_of",
]


# --- intake: continuous, or rounds with deadlines ---------------------------------------


@dataclass(frozen=True)
class Call:
    """An application round with its deadline."""

    name: str
    deadline: dt.date
    opens: dt.date | None = None


@dataclass(frozen=True)
class Intake:
    """How the organisation takes in applications now: continuously, or in rounds."""

    continuous: bool
    text: str
    calls: list[Call] = field(default_factory=list)
    rulebook_title: str = ""


def open_intake(organisation: Organisation, today: dt.date | None = None) -> Intake | None:
    """The intake rule of the rulebook in force, with the rounds whose deadline is ahead.

    None when the organisation has no rulebook.
    """
    today = today or timezone.localdate()
    rulebook = rulebook_in_force(organisation, today)
    if rulebook is None:
        return None
    intake = rulebook.intake
    calls = [
        Call(name=r.name_sv, deadline=r.deadline, opens=r.opens)
        for r in intake.rounds
        if r.deadline >= today
    ]
    if intake.yearly_deadline is not None:
        deadline = intake.yearly_deadline.in_year(today.year)
        if deadline < today:
            deadline = intake.yearly_deadline.in_year(today.year + 1)
        calls.append(Call(name=f"Ansökningsomgång {deadline.year}", deadline=deadline))
    calls.sort(key=lambda c: c.deadline)
    return Intake(
        continuous=intake.mode == "continuous",
        text=intake.text_sv,
        calls=calls,
        rulebook_title=rulebook.title,
    )
