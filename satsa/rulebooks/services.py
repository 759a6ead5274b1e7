"""Uploading rulebook versions: validate the TOML fully, then store it and record an event."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from satsa.events.services import event_record
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm
from satsa.rulebooks.models import RulebookVersion
from satsa.rules import Problem, Rulebook, RulebookError, parse_rulebook, preset_path
from satsa.rules.loading import TOO_DEEP, TOO_LONG_NUMBER
from satsa.types import Actor


class RulebookUploadError(Exception):
    """The uploaded rulebook cannot be stored; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _in_swedish(problem: Problem) -> Problem:
    """The pure rules package speaks English; refusals of hostile files reach the screen."""
    swedish = {
        TOO_DEEP: _("Regelboken är för djupt nästlad för att kunna läsas."),
        TOO_LONG_NUMBER: _("Regelboken innehåller ett tal med för många siffror."),
    }
    if problem.message in swedish:
        return Problem(problem.loc, swedish[problem.message], problem.line)
    return problem


def check_rulebook_upload(*, organisation: Organisation, toml_text: str) -> Rulebook:
    try:
        rulebook = parse_rulebook(toml_text)
    except RulebookError as error:
        raise RulebookUploadError([_in_swedish(p) for p in error.problems]) from None
    problems = []
    if rulebook.organisation != organisation.slug:
        problems.append(
            Problem(
                ("organisation",),
                _("Regelboken gäller %(other)s, inte %(slug)s.")
                % {"other": rulebook.organisation, "slug": organisation.slug},
            )
        )
    if RulebookVersion.objects.filter(organisation=organisation, key=rulebook.id).exists():
        problems.append(
            Problem(
                ("id",),
                _("Id %(id)s finns redan. En ny version behöver ett nytt id.")
                % {"id": rulebook.id},
            )
        )
    if problems:
        raise RulebookUploadError(problems)
    return rulebook


def rulebook_version_upload(
    *, organisation: Organisation, toml_text: str, actor: Actor
) -> RulebookVersion:
    rulebook = check_rulebook_upload(organisation=organisation, toml_text=toml_text)
    with transaction.atomic():
        version = RulebookVersion.objects.create(
            organisation=organisation,
            key=rulebook.id,
            title=rulebook.title,
            version=rulebook.version,
            valid_from=rulebook.valid_from,
            source_toml=toml_text,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="rulebook.uploaded",
            target=version,
            organisation=organisation,
            data={
                "key": rulebook.id,
                "version": rulebook.version,
                "valid_from": rulebook.valid_from,
            },
        )
    return version


def rulebook_presets_install(*, organisation: Organisation, actor: Actor) -> list[RulebookVersion]:
    """Store every bundled preset written for this organisation that is not stored yet."""
    require_perm(actor, organisation, Perm.MANAGE_RULEBOOKS)
    from satsa.rules.loading import presets  # satsa.rules.presets is also a subpackage

    installed = []
    for rulebook in presets():
        if rulebook.organisation != organisation.slug:
            continue
        if RulebookVersion.objects.filter(organisation=organisation, key=rulebook.id).exists():
            continue
        text = preset_path(rulebook.id).read_text(encoding="utf-8")
        installed.append(
            rulebook_version_upload(organisation=organisation, toml_text=text, actor=actor)
        )
    return installed
