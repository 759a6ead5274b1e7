"""The fund's pages: position and forecast, the journal and its exports, a case's money,
and the postings (deposits, claims, approvals, payments, reversals, repayments).

POST-only views check the organisation before the method, so that any request to another
organisation's URL is a 404 (core/tests/test_urls.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.calculations.selectors import calculation_of, realisation_plan_entries
from satsa.cases import access, lifecycle
from satsa.cases.access import Action
from satsa.core import tabular
from satsa.core.money import AUTO, percent
from satsa.core.paging import page_of
from satsa.funds import exports, planning, services
from satsa.funds import selectors as sel
from satsa.funds.chart import forecast_chart
from satsa.funds.forms import (
    ApproveForm,
    ClaimForm,
    ManualRepaymentPlanForm,
    MovementForm,
    PayForm,
    PaymentPlanForm,
    PositionDateForm,
    ReasonForm,
    RepaymentChoiceForm,
    RepaymentForm,
    SettlementForm,
    manual_plan_text,
    payment_lines_text,
)
from satsa.funds.models import Account, Claim, PaymentPlan, RepaymentPlan, Transaction
from satsa.funds.repayment import allocate
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm
from satsa.rulebooks.selectors import rulebook_for
from satsa.types import AuthenticatedRequest


def _can(request: HttpRequest, org: Organisation) -> dict[str, bool]:
    return {perm.value: has_perm(request.user, org, perm) for perm in Perm}


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@org_view(Perm.VIEW_FUND)
def overview(request: HttpRequest, org: Organisation) -> HttpResponse:
    date_form = PositionDateForm(request.GET or None)
    on = timezone.localdate()
    if date_form.is_valid() and date_form.cleaned_data["date"]:
        on = date_form.cleaned_data["date"]
    position = sel.fund_position(organisation=org, on=on)
    forecast = sel.fund_forecast(organisation=org, on=on, position=position)
    # The cases' money a page at a time (the forecast above reads every case).
    page = page_of(request, sel.funded_cases(org))
    cases = [(case, sel.case_money(case, on)) for case in sel.prefetch_money(page.object_list, on)]
    can = _can(request, org)
    # The open claims a page at a time too, oldest period first.
    claims_page = page_of(
        request, sel.open_claims(org).order_by("period_end", "pk"), param="sida_begaran"
    )
    claims = list(claims_page.object_list)
    over_plan = sel.claims_over_plan(claims)
    for claim in claims:
        claim.over_plan = over_plan[claim.pk]
    return render(
        request,
        "funds/overview.html",
        {
            "org": org,
            "can": can,
            "on": on,
            "date_form": date_form,
            "position": position,
            "forecast": forecast,
            "chart": forecast_chart(forecast),
            "cases": cases,
            "page": page,
            "claims": claims,
            "claims_page": claims_page,
            "deposit_form": MovementForm(prefix="deposit") if can["manage_fund"] else None,
            "withdrawal_form": MovementForm(prefix="withdrawal") if can["manage_fund"] else None,
            "approve_form": ApproveForm(),
            "pay_form": PayForm(),
        },
    )


def _movement(
    request: AuthenticatedRequest, org: Organisation, *, withdrawal: bool
) -> HttpResponse:
    form = MovementForm(request.POST, prefix="withdrawal" if withdrawal else "deposit")
    if form.is_valid():
        create = services.withdrawal_create if withdrawal else services.deposit_create
        try:
            create(
                organisation=org,
                amount=form.cleaned_data["amount"],
                booked_on=form.cleaned_data["booked_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("Uttaget är bokfört.") if withdrawal else _("Insättningen är bokförd.")
            )
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect("funds:overview", org_slug=org.slug)


@org_view(Perm.MANAGE_FUND)
@require_POST
def deposit(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    return _movement(request, org, withdrawal=False)


@org_view(Perm.MANAGE_FUND)
@require_POST
def withdrawal(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    return _movement(request, org, withdrawal=True)


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("ar", "")
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise Http404
    return int(value)


@require_GET
@org_view(Perm.VIEW_FUND)
def journal(request: HttpRequest, org: Organisation) -> HttpResponse:
    year = _year(request)
    start, end = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
    page = page_of(request, sel.journal(org, start=start, end=end))
    years = sorted(
        {d.year for d in Transaction.objects.filter(organisation=org).dates("booked_on", "year")}
    )
    sie_year = year or (years[-1] if years else timezone.localdate().year)
    return render(
        request,
        "funds/journal.html",
        {
            "org": org,
            "can": _can(request, org),
            "transactions": page.object_list,
            "page": page,
            "year": year,
            "years": years,
            "sie_year": sie_year,
            "file_params": {"ar": year} if year else {},
            "sie_params": {"ar": sie_year},
            "accounts": Account.choices,
            "reason_form": ReasonForm(),
        },
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@org_view(Perm.VIEW_FUND)
def journal_csv(request: HttpRequest, org: Organisation) -> HttpResponse:
    year = _year(request)
    return tabular.http_response(
        exports.journal_table(org, year), f"fonden-{org.slug}-{year or 'alla'}.csv", "csv"
    )


@require_GET
@org_view(Perm.VIEW_FUND)
def journal_xlsx(request: HttpRequest, org: Organisation) -> HttpResponse:
    year = _year(request)
    return tabular.http_response(
        exports.journal_table(org, year), f"fonden-{org.slug}-{year or 'alla'}.xlsx", "xlsx"
    )


@require_GET
@org_view(Perm.VIEW_FUND)
def journal_sie(request: HttpRequest, org: Organisation) -> HttpResponse:
    year = _year(request) or timezone.localdate().year
    return _download(
        exports.journal_sie(org, year), f"fonden-{org.slug}-{year}.se", "text/plain; charset=cp437"
    )


def _claim_form(data: Any, case: Any, *, held_to_plan: bool) -> ClaimForm:
    periods = services.reporting_periods(case)
    first = (case.start_date or case.decided_on or timezone.localdate()).year
    last = max(first, (case.end_date or timezone.localdate()).year + 1)
    share = services.co_financing_min_share(case)
    return ClaimForm(
        data,
        periods=periods,
        years=range(first, last + 1),
        held_to_plan=held_to_plan,
        since=case.start_date or case.decided_on,
        co_financing=percent(share, decimals=AUTO) if share is not None else "",
    )


def _payment_plan_form(case: Any) -> PaymentPlanForm:
    """The form for a new version, filled in with the newest version or a first draft."""
    newest = sel.payment_plan_newest(case)
    points = {p.end: p for p in services.payment_plan_periods(case)}
    lines = list(newest.lines.all()) if newest is not None else []
    periods = services.reporting_periods(case)
    if lines and all(line.period_end in points for line in lines):
        pairs = [(points[line.period_end], line.amount) for line in lines]
    else:
        pairs = services.payment_plan_suggestion(case)
    return PaymentPlanForm(initial={"lines": payment_lines_text(pairs)}, periods=periods)


def _render_case(
    request: AuthenticatedRequest,
    org: Organisation,
    case: Any,
    *,
    claim_form: ClaimForm | None = None,
    payment_plan_form: PaymentPlanForm | None = None,
    manual_plan_form: ManualRepaymentPlanForm | None = None,
    settlement_form: SettlementForm | None = None,
    choice_form: RepaymentChoiceForm | None = None,
) -> HttpResponse:
    can = _can(request, org)
    may_claim = access.may(request.user, case, Action.CLAIM) and case.granted_amount is not None
    # A grant wholly claimed (or given back) offers no claim that claim_submit would accept.
    nothing_left_to_claim = (
        may_claim
        and (claim_form is None or not claim_form.is_bound)
        and sel.case_outstanding(case) - sel.case_claims_pending(case) <= 0
    )
    may_claim = may_claim and not nothing_left_to_claim
    in_force = sel.payment_plan_in_force(case)
    claims = list(sel.claims_of(case))
    over_plan = sel.claims_over_plan(claims) if in_force else {}
    for claim in claims:
        claim.over_plan = over_plan.get(claim.pk)
    offers_payment_plan = case.granted_amount is not None and services.payment_plan_required(case)
    may_draft = offers_payment_plan and services.may_draft_payment_plan(request.user, case)
    if may_draft and payment_plan_form is None:
        payment_plan_form = _payment_plan_form(case)
    repayment_plan = sel.repayment_plan_newest(case)
    period_names = services.payment_period_names(case)
    boards = org.boards.all()
    applicability = services.repayment_applicability(case)
    plan_in_force = sel.plan_in_force(case)
    manages = can["manage_fund"]
    offers_plan = case.granted_amount is not None and applicability.applies is True
    settled = plan_in_force is not None and plan_in_force.kind == RepaymentPlan.Kind.SETTLEMENT
    offers_settlement = (
        manages
        and plan_in_force is not None
        and not settled
        and (
            case.stage in lifecycle.ENDED
            or (case.end_date is not None and case.end_date < timezone.localdate())
        )
        and sel.case_paid(case) > 0
    )
    if manages and offers_plan and not plan_in_force and manual_plan_form is None:
        manual_plan_form = _manual_plan_form(case)
    if offers_settlement and settlement_form is None:
        settlement_form = SettlementForm(boards=_settlement_boards(case, plan_in_force))
    if manages and applicability.verdict == "choice" and applicability.choice is None:
        choice_form = choice_form or RepaymentChoiceForm()
    else:
        choice_form = None
    return render(
        request,
        "funds/case.html",
        {
            "org": org,
            "can": can,
            "case": case,
            "money": sel.case_money(case),
            "claims": claims,
            "transactions": sel.case_transactions(case) if can["view_fund"] else [],
            "schedule": sel.repayment_schedule(case),
            "plan": plan_in_force,
            "offers_plan": offers_plan,
            "realisation_planned": offers_plan
            and bool(realisation_plan_entries(calculation_of(case))),
            "applicability": applicability,
            "repayment_model_on": rulebook_for(case).repayment.model != "off",
            "manual_plan_form": manual_plan_form if offers_plan and not plan_in_force else None,
            "settlement_form": settlement_form if offers_settlement else None,
            "choice_form": choice_form,
            "claim_form": (claim_form or _claim_form(None, case, held_to_plan=bool(in_force)))
            if may_claim
            else None,
            "nothing_left_to_claim": nothing_left_to_claim,
            "approve_form": ApproveForm(),
            "pay_form": PayForm(),
            "reason_form": ReasonForm(),
            "repayment_form": (
                RepaymentForm(boards=boards, with_fee=_charges_fee(case))
                if can["manage_fund"]
                else None
            ),
            "offers_payment_plan": offers_payment_plan,
            "payment_plans": [
                {
                    "plan": plan,
                    "approval": sel.approval_of(plan),
                    "rows": sel.payment_plan_rows(plan, period_names),
                    "newest": n == 0,
                    "in_force": plan == in_force,
                }
                for n, plan in enumerate(sel.payment_plans_of(case))
            ]
            if offers_payment_plan
            else [],
            "payment_plan_in_force": in_force,
            "claims_wait_for_plan": offers_payment_plan
            and services.claims_wait_for_payment_plan(case),
            "payment_plan_form": payment_plan_form if may_draft else None,
            "repayment_plan": repayment_plan,
            "repayment_approval": sel.approval_of(repayment_plan),
            "repayment_needs_approval": repayment_plan is not None
            and services.plan_approval_required(case, "repayment_plan_approved"),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def case_money(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    may_claim = access.may(request.user, case, Action.CLAIM) and case.granted_amount is not None
    in_force = sel.payment_plan_in_force(case)
    claim_form = _claim_form(request.POST or None, case, held_to_plan=in_force is not None)
    if request.method == "POST":
        if not may_claim:
            raise PermissionDenied
        if claim_form.is_valid():
            code, end = claim_form.period_value()
            try:
                services.claim_submit(
                    case=case,
                    period_code=code,
                    period_end=end,
                    amount=claim_form.cleaned_data["amount"],
                    description=claim_form.cleaned_data["description"],
                    report_reference=claim_form.cleaned_data["report_reference"],
                    actor=request.user,
                    idempotency_key=claim_form.cleaned_data["idempotency_key"],
                    override_reason=claim_form.cleaned_data.get("override_reason", ""),
                    costs_incurred=claim_form.cleaned_data.get("costs_incurred"),
                )
            except ValidationError as error:
                by_field = error.message_dict if hasattr(error, "error_dict") else {}
                for field, field_errors in (by_field or {"": error.messages}).items():
                    for message in field_errors:
                        target = {"period_code": "period", "period_end": "period"}.get(
                            field or "", field
                        )
                        claim_form.add_error(
                            target if target in claim_form.fields else None, message
                        )
            else:
                messages.success(request, _("Utbetalningsbegäran är inlämnad."))
                return redirect("funds:case", org_slug=org.slug, pk=case.pk)
    return _render_case(request, org, case, claim_form=claim_form)


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def payment_plan_propose(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """A new version of the case's payment plan, for the steering group to approve."""
    case = access.case_for(request.user, org, pk)
    if case.granted_amount is None or not services.payment_plan_required(case):
        raise Http404  # the case's rulebook keeps no payment plan
    if not services.may_draft_payment_plan(request.user, case):
        raise PermissionDenied
    form = PaymentPlanForm(request.POST, periods=services.reporting_periods(case))
    if form.is_valid():
        try:
            plan = services.payment_plan_propose(
                case=case,
                lines=form.cleaned_data["lines"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("lines", message)
        else:
            messages.success(
                request,
                _("Version %(version)s av utbetalningsplanen väntar på styrgruppens godkännande.")
                % {"version": plan.version},
            )
            return redirect("funds:case", org_slug=org.slug, pk=case.pk)
    return _render_case(request, org, case, payment_plan_form=form)


@org_view(Perm.STEERING_APPROVE)
@require_POST
def payment_plan_approve(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    plan = get_object_or_404(PaymentPlan, case__organisation=org, pk=pk)
    try:
        services.payment_plan_approve(plan=plan, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Version %(version)s av utbetalningsplanen är godkänd.") % {"version": plan.version},
        )
    return redirect("funds:case", org_slug=org.slug, pk=plan.case_id)


@org_view(Perm.STEERING_APPROVE)
@require_POST
def repayment_plan_approve(
    request: AuthenticatedRequest, org: Organisation, pk: int
) -> HttpResponse:
    plan = get_object_or_404(RepaymentPlan, case__organisation=org, pk=pk)
    try:
        services.repayment_plan_approve(plan=plan, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Återföringsplanen är godkänd."))
    return redirect("funds:case", org_slug=org.slug, pk=plan.case_id)


def _claim(org: Organisation, pk: int) -> Claim:
    return get_object_or_404(Claim, organisation=org, pk=pk)


def _back(request: HttpRequest, org: Organisation, claim: Claim) -> HttpResponse:
    if request.POST.get("next") == "overview":
        return redirect("funds:overview", org_slug=org.slug)
    return redirect("funds:case", org_slug=org.slug, pk=claim.case_id)


@org_view(Perm.VIEW_FUND)
@require_POST
def claim_approve(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    claim = _claim(org, pk)
    if not (
        has_perm(request.user, org, Perm.APPROVE_CLAIM)
        or has_perm(request.user, org, Perm.APPROVE_CLAIM_FINANCE)
    ):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Formuläret saknar sin nyckel; ladda om sidan."))
        return _back(request, org, claim)
    try:
        claim = services.claim_approve(
            claim=claim,
            actor=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Begäran är godkänd och bokförd.")
            if claim.status == Claim.Status.APPROVED
            else _("Godkänd; begäran väntar på attest av ekonomi."),
        )
    return _back(request, org, claim)


@org_view(Perm.APPROVE_CLAIM)
@require_POST
def claim_reject(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    claim = _claim(org, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Ange skälet till avslaget."))
        services.claim_reject(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Begäran är avslagen."))
    return _back(request, org, claim)


@org_view(Perm.MANAGE_FUND)
@require_POST
def claim_pay(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    claim = _claim(org, pk)
    form = PayForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Ange utbetalningsdag."))
        services.payment_book(
            claim=claim,
            booked_on=form.cleaned_data["booked_on"],
            actor=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Utbetalningen är bokförd."))
    return _back(request, org, claim)


@org_view(Perm.MANAGE_FUND)
@require_POST
def transaction_reverse(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    tx = get_object_or_404(Transaction, organisation=org, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Ange varför verifikationen motbokas."))
        services.entry_reverse(
            tx=tx,
            booked_on=form.cleaned_data["booked_on"] or timezone.localdate(),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Verifikationen är motbokad."))
    if tx.case_id and request.POST.get("next") != "journal":
        return redirect("funds:case", org_slug=org.slug, pk=tx.case_id)
    return redirect("funds:journal", org_slug=org.slug)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_release(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Ange varför åtagandet frigörs."))
        tx = services.commitment_release(
            case=case,
            booked_on=form.cleaned_data["booked_on"] or timezone.localdate(),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Återstoden är frigjord.") if tx else _("Det fanns inget att frigöra.")
        )
    return redirect("funds:case", org_slug=org.slug, pk=case.pk)


def _charges_fee(case: Any) -> bool:
    """Whether the case's rulebook charges an administrative fee on repayment."""
    return bool(rulebook_for(case).repayment.fee_share)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_repayment(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = RepaymentForm(request.POST, boards=org.boards.all(), with_fee=_charges_fee(case))
    try:
        if not form.is_valid():
            raise ValidationError([m for errs in form.errors.values() for m in errs])
        services.repayment_receive(
            case=case,
            board=form.cleaned_data["board"],
            principal=form.cleaned_data["principal"],
            fee=form.cleaned_data.get("fee") or Decimal(0),
            received_on=form.cleaned_data["received_on"],
            reference=form.cleaned_data["reference"],
            actor=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Återföringen är bokförd."))
    return redirect("funds:case", org_slug=org.slug, pk=case.pk)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_repayment_plan(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """Record the repayment plan that the case's calculation implies, or (``source`` =
    ``realisation``) the one its realisation plan implies."""
    case = access.case_for(request.user, org, pk)
    from_realisation = request.POST.get("source") == "realisation"
    draw = (
        planning.repayment_plan_from_realisation
        if from_realisation
        else planning.repayment_plan_from_calculation
    )
    try:
        draw(
            case=case,
            decided_on=case.decided_on or timezone.localdate(),
            actor=request.user,
            reference=case.diarienummer or "",
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Återföringsplanen är upprättad från effekthemtagningsplanen.")
            if from_realisation
            else _("Återföringsplanen är upprättad från kalkylen."),
        )
    return redirect("funds:case", org_slug=org.slug, pk=case.pk)


def _manual_plan_form(case: Any, data: Any = None) -> ManualRepaymentPlanForm:
    """The manual plan form, prefilled with the granted cost shared evenly by the case's
    boards over the three years after the project (a starting point to edit)."""
    boards = list(case.organisation.boards.all())
    form = ManualRepaymentPlanForm(data, boards=boards)
    if data is None:
        payers = [b for b in case.boards.all() if b.organisation_id == case.organisation_id]
        payers = payers or boards[:1]
        last = (case.end_date or case.decided_on or timezone.localdate()).year
        keys = [(year, board) for year in range(last + 1, last + 4) for board in payers]
        parts = allocate(Decimal(case.granted_amount or 0), dict.fromkeys(keys, Decimal(1)))
        form.initial = {
            "lines": manual_plan_text([(y, b, parts[(y, b)]) for y, b in keys]),
            "decided_on": case.decided_on or timezone.localdate(),
            "reference": case.diarienummer or "",
        }
    return form


def _settlement_boards(case: Any, plan: Any) -> list[Any]:
    planned = {line.board_id: line.board for line in plan.lines.all()} if plan else {}
    for board in case.boards.all():
        planned.setdefault(board.pk, board)
    return sorted(planned.values(), key=lambda b: b.name)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_repayment_manual(
    request: AuthenticatedRequest, org: Organisation, pk: int
) -> HttpResponse:
    """Record a repayment plan written by hand (amounts per board and year, with a reason)."""
    case = access.case_for(request.user, org, pk)
    form = _manual_plan_form(case, request.POST)
    if form.is_valid():
        try:
            services.repayment_plan_manual(
                case=case,
                lines=form.cleaned_data["lines"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Den manuella återföringsplanen är beslutad."))
            return redirect("funds:case", org_slug=org.slug, pk=case.pk)
    return _render_case(request, org, case, manual_plan_form=form)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_repayment_choice(
    request: AuthenticatedRequest, org: Organisation, pk: int
) -> HttpResponse:
    """The coordinator's recorded choice for a start in the rulebook's gap."""
    case = access.case_for(request.user, org, pk)
    form = RepaymentChoiceForm(request.POST)
    if form.is_valid():
        try:
            services.repayment_choice_record(
                case=case,
                applies=form.cleaned_data["applies"] == "yes",
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Valet om återföring är registrerat."))
            return redirect("funds:case", org_slug=org.slug, pk=case.pk)
    return _render_case(request, org, case, choice_form=form)


@org_view(Perm.MANAGE_FUND)
@require_POST
def case_settlement(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """Settle the repayment of a finished case from its realised savings (risk sharing)."""
    case = access.case_for(request.user, org, pk)
    form = SettlementForm(request.POST, boards=_settlement_boards(case, sel.plan_in_force(case)))
    if form.is_valid():
        try:
            services.repayment_settle(
                case=case,
                realised_savings=form.savings(),
                settled_on=form.cleaned_data["settled_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Återföringen är avräknad."))
            return redirect("funds:case", org_slug=org.slug, pk=case.pk)
    return _render_case(request, org, case, settlement_form=form)
