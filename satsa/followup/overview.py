"""The follow-up's panel on the organisation's overview (see satsa.orgs.overview)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from satsa.cases import access
from satsa.followup.models import Report, ReportStatus
from satsa.followup.selectors import reports_to_write
from satsa.orgs.overview import Panel

# reports due within this many days are listed
AHEAD = 30
SHOWN = 5


def reports_panel(user: Any, organisation: Any) -> Panel | None:
    today = timezone.localdate()
    visible = access.visible_cases(user, organisation)
    reports = Report.objects.filter(organisation=organisation, case__in=visible)
    due = (
        reports_to_write(reports)
        .filter(due_date__lte=today + dt.timedelta(days=AHEAD))
        .select_related("case")
        .order_by("due_date", "pk")
    )
    waiting = reports.filter(status=ReportStatus.SUBMITTED).count()
    count = due.count()
    if not count and not waiting:
        return None
    return Panel(
        "followup/_panel_reports.html",
        {
            "due": [(report, report.due_date < today) for report in due[:SHOWN]],
            "count": count,
            "waiting": waiting,
            "ahead": AHEAD,
        },
    )
