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
from satsa.decisions.forms import PeriodChangeForm
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, org_view, people_with_perm
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


def _hand_order(request: AuthenticatedRequest, pending: list[Case]) -> list[int]:
    """The case ids in the order of the places the steering group typed (1 = first)."""
    places: dict[int, int] = {}
    for case in pending:
        value = request.POST.get(f"place_{case.pk}", "").strip()
        if not value.isdigit() or int(value) < 1:
            raise ValidationError(_("Ange en plats (1, 2, 3 …) för varje ansökan."))
        places[case.pk] = int(value)
    if len(set(places.values())) != len(places):
        raise ValidationError(_("Ge varje ansökan en egen plats."))
    return sorted(places, key=places.__getitem__)


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ALL_CASES)
def ranking(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    pending = list(
        Case.objects.filter(organisation=org, step="steering_group", outcome="")
        .prefetch_related("versions")
        .order_by("priority_rank", "created_at")
    )
    if request.method == "POST":
        if not has_perm(request.user, org, Perm.STEERING_APPROVE):
            messages.error(request, _("Bara styrgruppen prioriterar."))
            return redirect("decisions:ranking", org_slug=org.slug)
        by_hand = request.POST.get("action") == "by_hand"
        try:
            if by_hand:
                order = _hand_order(request, pending)
            else:
                order = [int(v) for v in request.POST.getlist("order") if v.isdigit()]
            services.steering_rank(
                organisation=org,
                actor=request.user,
                order=order,
                by_hand=by_hand,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Ansökningarna är prioriterade."))
        return redirect("decisions:ranking", org_slug=org.slug)
    rows = [(case, requested_amount(case)) for case in pending]
    rulebooks = [rulebook_for(c) for c in pending]
    rulebook_caps = {r.grants.max_new_per_year for r in rulebooks}
    reasons = sorted({c.priority_reason for c in pending if c.priority_reason})
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
            has_criteria=any(r.criteria.selection is not None for r in rulebooks),
            reasons=reasons,
            may_rank=has_perm(request.user, org, Perm.STEERING_APPROVE),
            rankers=people_with_perm(org, Perm.STEERING_APPROVE)
            if has_perm(request.user, org, Perm.VIEW_PEOPLE)
            else [],
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def period(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """A decision changing the project's period: who may, and why not, before the form."""
    case = access.case_for(request.user, org, pk)
    try:
        services.check_period_change(actor=request.user, case=case)
    except (NotPermitted, ValidationError) as error:
        refusal = " ".join(getattr(error, "messages", [str(error)]))
    else:
        refusal = ""
    form = PeriodChangeForm(
        request.POST or None,
        initial={
            "start_date": case.start_date,
            "end_date": case.end_date,
            "decided_on": sel.today(),
        },
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.case_period_change(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Den nya projektperioden är registrerad."))
            return to_tab(case, "decision")
    return render(
        request,
        "cases/period.html",
        case_context(
            request,
            org,
            case,
            "decision",
            form=None if refusal else form,
            refusal=refusal,
            recorders=people_with_perm(org, Perm.RECORD_DECISION)
            if has_perm(request.user, org, Perm.VIEW_PEOPLE)
            else [],
        ),
    )
