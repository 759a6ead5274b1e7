"""Files made in the background: asked for by a person, built by the tasks worker, kept in
Django's storage (so any app server can hand them out) and given only to the person who
asked, while they still hold the permission the file needs."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.events.actors import system_actor
from satsa.events.services import event_record
from satsa.files.models import BackgroundFile
from satsa.files.registry import kind_of
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, require_perm
from satsa.types import Actor

logger = logging.getLogger(__name__)
# What a person may keep waiting at once in one organisation.
MAX_WAITING = 5


def file_request(
    *, organisation: Organisation, kind: str, params: Mapping[str, str], actor: Actor
) -> BackgroundFile:
    """Queue the file ``kind`` for ``actor``; the worker makes it after the commit."""
    spec = kind_of(kind)
    if spec is None:
        raise ValidationError(_("Den filen finns inte att beställa."))
    require_perm(actor, organisation, spec.perm)
    clean = {name: str(params[name])[:100] for name in spec.params if params.get(name)}
    with transaction.atomic():
        waiting = BackgroundFile.objects.select_for_update().filter(
            organisation=organisation,
            requested_by=actor,
            status__in=[BackgroundFile.Status.QUEUED, BackgroundFile.Status.RUNNING],
        )
        if len(waiting) >= MAX_WAITING:
            raise ValidationError(
                _("Du har redan %(n)s filer som skapas. Vänta tills någon av dem är klar.")
                % {"n": MAX_WAITING}
            )
        made = BackgroundFile.objects.create(
            organisation=organisation, requested_by=actor, kind=kind, params=clean
        )
        event_record(
            actor=actor,
            verb="files.requested",
            target=made,
            organisation=organisation,
            data={"kind": kind, "params": clean},
        )
        transaction.on_commit(lambda: _enqueue(made.pk))
    return made


def _enqueue(pk: int) -> None:
    from satsa.files.tasks import file_make_task

    file_make_task.enqueue(pk)


def _finish(pk: int, **fields: object) -> BackgroundFile:
    with transaction.atomic():
        made = BackgroundFile.objects.select_for_update().get(pk=pk)
        for name, value in fields.items():
            setattr(made, name, value)
        made.finished_at = timezone.now()
        made.save()
        done = made.status == BackgroundFile.Status.DONE
        event_record(
            actor=system_actor(),
            verb="files.made" if done else "files.failed",
            target=made,
            organisation=made.organisation,
            data={"kind": made.kind},
        )
    return made


def file_make(pk: int) -> BackgroundFile:
    """Build the queued file ``pk`` (the worker's part). A file already taken by another
    worker is left alone; the person's permission is checked again, since a role may
    have ended while the file waited."""
    with transaction.atomic():
        made = (
            BackgroundFile.objects.select_for_update()
            .select_related("organisation", "requested_by")
            .get(pk=pk)
        )
        if made.status != BackgroundFile.Status.QUEUED:
            return made
        made.status = BackgroundFile.Status.RUNNING
        made.save(update_fields=["status"])
    spec = kind_of(made.kind)
    try:
        if spec is None:
            raise ValueError(f"no file kind {made.kind!r} is registered")
        require_perm(made.requested_by, made.organisation, spec.perm)
        content, filename, content_type = spec.build(made.organisation, made.params)
    except NotPermitted:
        return _finish(
            pk,
            status=BackgroundFile.Status.FAILED,
            error=_("Du har inte längre behörighet till den här filen."),
        )
    except Exception:
        logger.exception("background file %s (%s) failed", pk, made.kind)
        return _finish(
            pk,
            status=BackgroundFile.Status.FAILED,
            error=_("Filen kunde inte skapas. Försök igen, eller kontakta Satsas förvaltare."),
        )
    stored = ContentFile(content)
    made.file.save(filename, stored, save=False)
    return _finish(
        pk,
        status=BackgroundFile.Status.DONE,
        file=made.file.name,
        filename=filename,
        content_type=content_type,
    )


def file_for_download(*, pk: int, organisation: Organisation, actor: Actor) -> BackgroundFile:
    """The finished file ``pk`` if ``actor`` asked for it and still holds its permission;
    otherwise ``BackgroundFile.DoesNotExist`` (nothing is revealed about others' files)."""
    made = BackgroundFile.objects.get(
        pk=pk,
        organisation=organisation,
        requested_by_id=getattr(actor, "pk", None),
        status=BackgroundFile.Status.DONE,
    )
    spec = kind_of(made.kind)
    if spec is None or not has_perm(actor, organisation, spec.perm):
        raise BackgroundFile.DoesNotExist
    return made
