"""Background work of the pipeline, on Django's tasks framework (``satsa db_worker`` runs
it in production; see docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from satsa.cases.reminders import steps_remind
from satsa.core.daily import daily_job


@task
def case_reminders_send(on: str | None = None) -> int:
    """Remind of pipeline steps due soon or overdue on ``on`` (YYYY-MM-DD, default: the day
    the task runs); returns how many cases were reminded. Safe to run twice a day."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return steps_remind(on=day)


@daily_job("case_reminders")
def _daily(day: dt.date) -> int:
    return steps_remind(on=day)
