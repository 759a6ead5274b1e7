"""The worklist as it was computed before issue #17 made it a fixed number of queries: one
case (and one report, claim and proposal) at a time, with full model objects. Kept only as
the reference the tests compare ``tasks_for`` with; nothing outside the tests uses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.cases import access
from satsa.cases.models import Stage
from satsa.cases.selectors import (
    Task,
    current_step,
    is_overdue,
    latest_submitted,
    required_signatures,
    today,
)
from satsa.followup import selectors as followup_selectors
from satsa.followup.models import ProposalStatus, Report, ReportStatus, TerminationProposal
from satsa.funds.models import Claim, ClaimApproval
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.permissions import has_perm, roles_in
from satsa.orgs.roles import Perm, Role


def reference_tasks_for(user: Any, organisation: Organisation) -> list[Task]:
    tasks: list[Task] = []
    on = today()
    roles = roles_in(user, organisation)
    visible = access.visible_cases(user, organisation).prefetch_related(
        "boards", "departments", "co_applicants", "versions"
    )
    for case in visible:
        if (
            case.stage == Stage.IDEA
            and not case.idea_submitted_at
            and access.is_applicant(user, case)
        ):
            tasks.append(Task(case, _("Skriv klart och lämna in idén"), None, False))
            continue
        step = current_step(case)
        if step is None:
            continue
        overdue = is_overdue(case, on)
        if step.id == "application" and access.is_applicant(user, case):
            tasks.append(Task(case, _("Skriv och lämna in ansökan"), case.step_due_on, overdue))
        elif Role.BOARD_SECRETARY in roles:
            pending = case.board_notices.filter(
                commented_at__isnull=True,
                board__in=Membership.objects.active()
                .filter(user=user, organisation=organisation, role=Role.BOARD_SECRETARY)
                .values("board_id"),
            ).first()
            if pending is not None:
                tasks.append(
                    Task(
                        case,
                        _("Lämna nämndens synpunkter"),
                        pending.deadline,
                        pending.deadline < on,
                    )
                )
        if Role.DEPARTMENT_HEAD in roles and latest_submitted(case) is not None:
            mine = Membership.objects.active().filter(
                user=user, organisation=organisation, role=Role.DEPARTMENT_HEAD
            )
            for need in required_signatures(case):
                if (
                    need.department is not None
                    and need.signature is None
                    and mine.filter(department=need.department).exists()
                ):
                    tasks.append(Task(case, _("Underteckna ansökan"), case.step_due_on, overdue))
        collective = (Role.BOARD_SECRETARY, Role.DEPARTMENT_HEAD)
        runs_step = step.role != Role.APPLICANT and step.role in roles
        handed_in = step.role == Role.APPLICANT and latest_submitted(case) is not None
        if (runs_step and step.role not in collective) or (
            Role.COORDINATOR in roles and (step.role in collective or handed_in)
        ):
            tasks.append(Task(case, step.name_sv, case.step_due_on, overdue))
    # in the order the apps register their sources (satsa.cases.hooks)
    for source in (_claim_tasks, _report_tasks, _termination_tasks):
        tasks += source(user, organisation, on)
    tasks.sort(key=lambda t: (t.due or dt.date.max, t.case.pk))
    return tasks


def _report_task(report: Report, what: str, on: dt.date, due: dt.date | None) -> Task:
    url = reverse("followup:report", args=[report.organisation.slug, report.pk])
    return Task(report.case, what, due, bool(due and due < on), url)


def _report_label(report: Report) -> str:
    return f"{report.get_kind_display().lower()} {report.period_name}"


def _report_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    visible = access.visible_cases(user, organisation)
    reports = Report.objects.filter(case__in=visible).select_related("case", "organisation")
    tasks = []
    if has_perm(user, organisation, Perm.REPORT_PROGRESS) or has_perm(
        user, organisation, Perm.SUBMIT_IDEA
    ):
        mine = reports.filter(case__in=visible.filter(access.member_q(user)))
        due_soon = followup_selectors.reports_to_write(mine).filter(
            due_date__lte=on + dt.timedelta(days=followup_selectors.REMINDER_DAYS)
        )
        for report in due_soon.order_by("due_date"):
            what = _("Skriv och lämna in %(report)s") % {"report": _report_label(report)}
            tasks.append(_report_task(report, what, on, report.due_date))
    if has_perm(user, organisation, Perm.MANAGE_EVALUATION):
        for report in reports.filter(status=ReportStatus.SUBMITTED).order_by("due_date"):
            what = _("Granska %(report)s") % {"report": _report_label(report)}
            tasks.append(_report_task(report, what, on, None))
    return tasks


def _termination_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    proposals = TerminationProposal.objects.filter(
        case__in=access.visible_cases(user, organisation), status=ProposalStatus.PROPOSED
    ).select_related("case", "organisation")
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


def _claim_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    claims = Claim.objects.filter(organisation=organisation).select_related("case")
    url = reverse("funds:overview", args=[organisation.slug])
    tasks = []
    if has_perm(user, organisation, Perm.APPROVE_CLAIM):
        waiting = claims.filter(status=Claim.Status.SUBMITTED).exclude(submitted_by=user)
        waiting = waiting.exclude(approvals__level=ClaimApproval.Level.COORDINATOR)
        tasks += [Task(c.case, _("Godkänn utbetalningsbegäran"), None, False, url) for c in waiting]
    if has_perm(user, organisation, Perm.APPROVE_CLAIM_FINANCE):
        waiting = claims.filter(
            status=Claim.Status.SUBMITTED, approvals__level=ClaimApproval.Level.COORDINATOR
        ).exclude(approvals__approved_by=user)
        tasks += [
            Task(c.case, _("Attestera utbetalningsbegäran"), None, False, url) for c in waiting
        ]
    if has_perm(user, organisation, Perm.MANAGE_FUND):
        payable = claims.filter(status=Claim.Status.APPROVED)
        tasks += [Task(c.case, _("Bokför utbetalningen"), None, False, url) for c in payable]
    return tasks


def as_rows(tasks: list[Task]) -> list[tuple[Any, ...]]:
    """What a person sees of each task, in order: the case, the title, what to do, when,
    whether late, and where."""
    return [(t.case.pk, t.case.title, t.what, t.due, t.overdue, t.url) for t in tasks]
