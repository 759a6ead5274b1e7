"""The worker's part of files handled in the background (``satsa db_worker``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task

from satsa.core.daily import daily_job
from satsa.files.services import file_make, files_tidy, import_run


@task
def file_make_task(pk: int) -> str:
    """Make the queued file ``pk``; returns its status."""
    return str(file_make(pk).status)


@task
def import_run_task(pk: int) -> str:
    """Import the queued upload ``pk``; returns its status. Only the key travels in the
    task's row: the upload itself is in storage, until the import has run."""
    return str(import_run(pk).status)


@daily_job("files_tidy")
def _daily(day: dt.date) -> int:
    return files_tidy(keep_days=int(getattr(settings, "SATSA_FILES_KEEP_DAYS", 30)))
