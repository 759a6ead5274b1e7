"""Finding the rulebook that applies: stored versions first, the bundled presets second."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
        # parsed once per version, like a case's (the overview asks on every visit)
        return _parsed((version.pk, version.uploaded_at), version)
    return preset_in_force(organisation.slug, on)


# Parsed rulebooks by version (its id and upload time, which never change): versions are
# never edited (a change is a new version under a new key), so a version parsed once stays
# right and its TOML is read and parsed (15-40 ms) once per process, not once per case.
VersionId = tuple[int, dt.datetime]
_PARSED: dict[VersionId, Rulebook] = {}
# Within one request (see ``memo``): the version id of every key of each organisation
# looked up, read in one query, so a page over many cases (whatever their keys) asks the
# database once per organisation, not once per case or key. A key is unique within its
# organisation and an organisation holds a handful of versions.
_MEMO: ContextVar[dict[int, dict[str, VersionId | None]] | None] = ContextVar(
    "rulebook_memo", default=None
)


@contextmanager
def memo() -> Iterator[None]:
    """Remember which version each key names for the duration of the block (a request)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _parsed(version_id: VersionId, version: RulebookVersion | None = None) -> Rulebook:
    rulebook = _PARSED.get(version_id)
    if rulebook is None:
        version = version or RulebookVersion.objects.get(pk=version_id[0])
        rulebook = _PARSED[version_id] = version.rulebook
    return rulebook


def _version_id(organisation_id: int, key: str) -> VersionId | None:
    remembered = _MEMO.get()
    if remembered is None:
        return _stored_version_id(organisation_id, key)
    keys = remembered.get(organisation_id)
    if keys is None:
        keys = remembered[organisation_id] = {
            k: (pk, uploaded_at)
            for k, pk, uploaded_at in RulebookVersion.objects.filter(
                organisation_id=organisation_id
            ).values_list("key", "pk", "uploaded_at")
        }
    if key not in keys:
        # a bundled preset's key, or a version stored during this request
        keys[key] = _stored_version_id(organisation_id, key)
    return keys[key]


def _stored_version_id(organisation_id: int, key: str) -> VersionId | None:
    return (
        RulebookVersion.objects.filter(organisation_id=organisation_id, key=key)
        .values_list("pk", "uploaded_at")
        .first()
    )


def rulebook_by_key(organisation: Organisation | int, key: str) -> Rulebook:
    """The rulebook stored (or bundled) under ``key``; ``UnknownRulebookError`` if none."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    version_id = _version_id(organisation_id, key)
    if version_id is not None:
        return _parsed(version_id)
    return get_preset(key)


def rulebook_for(case: Any) -> Rulebook:
    """The rulebook ``case`` is pinned to: the one lookup every app uses.

    A case's key is set from an existing rulebook when it is created and versions are never
    removed, so a missing rulebook is an error (``UnknownRulebookError``), never a default.
    """
    return rulebook_by_key(case.organisation_id, case.rulebook_key)


__all__ = [
    "Call",
    "Intake",
    "UnknownRulebookError",
    "memo",
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
