"""The fund's tasks in "My tasks": claims to approve (and attest, where the rulebook asks
finance to) and approved claims to pay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.cases.hooks import task_source
from satsa.cases.selectors import Task, task_case_fields
from satsa.funds.models import Claim, ClaimApproval
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm
from satsa.orgs.roles import Perm


@task_source
def claim_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    claims = (
        Claim.objects.filter(organisation=organisation)
        .select_related("case")
        .only(*task_case_fields("case"))
    )
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
