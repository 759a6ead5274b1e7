"""The journal as rows for CSV and XLSX, and the SIE 4 file for one year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.core.tabular import Column, Kind, Table
from satsa.funds import selectors as sel
from satsa.funds.models import Account, Entry
from satsa.funds.sie import sie_bytes, sie_text


def columns() -> list[Column]:
    return [
        Column(_("Verifikation"), Kind.INT, width=8),
        Column(_("Datum"), Kind.DATE, width=11),
        Column(_("Typ"), width=22),
        Column(_("Referens"), width=22),
        Column(_("Text"), width=40),
        Column(_("Ärende"), width=30),
        Column(_("Nämnd"), width=26),
        Column(_("Konto"), width=7),
        Column(_("Kontonamn"), width=40),
        Column(_("Debet"), Kind.MONEY, width=15),
        Column(_("Kredit"), Kind.MONEY, width=15),
        Column(_("Motbokar verifikation"), Kind.INT, width=8),
    ]


def journal_rows(organisation: Any, year: int | None = None) -> Iterator[list[Any]]:
    start = dt.date(year, 1, 1) if year else None
    end = dt.date(year, 12, 31) if year else None
    for tx in sel.journal(organisation, start=start, end=end):
        for entry in tx.entries.all():
            yield [
                tx.pk,
                tx.booked_on,
                tx.get_kind_display(),
                tx.reference,
                tx.description,
                entry.case.title if entry.case else None,
                entry.board.name if entry.board else None,
                entry.account,
                Account(entry.account).label,
                entry.amount if entry.amount > 0 else None,
                -entry.amount if entry.amount < 0 else None,
                tx.reverses_id,
            ]


def journal_table(organisation: Any, year: int | None = None) -> Table:
    """The journal, one row per leg; CSV in the Swedish Excel dialect."""
    return Table(columns(), journal_rows(organisation, year), title=_("Verifikationer"))


def journal_sie(organisation: Any, year: int) -> bytes:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    transactions = list(sel.journal(organisation, start=start, end=end))
    opening_rows = (
        Entry.objects.filter(
            transaction__organisation=organisation, transaction__booked_on__lt=start
        )
        .values("account")
        .annotate(s=sel.total(Q()))
    )
    opening = {row["account"]: sel.money(row["s"]) for row in opening_rows}
    return sie_bytes(
        sie_text(
            organisation=organisation,
            year=year,
            transactions=transactions,
            opening=opening,
            generated_on=timezone.localdate(),
        )
    )
