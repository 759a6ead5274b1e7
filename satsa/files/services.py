"""Files handled in the background. An export is asked for by a person, built by the tasks
worker, kept in Django's storage (so any app server can hand it out) and given only to the
person who asked, while they still hold the permission the file needs. An import is an
upload kept in Django's storage (so any worker can read it), imported by the worker through
the owning app's service as the person who uploaded it, and deleted once it has run."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from pathlib import PurePath

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.events.actors import system_actor
from satsa.events.services import event_record
from satsa.files.models import BackgroundFile
from satsa.files.registry import ImportRefused, import_kind_of, kind_of
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, require_perm
from satsa.types import Actor

logger = logging.getLogger(__name__)
# What a person may keep waiting at once in one organisation (exports and imports).
MAX_WAITING = 5
# The per-row messages a refused import keeps (the rest are counted).
MAX_PROBLEMS = 100


def _check_waiting(*, organisation: Organisation, actor: Actor) -> None:
    """Inside the caller's transaction: the person's waiting files are locked and counted."""
    waiting = BackgroundFile.objects.select_for_update().filter(
        organisation=organisation,
        requested_by=actor,
        status__in=[BackgroundFile.Status.QUEUED, BackgroundFile.Status.RUNNING],
    )
    if len(waiting) >= MAX_WAITING:
        raise ValidationError(
            _("Du har redan %(n)s filer som väntar. Vänta tills någon av dem är klar.")
            % {"n": MAX_WAITING}
        )


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
        _check_waiting(organisation=organisation, actor=actor)
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
    """Record the end of a made file or an import (its ``fields``: status, error, ...) and
    its event; an import's upload is forgotten, as it has been deleted from storage."""
    with transaction.atomic():
        made = BackgroundFile.objects.select_for_update().get(pk=pk)
        for name, value in fields.items():
            setattr(made, name, value)
        if made.is_import:
            made.file = ""
        made.finished_at = timezone.now()
        made.save()
        done = made.status == BackgroundFile.Status.DONE
        if made.is_import:
            verb = "files.imported" if done else "files.import_failed"
            data = {"kind": made.kind, **({"result": made.result} if done else {})}
        else:
            verb = "files.made" if done else "files.failed"
            data = {"kind": made.kind}
        event_record(
            actor=system_actor(),
            verb=verb,
            target=made,
            organisation=made.organisation,
            data=data,
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
        is_import=False,
    )
    spec = kind_of(made.kind)
    if spec is None or not has_perm(actor, organisation, spec.perm):
        raise BackgroundFile.DoesNotExist
    return made


# --- imports ----------------------------------------------------------------------------------


def import_request(
    *,
    organisation: Organisation,
    kind: str,
    params: Mapping[str, str],
    upload: File,
    filename: str,
    actor: Actor,
) -> BackgroundFile:
    """Keep ``upload`` in storage and queue its import for ``actor``; the worker imports it
    after the commit (at once, with the immediate tasks backend). Raises NotPermitted when
    the person may not import there, ValidationError (Swedish) when the import cannot start."""
    spec = import_kind_of(kind)
    if spec is None:
        raise ValidationError(_("Den importen finns inte."))
    clean = {name: str(params[name])[:100] for name in spec.params if params.get(name)}
    try:
        subject = spec.authorise(actor, organisation, clean)
    except ObjectDoesNotExist as error:
        raise ValidationError(_("Det du vill importera till finns inte.")) from error
    if spec.ready is not None:
        spec.ready()
    # The stored name is made up: the person's file name stays in the record only.
    suffix = PurePath(filename).suffix.lower()[:10]
    made = BackgroundFile(
        organisation=organisation,
        requested_by=actor,
        kind=kind,
        is_import=True,
        params=clean,
        subject=subject[:300],
        filename=PurePath(filename).name[:200],
    )
    # Stored before the transaction, so no lock waits on the upload to the storage.
    made.file.save(f"import-{uuid.uuid4().hex}{suffix}", upload, save=False)
    try:
        with transaction.atomic():
            _check_waiting(organisation=organisation, actor=actor)
            made.save()
            event_record(
                actor=actor,
                verb="files.import_requested",
                target=made,
                organisation=organisation,
                data={"kind": kind, "params": clean},
            )
            transaction.on_commit(lambda: _enqueue_import(made.pk))
    except BaseException:
        # Nothing of a refused request stays in storage.
        made.file.delete(save=False)
        raise
    return made


