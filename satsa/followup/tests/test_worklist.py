"""My tasks lists the follow-up's work: the project's people see the reports due within a
fortnight, the evaluators the reports handed in; nobody else, and no other organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from satsa.cases.selectors import tasks_for
from satsa.followup import services
from satsa.followup.models import Report, ReportKind
from satsa.followup.tests.conftest import on_plan

pytestmark = pytest.mark.django_db


def whats(user: Any, organisation: Any) -> list[str]:
    return [t.what for t in tasks_for(user, organisation)]


def test_the_project_leader_is_asked_for_the_report_due_and_the_coordinator_reviews_it(
    schema: Any, lina: Any, alice: Any, charlie: Any, dana: Any
) -> None:
    case = schema.case
    services.reports_schedule(case=case, actor=alice)
    report = Report.objects.filter(case=case, kind=ReportKind.PERIODIC).order_by("due_date")[0]
    with time_machine.travel(report.due_date - dt.timedelta(days=30)):
        assert whats(lina, case.organisation) == []  # not yet within the fortnight
    with time_machine.travel(report.due_date - dt.timedelta(days=3)):
        [task] = tasks_for(lina, case.organisation)
        assert task.what == f"Skriv och lämna in lägesrapport {report.period_name}"
        assert task.url.endswith(f"/uppfoljning/rapport/{report.pk}/")
        assert whats(dana, case.organisation) == []  # an applicant of another case
        services.report_submit(
            report=report,
            actor=lina,
            activities="Föräldragrupper",
            ways_of_working="Team",
            effects="Färre placeringar",
            spent_to_date=Decimal("100000"),
            claim_amount=Decimal("100000"),
            plan_status=on_plan(case),
        )
        assert whats(lina, case.organisation) == []
        assert f"Granska lägesrapport {report.period_name}" in whats(alice, case.organisation)
        assert whats(charlie, charlie.memberships.get().organisation) == []
