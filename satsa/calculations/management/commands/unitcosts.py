"""``satsa unitcosts import|export (--national | --org SLUG) ...``: the unit-cost tables
from the command line.

The shared national table belongs to no organisation, so no organisation's user can
change it in the web UI; whoever runs the installation maintains it here, with the same
file format and the same all-or-nothing checks as the organisations' import page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satsa.calculations import selectors, services, tabular
from satsa.events.actors import system_actor
from satsa.orgs.models import Organisation


class Command(BaseCommand):
    help = "Import or export a unit-cost table (an organisation's or the national one)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        called = getattr(self, "_called_from_command_line", None)
        load = sub.add_parser(
            "import",
            help="import an XLSX or CSV file, all or nothing",
            called_from_command_line=called,
        )
        load.add_argument("file", help="an .xlsx or .csv file with the export's columns")
        dump = sub.add_parser(
            "export", help="write the table as XLSX or CSV", called_from_command_line=called
        )
        dump.add_argument("-o", "--output", required=True, help="the file to write")
        dump.add_argument(
            "--format", choices=["xlsx", "csv"], help="default: from the output's suffix"
        )
        for command in (load, dump):
            table = command.add_mutually_exclusive_group(required=True)
            table.add_argument("--national", action="store_true", help="the shared national table")
            table.add_argument("--org", help="an organisation's table, by slug (e.g. orebro)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = _organisation(options["org"]) if options["org"] else None
        label = organisation.slug if organisation else "national"
        if options["action"] == "import":
            self.load(organisation, label, Path(options["file"]))
        else:
            self.dump(organisation, label, Path(options["output"]), options["format"])

    def load(self, organisation: Organisation | None, label: str, path: Path) -> None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            summary = services.unit_costs_import(
                organisation=organisation, content=content, filename=path.name, actor=system_actor()
            )
        except services.UnitCostImportError as error:
            lines = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(
                f"{path}: nothing was imported into the {label} table; "
                f"{len(error.problems)} problem(s):\n{lines}"
            ) from None
        self.stdout.write(
            f"{path}: imported into the {label} table: {summary.created} new entries, "
            f"{summary.values} values"
        )

    def dump(
        self, organisation: Organisation | None, label: str, path: Path, kind: str | None
    ) -> None:
        kind = kind or path.suffix.lower().lstrip(".")
        if kind not in ("xlsx", "csv"):
            raise CommandError(
                f"--output: cannot tell the format from {path.name!r}; give --format xlsx|csv"
            )
        rows = selectors.export_rows(organisation)
        content = tabular.write_xlsx(rows) if kind == "xlsx" else tabular.write_csv(rows)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        self.stdout.write(f"{path}: {len(rows)} rows of the {label} table")


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"--org: no organisation {slug!r} (known: {known})")
    return organisation
