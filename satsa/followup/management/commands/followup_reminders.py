from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from satsa.followup.selectors import REMINDER_DAYS
from satsa.followup.services import reports_remind


class Command(BaseCommand):
    help = (
        f"E-mail a reminder for every follow-up report due within {REMINDER_DAYS} days that has "
        "not had one yet. Run daily (e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="today's date as YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        import datetime as dt

        on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        sent = reports_remind(on=on)
        self.stdout.write(f"sent {sent} reminder(s)")