def _enqueue_import(pk: int) -> None:
    from satsa.files.tasks import import_run_task

    import_run_task.enqueue(pk)


def _problems(messages: list[str]) -> list[str]:
    if len(messages) <= MAX_PROBLEMS:
        return list(messages)
    rest = len(messages) - MAX_PROBLEMS
    return [*messages[:MAX_PROBLEMS], _("… och %(n)d fel till.") % {"n": rest}]


def import_run(pk: int) -> BackgroundFile:
    """Import the queued upload ``pk`` (the worker's part) through its app's service, as the
    person who uploaded it: the service checks their permission again, since a role may have
    ended while the import waited. An import already taken by another worker is left alone.
    The upload is deleted from storage whatever the outcome."""
    with transaction.atomic():
        made = (
            BackgroundFile.objects.select_for_update()
            .select_related("organisation", "requested_by")
            .get(pk=pk, is_import=True)
        )
        if made.status != BackgroundFile.Status.QUEUED:
            return made
        made.status = BackgroundFile.Status.RUNNING
        made.started_at = timezone.now()
        made.save(update_fields=["status", "started_at"])
    spec = import_kind_of(made.kind)
    failed = BackgroundFile.Status.FAILED
    outcome: dict[str, object]
    try:
        if spec is None:
            raise ValueError(f"no import kind {made.kind!r} is registered")
        with made.file.open("rb") as upload:
            content = upload.read()
        result = spec.run(made.requested_by, made.organisation, made.params, content, made.filename)
    except NotPermitted:
        outcome = {"status": failed, "error": _("Du har inte längre behörighet att importera här.")}
    except ImportRefused as refused:
        outcome = {
            "status": failed,
            "error": _("Filen importerades inte: den har fel. Inget har ändrats."),
            "problems": _problems(refused.messages),
        }
    except (ValidationError, ObjectDoesNotExist) as error:
        messages = getattr(error, "messages", None) or [
            _("Det du ville importera till finns inte längre.")
        ]
        outcome = {
            "status": failed,
            "error": _("Filen importerades inte. Inget har ändrats."),
            "problems": _problems([str(m) for m in messages]),
        }
    except Exception:
        logger.exception("background import %s (%s) failed", pk, made.kind)
        outcome = {
            "status": failed,
            "error": _(
                "Importen kunde inte göras. Inget har ändrats. Försök igen, eller kontakta "
                "Satsas förvaltare."
            ),
        }
    else:
        outcome = {"status": BackgroundFile.Status.DONE, "result": dict(result)}
    finally:
        # Personal data (personnummer) must not stay in storage once the import has run.
        if made.file.name:
            made.file.storage.delete(made.file.name)
    return _finish(pk, **outcome)


# A file still "running" this long after it started was left by a worker that stopped.
STALE_AFTER = dt.timedelta(hours=2)


def files_tidy(*, now: dt.datetime | None = None, keep_days: int = 30) -> int:
    """The daily tidying (``satsa.core.daily``): a file or import left running by a worker
    that stopped mid-way is marked failed, so that it no longer counts against the person's
    waiting files, and its upload (personal data) is deleted; finished files older than
    ``keep_days`` are deleted with what they stored. Returns how many rows it changed."""
    now = now or timezone.now()
    changed = 0
    stale = BackgroundFile.objects.filter(
        status=BackgroundFile.Status.RUNNING, created_at__lt=now - STALE_AFTER
    ).filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_AFTER))
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            made = BackgroundFile.objects.select_for_update().get(pk=pk)
            if made.status != BackgroundFile.Status.RUNNING:  # finished meanwhile
                continue
            if made.file.name:
                made.file.storage.delete(made.file.name)
        error = _("Arbetet avbröts innan det blev klart. Inget har ändrats; försök igen.")
        _finish(pk, status=BackgroundFile.Status.FAILED, error=error, file="")
        changed += 1
    old = BackgroundFile.objects.filter(
        status__in=[BackgroundFile.Status.DONE, BackgroundFile.Status.FAILED],
        finished_at__lt=now - dt.timedelta(days=keep_days),
    )
    for made in old.only("pk", "file"):
        if made.file.name:
            made.file.storage.delete(made.file.name)
        made.delete()
        changed += 1
    return changed
