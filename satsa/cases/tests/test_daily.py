"""The daily run (satsa/core/daily.py): queued once by ``satsa schedule_daily``, run by the
real database worker when due, which sends the day's reminders and queues the next day's
run itself, so no cron timer is needed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from satsa.cases.models import Case
from satsa.core import daily

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TODAY = dt.date(2026, 11, 23)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


def work(capture: Any) -> None:
    with capture(execute=True):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_next_run_is_the_first_daily_time_after_now() -> None:
    assert daily.next_run(at(TODAY, 5, 0)) == at(TODAY, 6, 15)
    assert daily.next_run(at(TODAY, 6, 15)) == at(TODAY + dt.timedelta(days=1), 6, 15)
    assert daily.next_run(at(TODAY, 23, 59)) == at(TODAY + dt.timedelta(days=1), 6, 15)
    with override_settings(SATSA_DAILY_AT="22:30"):
        assert daily.next_run(at(TODAY, 5, 0)) == at(TODAY, 22, 30)


def test_every_app_registers_its_daily_job() -> None:
    assert {"case_reminders", "followup_reminders", "prune_task_results"} <= set(daily.jobs())


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_runs_the_daily_reminders_and_queues_the_next_day(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any, signals_kept: None
) -> None:
    case = walk.new_idea(people)  # waits for the preparation group
    Case.objects.filter(pk=case.pk).update(step_due_on=TODAY)
    mail.outbox.clear()
    with time_machine.travel(at(TODAY, 5, 0), tick=False):
        out = StringIO()
        call_command("schedule_daily", stdout=out)
        first = DBTaskResult.objects.get()
        assert first.run_after == at(TODAY, 6, 15)
        assert out.getvalue().startswith("queued the daily run for 2026-11-23T06:15")
        # a second deploy queues nothing more
        out = StringIO()
        call_command("schedule_daily", stdout=out)
        assert out.getvalue().strip() == "a daily run is already queued for 2026-11-23T06:15+01:00"
        assert DBTaskResult.objects.count() == 1
        # not yet due: the worker leaves it
        work(django_capture_on_commit_callbacks)
        first.refresh_from_db()
        assert first.status == TaskResultStatus.READY
        assert mail.outbox == []

    with time_machine.travel(at(TODAY, 6, 16), tick=False):
        work(django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.task_result.return_value["case_reminders"] == 1
    assert [m.to for m in mail.outbox] == [["petra@example.org"]]
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert waiting.run_after == at(TODAY + dt.timedelta(days=1), 6, 15)


@pytest.mark.django_db
@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_failing_job_does_not_keep_the_others_from_running(monkeypatch: Any) -> None:
    ran = []

    def broken(day: dt.date) -> int:
        raise ValueError("broken")

    def fine(day: dt.date) -> int:
        ran.append(day)
        return 3

    monkeypatch.setattr(daily, "_JOBS", {"a_broken": broken, "b_fine": fine})
    result = daily.daily_run.enqueue(on=TODAY.isoformat())
    assert result.status == TaskResultStatus.FAILED
    assert ran == [TODAY]
    # the immediate backend cannot run a task later: nothing is queued
    assert daily.daily_schedule() is None


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_finished_task_results_are_pruned_after_thirty_days() -> None:
    old = daily.daily_run.enqueue(on=TODAY.isoformat())
    recent = daily.daily_run.enqueue(on=TODAY.isoformat())
    waiting = daily.daily_run.enqueue(on=TODAY.isoformat())
    DBTaskResult.objects.filter(pk=old.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=at(TODAY - dt.timedelta(days=31), 6, 0)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status=TaskResultStatus.FAILED, finished_at=at(TODAY - dt.timedelta(days=29), 6, 0)
    )
    assert daily.jobs()["prune_task_results"](TODAY) == 1
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == {str(recent.id), str(waiting.id)}
