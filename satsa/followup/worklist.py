"""The follow-up's tasks in "My tasks": the reports a project's people have to write (from
a fortnight before they are due), the submitted reports the evaluators review, and a
proposal to terminate: the project owner's position first, then the board's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.cases import access
from satsa.cases.hooks import task_source
from satsa.cases.selectors import Task, task_case_fields
from satsa.followup import selectors
from satsa.followup.models import ProposalStatus, Report, ReportStatus, TerminationProposal
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm
from satsa.orgs.roles import Perm


def _task(report: Report, what: str, on: dt.date, due: dt.date | None) -> Task:
    url = reverse("followup:report", args=[report.organisation.slug, report.pk])
    return Task(report.case, what, due, bool(due and due < on), url)


def _shown(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Only what a task shows: no report texts, no case beyond its title."""
    return reports.select_related("case", "organisation").only(
        "kind", "period_name", "due_date", "organisation__slug", *task_case_fields("case")
    )


@task_source
def report_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    visible = access.visible_cases(user, organisation)
    reports = _shown(Report.objects.filter(case__in=visible))
    tasks = []
    if has_perm(user, organisation, Perm.REPORT_PROGRESS) or has_perm(
        user, organisation, Perm.SUBMIT_IDEA
    ):
        mine = _shown(Report.objects.filter(case__in=visible.filter(access.member_q(user))))
        due_soon = selectors.reports_to_write(mine).filter(
            due_date__lte=on + dt.timedelta(days=selectors.REMINDER_DAYS)
        )
        for report in due_soon.order_by("due_date", "pk"):
            what = _("Skriv och lämna in %(report)s") % {"report": report_label(report)}
            tasks.append(_task(report, what, on, report.due_date))
    if has_perm(user, organisation, Perm.MANAGE_EVALUATION):
        for report in reports.filter(status=ReportStatus.SUBMITTED).order_by("due_date", "pk"):
            what = _("Granska %(report)s") % {"report": report_label(report)}
            tasks.append(_task(report, what, on, None))
    return tasks


def report_label(report: Report) -> str:
    return f"{report.get_kind_display().lower()} {report.period_name}"


@task_source
def termination_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    """An open proposal to terminate waits for the project owner's position, and then for
    the executive board's decision, entered by whoever records its decisions."""
    proposals = TerminationProposal.objects.filter(
        case__in=access.visible_cases(user, organisation), status=ProposalStatus.PROPOSED
    ).select_related("case")
    proposals = proposals.only(
        "owner_at", "proposed_at", "case__project_owner_id", *task_case_fields("case")
    )
    may_record = has_perm(user, organisation, Perm.RECORD_DECISION)
    tasks = []
    for proposal in proposals.order_by("proposed_at"):
        url = reverse("followup:case", args=[organisation.slug, proposal.case_id])
        if proposal.owner_at is None and proposal.case.project_owner_id == user.pk:
            what = _("Ta ställning till förslaget om avbrytande")
        elif proposal.owner_at is not None and may_record:
            what = _("Registrera kommunstyrelsens beslut om avbrytande")
        else:
            continue
        tasks.append(Task(proposal.case, what, None, False, url))
    return tasks
