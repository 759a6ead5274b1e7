"""The case pipeline's panels on the organisation's overview (see satsa.orgs.overview)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from satsa.cases import access
from satsa.cases import selectors as sel
from satsa.cases.models import Stage
from satsa.orgs.overview import Panel
from satsa.rulebooks.selectors import open_intake

# tasks listed on the overview; the rest are a click away
SHOWN = 5


def tasks_panel(user: Any, organisation: Any) -> Panel:
    tasks = sel.tasks_for(user, organisation)
    return Panel(
        "cases/_panel_tasks.html",
        {
            "tasks": tasks[:SHOWN],
            "count": len(tasks),
            "overdue": sum(task.overdue for task in tasks),
        },
    )


def cases_panel(user: Any, organisation: Any) -> Panel | None:
    counts = dict(
        access.visible_cases(user, organisation)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk", distinct=True))
    )
    if not counts:
        return None
    stages = [(value, label, counts.get(value, 0)) for value, label in Stage.choices]
    return Panel("cases/_panel_cases.html", {"stages": stages, "total": sum(counts.values())})


def intake_panel(user: Any, organisation: Any) -> Panel | None:
    """The open application round and its deadline, where ideas are taken in rounds."""
    intake = open_intake(organisation, sel.today())
    if intake is None or intake.continuous:
        return None
    return Panel(
        "cases/_panel_intake.html", {"intake": intake, "round": next(iter(intake.calls), None)}
    )
