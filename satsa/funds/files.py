"""The fund's journal as files made in the background (``satsa.files``): the whole
journal of a large fund takes longer than a request should."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satsa.core import tabular
from satsa.files.registry import FileKind, file_kind
from satsa.funds import exports
from satsa.orgs.roles import Perm


def _year(params: Mapping[str, str]) -> int | None:
    raw = params.get("ar", "")
    if not raw:
        return None
    if not raw.isdigit() or not 1900 <= int(raw) <= 2200:
        raise ValueError(f"not a year: {raw!r}")
    return int(raw)


def _table(format: str) -> Any:
    def build(organisation: Any, params: Mapping[str, str]) -> tuple[bytes, str, str]:
        year = _year(params)
        table = exports.journal_table(organisation, year)
        name = f"fonden-{organisation.slug}-{year or 'alla'}.{format}"
        return tabular.file_bytes(table, format), name, tabular.CONTENT_TYPES[format]

    return build


def _sie(organisation: Any, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    year = _year(params) or timezone.localdate().year
    content = exports.journal_sie(organisation, year)
    return content, f"fonden-{organisation.slug}-{year}.se", "text/plain; charset=cp437"


for kind in (
    FileKind(
        "journal_xlsx", _("Fondens verifikationer (Excel)"), Perm.VIEW_FUND, _table("xlsx"), ("ar",)
    ),
    FileKind(
        "journal_csv", _("Fondens verifikationer (CSV)"), Perm.VIEW_FUND, _table("csv"), ("ar",)
    ),
    FileKind("journal_sie", _("Fondens verifikationer (SIE 4)"), Perm.VIEW_FUND, _sie, ("ar",)),
):
    file_kind(kind)
