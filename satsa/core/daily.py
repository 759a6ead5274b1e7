"""Daily work without a cron timer: the tasks worker runs it and queues the next day's run.

Apps register what must happen once a day (the step reminders, the report reminders) with
``@daily_job`` from their ``AppConfig.ready()``; core runs them without importing the apps.
``daily_run`` is one task on Django's tasks framework: it runs every job for the day, then
queues itself for the next day at ``SATSA_DAILY_AT`` (local time). ``satsa schedule_daily``
(run after ``migrate`` on every deploy) queues the first run when none is waiting, so a
fresh installation needs no timer on any host. Every job must be safe to run twice a day:
two deploys at the same moment may queue two runs, and the next run heals that (a run
queues the next only when none is waiting).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResult,
    TaskResultStatus,
    task,
    task_backends,
)
from django.utils import timezone

log = logging.getLogger(__name__)

# name -> the job, given the day; returns how many things it did (for the log).
Job = Callable[[dt.date], int]
_JOBS: dict[str, Job] = {}


def daily_job(name: str) -> Callable[[Job], Job]:
    def register(job: Job) -> Job:
        _JOBS[name] = job
        return job

    return register


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def daily_at() -> dt.time:
    return dt.time.fromisoformat(getattr(settings, "SATSA_DAILY_AT", "06:15"))


def next_run(after: dt.datetime) -> dt.datetime:
    """The first ``SATSA_DAILY_AT`` (local time) strictly after ``after``."""
    local = timezone.localtime(after)
    at = timezone.make_aware(dt.datetime.combine(local.date(), daily_at()))
    return (
        at
        if at > local
        else timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), daily_at())
        )
    )


@task
def daily_run(on: str | None = None) -> dict[str, int]:
    """Run every daily job for ``on`` (YYYY-MM-DD, default: today), then queue tomorrow's
    run. A failing job is logged and does not keep the others (or tomorrow) from running."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    done: dict[str, int] = {}
    failed = []
    for name, job in sorted(_JOBS.items()):
        try:
            done[name] = job(day)
        except Exception:
            log.exception("daily job %s failed", name)
            failed.append(name)
    if on is None:
        daily_schedule()
    if failed:
        raise RuntimeError(f"daily jobs failed: {', '.join(failed)}")
    return done


def waiting() -> list[dt.datetime]:
    """When the queued, not yet started daily runs are due (only a database backend can
    tell; empty otherwise)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return []
    return list(
        DBTaskResult.objects.filter(task_path=daily_run.module_path, status=TaskResultStatus.READY)
        .order_by("run_after")
        .values_list("run_after", flat=True)
    )


def daily_schedule(now: dt.datetime | None = None) -> TaskResult | None:
    """Queue the next daily run unless one is waiting. With a backend that cannot run a
    task later (the immediate one of development), nothing is queued: run the jobs with
    ``satsa case_reminders`` and ``satsa followup_reminders`` there."""
    if not task_backends[DEFAULT_TASK_BACKEND_ALIAS].supports_defer or waiting():
        return None
    when = next_run(now or timezone.now())
    return daily_run.using(run_after=when).enqueue()


@daily_job("prune_task_results")
def _prune(day: dt.date) -> int:
    """Forget finished task results after ``SATSA_TASK_RESULTS_DAYS`` (default 30)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return 0
    days = int(getattr(settings, "SATSA_TASK_RESULTS_DAYS", 30))
    cutoff = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=days), dt.time()))
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted
