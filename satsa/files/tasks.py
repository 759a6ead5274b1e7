"""The worker's part of files made in the background (``satsa db_worker``)."""

from __future__ import annotations

from django.tasks import task

from satsa.files.services import file_make


@task
def file_make_task(pk: int) -> str:
    """Make the queued file ``pk``; returns its status."""
    return str(file_make(pk).status)
