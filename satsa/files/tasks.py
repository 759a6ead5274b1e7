"""The worker's part of files handled in the background (``satsa db_worker``)."""

from __future__ import annotations

from django.tasks import task

from satsa.files.services import file_make, import_run


@task
def file_make_task(pk: int) -> str:
    """Make the queued file ``pk``; returns its status."""
    return str(file_make(pk).status)


@task
def import_run_task(pk: int) -> str:
    """Import the queued upload ``pk``; returns its status. Only the key travels in the
    task's row: the upload itself is in storage, until the import has run."""
    return str(import_run(pk).status)
