"""The journal as rows for CSV and XLSX, and the SIE 4 file for one year."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.funds import selectors as sel
from satsa.funds.models import Account, Entry
from satsa.funds.sie import sie_bytes, sie_text


def headers() -> list[str]:
    return [
        _("Verifikation"),
        _("Datum"),
        _("Typ"),
        _("Referens"),
        _("Text"),
        _("Ärende"),
        _("Nämnd"),
        _("Konto"),
        _("Kontonamn"),
        _("Debet"),
        _("Kredit"),
        _("Motbokar verifikation"),
    ]


def journal_rows(organisation: Any, year: int | None = None) -> list[list[Any]]:
    start = dt.date(year, 1, 1) if year else None
    end = dt.date(year, 12, 31) if year else None
    rows = []
    for tx in sel.journal(organisation, start=start, end=end):
        for entry in tx.entries.all():
            rows.append(
                [
                    tx.pk,
                    tx.booked_on,
                    tx.get_kind_display(),
                    tx.reference,
                    tx.description,
                    entry.case.title if entry.case else "",
                    entry.board.name if entry.board else "",
                    entry.account,
                    Account(entry.account).label,
                    entry.amount if entry.amount > 0 else None,
                    -entry.amount if entry.amount < 0 else None,
                    tx.reverses_id or "",
                ]
            )
    return rows


def journal_csv(organisation: Any, year: int | None = None) -> bytes:
    """Semicolon-separated with decimal commas (as Swedish spreadsheets read it), UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in journal_rows(organisation, year):
        writer.writerow(
            [
                f"{v:.2f}".replace(".", ",")
                if isinstance(v, Decimal)
                else v.isoformat()
                if isinstance(v, dt.date)
                else ("" if v is None else str(v))
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def journal_xlsx(organisation: Any, year: int | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Verifikationer")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in journal_rows(organisation, year):
        sheet.append([str(v) if hasattr(v, "_proxy____cast") else v for v in row])
        for cell in sheet[sheet.max_row][9:11]:
            cell.number_format = "#,##0.00"
        sheet[sheet.max_row][1].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKL", (8, 11, 22, 22, 40, 30, 26, 7, 40, 15, 15, 8), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
