from typing import Any

from django.core.management.base import BaseCommand

from satsa.followup.services import reports_schedule_all


class Command(BaseCommand):
    help = (
        "Create the follow-up reports every decided project's rulebook asks for. Safe to "
        "re-run; new decisions schedule their reports themselves."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = reports_schedule_all()
        self.stdout.write(f"scheduled {created} report(s)")
