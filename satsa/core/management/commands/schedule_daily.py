"""``satsa schedule_daily``: queue the daily run (the reminders, the pruning of old task
results) for the tasks worker, unless one is waiting. Run it after ``migrate`` on every
deploy; the worker then queues each next day's run itself (satsa/core/daily.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from satsa.core.daily import daily_schedule, waiting


class Command(BaseCommand):
    help = (
        "Queue the daily run (reminders, pruning) for the tasks worker unless one is "
        "waiting; the worker queues each next day's run itself."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = daily_schedule()
        if result is not None:
            when = timezone.localtime(result.task.run_after).isoformat(timespec="minutes")
            self.stdout.write(f"queued the daily run for {when} (task {result.id})")
            return
        due = waiting()
        if due:
            when = timezone.localtime(due[0]).isoformat(timespec="minutes")
            self.stdout.write(f"a daily run is already queued for {when}")
        else:
            self.stdout.write(
                "the task backend cannot run a task later (not the database backend): "
                "nothing queued; run `satsa case_reminders` and `satsa followup_reminders` daily"
            )
