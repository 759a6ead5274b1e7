"""``satsa followup_reminders [--date YYYY-MM-DD] [--enqueue]``: e-mail reminders of
follow-up reports due soon (run daily). With ``--enqueue`` the work is queued for the
tasks worker (``satsa db_worker``) instead of done here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from satsa.followup.selectors import REMINDER_DAYS
from satsa.followup.services import reports_remind
from satsa.followup.tasks import followup_reminders_send


class Command(BaseCommand):
    help = (
        f"E-mail a reminder for every follow-up report due within {REMINDER_DAYS} days that has "
        "not had one yet. Run daily (e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="today's date as YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the reminders for the tasks worker (satsa db_worker) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        if options["enqueue"]:
            result = followup_reminders_send.enqueue(on=on.isoformat())
            self.stdout.write(f"queued task {result.id}")
            return
        sent = reports_remind(on=on)
        self.stdout.write(f"sent {sent} reminder(s)")
