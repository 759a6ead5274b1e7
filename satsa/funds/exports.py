"""The journal as rows for CSV and XLSX, and the SIE 4 file for one year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.core.tabular import Column, Kind, Table
from satsa.funds import selectors as sel
from satsa.funds.models import Account, Entry
from satsa.funds.models import Kind as TransactionKind
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
    # One row per entry straight from one query: an export of tens of thousands of entries
    # builds no model objects and looks up each label once, not once per row.
    kinds = {value: str(label) for value, label in TransactionKind.choices}
    accounts = {value: str(label) for value, label in Account.choices}
    entries = Entry.objects.filter(transaction__organisation=organisation)
    if year:
        entries = entries.filter(
            transaction__booked_on__gte=dt.date(year, 1, 1),
            transaction__booked_on__lte=dt.date(year, 12, 31),
        )
    rows = entries.order_by("transaction__booked_on", "transaction_id", "id").values_list(
        "transaction_id",
        "transaction__booked_on",
        "transaction__kind",
        "transaction__reference",
        "transaction__description",
        "case__title",
        "board__name",
        "account",
        "amount",
        "transaction__reverses_id",
    )
    for (
        tx,
        booked_on,
        kind,
        reference,
        description,
        case,
        board,
        account,
        amount,
        reverses,
    ) in rows.iterator(chunk_size=2000):
        yield [
            tx,
            booked_on,
            kinds.get(kind, kind),
            reference,
            description,
            case,
            board,
            account,
            accounts.get(account, account),
            amount if amount > 0 else None,
            -amount if amount < 0 else None,
            reverses,
        ]


def journal_table(organisation: Any, year: int | None = None) -> Table:
    """The journal, one row per leg; CSV in the Swedish Excel dialect."""
    return Table(columns(), journal_rows(organisation, year), title=_("Verifikationer"))


def journal_sie(organisation: Any, year: int) -> bytes:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    transactions = list(sel.journal(organisation, start=start, end=end).prefetch_related(None))
    # The entries in one query that runs whether or not the year has any (a prefetch over
    # no transactions would be left out, and the export's query count depend on the data).
    entries: dict[int, list[Entry]] = defaultdict(list)
    for entry in (
        Entry.objects.filter(
            transaction__organisation=organisation,
            transaction__booked_on__gte=start,
            transaction__booked_on__lte=end,
        )
        .select_related("case")
        .only("transaction", "account", "amount", "case__title")
    ):
        entries[entry.transaction_id].append(entry)
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
            entries=entries,
            opening=opening,
            generated_on=timezone.localdate(),
        )
    )
