"""``satsa case_reminders [--date YYYY-MM-DD] [--enqueue]``: e-mail the people who must act
on pipeline steps due soon or overdue (run daily). With ``--enqueue`` the work is queued
for the tasks worker (``satsa db_worker``) instead of done here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from satsa.cases.reminders import SOON_DAYS, steps_remind
from satsa.cases.tasks import case_reminders_send


class Command(BaseCommand):
    help = (
        f"E-mail a reminder for every case step due within {SOON_DAYS} days, and again when it "
        "is overdue (then to the coordinators too). Run daily (e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="today's date as YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the reminders for the tasks worker (satsa db_worker) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = timezone.localdate()
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date: {options['date']!r} is not a date (YYYY-MM-DD)"
                ) from None
        if options["enqueue"]:
            result = case_reminders_send.enqueue(on=on.isoformat())
            self.stdout.write(f"queued task {result.id}")
            return
        self.stdout.write(f"reminded {steps_remind(on=on)} case(s)")
