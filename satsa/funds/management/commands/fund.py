"""``satsa fund position --org SLUG [--date YYYY-MM-DD] [--format json]``: the fund's
position at a date, every amount an exact decimal string."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satsa.funds.selectors import fund_position
from satsa.orgs.models import Organisation

LABELS = {
    "deposited": "insatt",
    "withdrawn": "uttaget",
    "committed": "beviljat (åtaganden)",
    "released": "frigjort",
    "claimed": "begärt, ej godkänt",
    "approved": "godkänt",
    "paid": "utbetalt",
    "repaid": "återfört",
    "fees": "administrativa avgifter",
    "free": "fritt att bevilja",
    "outstanding": "beviljat, ej utbetalt",
    "payable": "godkänt, ej utbetalt",
    "fee_reserve": "avgiftsreserv",
    "capital": "fondens kapital",
}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "The social investment fund's money (position at a date)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        position = sub.add_parser(
            "position",
            help="deposited, committed, paid, repaid, fees and free capital at a date",
            called_from_command_line=getattr(self, "_called_from_command_line", None),
        )
        position.add_argument("--org", required=True, help="the organisation's slug, e.g. orebro")
        position.add_argument("--date", help="YYYY-MM-DD (default: today)")
        position.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "position":
            self.position(options)

    def position(self, options: dict[str, Any]) -> None:
        slug = options["org"]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"--org: no organisation {slug!r} (known: {known})")
        on = _date(options["date"]) if options.get("date") else None
        figures = fund_position(organisation=organisation, on=on).as_strings()
        if options["format"] == "json":
            self.stdout.write(
                json.dumps({"organisation": slug, **figures}, ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(f"{organisation.name} – fondens ställning {figures['on']}")
        width = max(len(label) for label in LABELS.values())
        for key, label in LABELS.items():
            self.stdout.write(f"  {label:<{width}}  {figures[key]:>18} kr")
