"""The portfolio list as a file made in the background (``satsa.files``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satsa.core import tabular
from satsa.files.registry import FileKind, file_kind
from satsa.orgs.roles import Perm
from satsa.portfolio import exports, selectors


def _portfolio(organisation: Any, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    board = selectors.portfolio_list(organisation, selectors.Filters.of(params, organisation))
    name = f"portfolj-{organisation.slug}-{timezone.localdate():%Y%m%d}.xlsx"
    return exports.portfolio_xlsx(organisation.name, board), name, tabular.CONTENT_TYPES["xlsx"]


file_kind(
    FileKind(
        "portfolio_xlsx",
        _("Portföljen (Excel)"),
        Perm.VIEW_ALL_CASES,
        _portfolio,
        ("board", "target_group", "year"),
    )
)
