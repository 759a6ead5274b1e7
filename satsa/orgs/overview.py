"""The panels of an organisation's overview page.

Each entry names a function ``(user, organisation) -> Panel | None`` and the permission a
user needs to see it. Like the menu (``nav.py``), every app adds its own line here, so
the overview page depends on no app; a function returns None when it has nothing to say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from satsa.orgs.permissions import has_perm
from satsa.orgs.roles import Perm

ORG_PANELS = [
    ("satsa.cases.overview.intake_panel", Perm.VIEW_ORGANISATION),
    ("satsa.cases.overview.tasks_panel", Perm.VIEW_ORGANISATION),
    ("satsa.funds.overview.fund_panel", Perm.VIEW_FUND),
    ("satsa.followup.overview.reports_panel", Perm.VIEW_ORGANISATION),
    ("satsa.cases.overview.cases_panel", Perm.VIEW_ORGANISATION),
]


@dataclass(frozen=True)
class Panel:
    """What one panel shows: its template (an include) and that template's data."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


def panels_for(user: Any, organisation: Any) -> list[Panel]:
    """The panels ``user`` may see on ``organisation``'s overview, in the order above."""
    panels = []
    for path, perm in ORG_PANELS:
        if not has_perm(user, organisation, perm):
            continue
        build: Callable[[Any, Any], Panel | None] = import_string(path)
        panel = build(user, organisation)
        if panel is not None:
            panels.append(panel)
    return panels
