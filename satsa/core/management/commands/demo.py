from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandParser

from satsa.core.demo import load_all


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo organisations, people and cases. Safe to re-run. "
        "With --scale N, also add about 300 organisations and N cases copied from the demo's "
        "(a fifth of them in 'storstad'), for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="add N cases over a national set of organisations (each run adds N more)",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=300,
            help="how many organisations the --scale cases are spread over (default 300)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in load_all():
            self.stdout.write(f"loaded {loader}")
        if options["scale"]:
            from satsa.portfolio.scale import build

            result = build(
                cases=options["scale"],
                organisations=options["organisations"],
                progress=self.stdout.write,
            )
            self.stdout.write(
                f"{result.cases} cases over {result.organisations} organisations "
                f"in {result.seconds:.1f} s ({result.cpu_seconds:.1f} s CPU); by stage: {dict(sorted(result.stages.items()))}"
            )
        # The loaders write some rows without events: the public pages' cache starts again.
        cache.clear()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Password for all demo users: satsa-demo")
        )
