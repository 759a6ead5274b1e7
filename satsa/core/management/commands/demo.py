from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand

from satsa.core.demo import load_all


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisations, people and cases. Safe to re-run."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in load_all():
            self.stdout.write(f"loaded {loader}")
        # The loaders write some rows without events: the public pages' cache starts again.
        cache.clear()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Password for all demo users: satsa-demo")
        )
