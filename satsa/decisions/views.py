"""The decision pages: the steering group's ranking and the executive board's decision
tab of a case (under the case's URLs, so the addresses are the pipeline's)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satsa.cases import access
from satsa.cases import selectors as sel
from satsa.cases.forms import DecisionForm
from satsa.cases.models import Case
from satsa.cases.views import base_context, case_context, requested_amount, show_errors, to_tab
from satsa.decisions import services
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm
from satsa.rulebooks.selectors import rulebook_for
from satsa.types import AuthenticatedRequest


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def decision(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = DecisionForm(
        request.POST or None,
        initial={
            "decided_on": sel.today(),
            "amount": requested_amount(case),
            "idempotency_key": uuid.uuid4().hex,
            "start_date": case.start_date,
            "end_date": case.end_date,
        },
    )
    if request.method == "POST":
        if not has_perm(request.user, org, Perm.RECORD_DECISION):
            messages.error(request, _("Du har inte behörighet att registrera beslut."))
            return to_tab(case, "decision")
        if form.is_valid():
            try:
                services.decision_record(case=case, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                if isinstance(error, services.GuardError):
                    messages.error(request, _("Beslutet kan inte registreras än:"))
                show_errors(request, error, form)
            else:
                messages.success(request, _("Beslutet är registrerat."))
                return to_tab(case, "decision")
    free = services.free_capital(org)
    rulebook = rulebook_for(case)
    return render(
        request,
        "cases/decision.html",
        case_context(
            request,
            org,
            case,
            "decision",
            form=form,
            free=free,
            cap=rulebook.grants.max_new_per_year,
            granted_this_year=sel.grants_in_year(org, sel.today().year, exclude=case),
            may_decide=case.step == "decision"
            and has_perm(request.user, org, Perm.RECORD_DECISION),
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ALL_CASES)
def ranking(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    if request.method == "POST":
        if not has_perm(request.user, org, Perm.STEERING_APPROVE):
            messages.error(request, _("Bara styrgruppen prioriterar."))
            return redirect("decisions:ranking", org_slug=org.slug)
        order = [int(v) for v in request.POST.getlist("order") if v.isdigit()]
        try:
            services.steering_rank(organisation=org, actor=request.user, order=order)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Ansökningarna är prioriterade."))
        return redirect("decisions:ranking", org_slug=org.slug)
    pending = list(
        Case.objects.filter(organisation=org, step="steering_group", outcome="")
        .prefetch_related("versions")
        .order_by("priority_rank", "created_at")
    )
    rows = [(case, requested_amount(case)) for case in pending]
    rulebook_caps = {rulebook_for(c).grants.max_new_per_year for c in pending}
    return render(
        request,
        "cases/ranking.html",
        base_context(
            request,
            org,
            rows=rows,
            free=services.free_capital(org),
            caps=sorted(c for c in rulebook_caps if c is not None),
            granted_this_year=sel.grants_in_year(org, sel.today().year),
            year=sel.today().year,
        ),
    )
