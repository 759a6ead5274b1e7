"""Background work of follow-up, on Django's tasks framework (``satsa db_worker`` runs it
in production; see docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from satsa.core.daily import daily_job
from satsa.followup.services import reports_remind


@task
def followup_reminders_send(on: str | None = None) -> int:
    """Remind of follow-up reports due soon on ``on`` (YYYY-MM-DD, default: the day the task
    runs); returns how many reminders went out. Each report is reminded once."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return reports_remind(on=day)


@daily_job("followup_reminders")
def _daily(day: dt.date) -> int:
    return reports_remind(on=day)
