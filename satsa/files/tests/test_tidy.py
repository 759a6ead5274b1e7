"""The daily tidying of background files (``files_tidy``, a job of satsa.core.daily): a
file or import left running by a stopped worker is failed and its upload deleted; old
finished files go."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from satsa.core import daily
from satsa.events.models import Event
from satsa.files.models import BackgroundFile
from satsa.files.services import MAX_WAITING, files_tidy
from satsa.orgs.models import Organisation

NOW = dt.datetime(2026, 11, 23, 5, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def row(org: Organisation, person: Any, status: str, *, ago: dt.timedelta, **fields: Any) -> Any:
    made = BackgroundFile.objects.create(
        organisation=org, requested_by=person, kind="journal_xlsx", status=status, **fields
    )
    BackgroundFile.objects.filter(pk=made.pk).update(created_at=NOW - ago)
    made.refresh_from_db()
    return made


def stored(name: str) -> str:
    return default_storage.save(f"bakgrundsfiler/{name}", ContentFile(b"19121212-1212;1\n"))


def test_left_over_work_is_failed_and_old_files_go(orebro: Organisation, alice: Any) -> None:
    running = BackgroundFile.Status.RUNNING
    left_export = row(orebro, alice, running, ago=dt.timedelta(hours=3))
    upload = stored("upload.csv")
    left_import = row(
        orebro,
        alice,
        running,
        ago=dt.timedelta(hours=3),
        is_import=True,
        file=upload,
        started_at=NOW - dt.timedelta(hours=3),
    )
    busy = row(orebro, alice, running, ago=dt.timedelta(hours=3), started_at=NOW)
    old_file = stored("old.xlsx")
    old = row(
        orebro,
        alice,
        BackgroundFile.Status.DONE,
        ago=dt.timedelta(days=40),
        file=old_file,
        finished_at=NOW - dt.timedelta(days=31),
    )
    recent = row(
        orebro,
        alice,
        BackgroundFile.Status.DONE,
        ago=dt.timedelta(days=5),
        finished_at=NOW - dt.timedelta(days=5),
    )

    assert files_tidy(now=NOW) == 3

    for made in (left_export, left_import):
        made.refresh_from_db()
        assert made.status == BackgroundFile.Status.FAILED
        assert made.error.startswith("Arbetet avbröts innan det blev klart")
        assert made.file.name == ""
    assert not default_storage.exists(upload)  # personal data does not stay behind
    assert not default_storage.exists(old_file)
    assert not BackgroundFile.objects.filter(pk=old.pk).exists()
    busy.refresh_from_db()
    recent.refresh_from_db()
    assert busy.status == BackgroundFile.Status.RUNNING
    assert recent.status == BackgroundFile.Status.DONE
    assert set(
        Event.objects.filter(verb__in=["files.failed", "files.import_failed"]).values_list(
            "verb", flat=True
        )
    ) == {"files.failed", "files.import_failed"}
    # the failed ones no longer count against the person's waiting files
    assert BackgroundFile.objects.filter(status=running).count() == 1 < MAX_WAITING
    # a second run finds nothing to do
    assert files_tidy(now=NOW) == 0


def test_the_tidying_is_a_daily_job() -> None:
    assert "files_tidy" in daily.jobs()
