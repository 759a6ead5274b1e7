"""The portfolio pages of one organisation (staff): the dashboard, the documents, the
yearly consolidated evaluation, publishing final reports and the XLSX export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from satsa.cases.models import Case
from satsa.core import charts as kit
from satsa.core import tabular
from satsa.core.money import kr
from satsa.core.paging import page_of
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm
from satsa.portfolio import exports, pdf, selectors, services
from satsa.portfolio.models import ConsolidatedEvaluation, PublishedReport
from satsa.types import AuthenticatedRequest


def _filters(request: HttpRequest, org: Organisation) -> selectors.Filters:
    return selectors.Filters.of(request.GET, org)


def _case(org: Organisation, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("organisation").prefetch_related(
            "departments", "boards", "parties"
        ),
        pk=pk,
        organisation=org,
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def dashboard(request: HttpRequest, org: Organisation) -> HttpResponse:
    filters = _filters(request, org)
    board = selectors.dashboard(org, filters)
    # Both lists a page at a time: the figures above them are sums over all the cases.
    granted = page_of(request, board.granted)
    active = page_of(request, board.active, param="sida_pagaende")
    savings_chart = kit.bar_chart(
        title=_("Förväntade och realiserade besparingar per nämnd"),
        categories=[name for name, _e, _r in board.savings],
        series=[
            kit.Series(_("Förväntat"), [expected for _n, expected, _r in board.savings]),
            kit.Series(_("Realiserat"), [realised for _n, _e, realised in board.savings]),
        ],
        horizontal=True,
        fmt=kr,
    )
    pipeline_chart = kit.bar_chart(
        title=_("Ärenden per skede"),
        categories=[row.label for row in board.pipeline],
        series=[kit.Series(_("Antal"), [row.count for row in board.pipeline])],
        horizontal=True,
        fmt=kit.number,
        ticks=kit.number_ticks,
        whole=True,
    )
    fund_chart = (
        kit.bar_chart(
            title=_("Fondens ställning"),
            categories=[
                _("Insatt"),
                _("Beviljat"),
                _("Utbetalt"),
                _("Återfört"),
                _("Fritt att bevilja"),
            ],
            series=[
                kit.Series(
                    _("Belopp"),
                    [
                        board.fund.deposited,
                        board.fund.committed,
                        board.fund.paid,
                        board.fund.repaid,
                        board.fund.free,
                    ],
                )
            ],
            horizontal=True,
            fmt=kr,
        )
        if board.fund
        else None
    )
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "org": org,
            "board": board,
            "granted": granted,
            "active": active,
            "active_rows": selectors.active_rows(list(active), board.today),
            "filters": filters,
            "choices": selectors.filter_choices(org),
            "savings_chart": savings_chart,
            "pipeline_chart": pipeline_chart,
            "fund_chart": fund_chart,
            "query": request.GET.urlencode(),
            "file_params": {
                name: request.GET[name]
                for name in ("board", "target_group", "year")
                if request.GET.get(name)
            },
            "can_publish": has_perm(request.user, org, Perm.MANAGE_EVALUATION),
            "published": set(
                PublishedReport.objects.current()
                .filter(organisation=org, case__in=[c.pk for c in granted.object_list])
                .values_list("case_id", flat=True)
            ),
        },
    )


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def export_xlsx(request: HttpRequest, org: Organisation) -> HttpResponse:
    board = selectors.portfolio_list(org, _filters(request, org))
    return tabular.http_response(
        exports.portfolio_xlsx(org.name, board),
        f"portfolj-{org.slug}-{timezone.localdate():%Y%m%d}.xlsx",
        "xlsx",
    )


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def decision_basis(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = _case(org, pk)
    return _pdf(pdf.decision_basis_pdf(case), f"beslutsunderlag-{case.pk}.pdf")


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def final_report(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = _case(org, pk)
    return _pdf(pdf.final_report_pdf(case), f"slutrapport-{case.pk}.pdf")


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def periodic_report(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    found = selectors.report_by_id(org, pk)
    if found is None:
        raise Http404
    case, report = found
    return _pdf(pdf.periodic_report_pdf(case, report), f"lagesrapport-{pk}.pdf")


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ALL_CASES)
def publish(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = _case(org, pk)
    if case.stage not in selectors.PUBLIC_STAGES:
        raise Http404
    if not has_perm(request.user, org, Perm.MANAGE_EVALUATION):
        raise PermissionDenied
    current = PublishedReport.objects.current().filter(case=case).defer("pdf").first()
    error = ""
    summary = current.summary if current else ""
    if request.method == "POST":
        summary = request.POST.get("summary", "")
        try:
            services.final_report_publish(case=case, summary=summary, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Slutrapporten för %(title)s är publicerad.") % {"title": case.title}
            )
            return redirect("portfolio:dashboard", org_slug=org.slug)
    return render(
        request,
        "portfolio/publish.html",
        {"org": org, "case": case, "current": current, "summary": summary, "error": error},
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ALL_CASES)
def evaluations(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    can_generate = has_perm(request.user, org, Perm.MANAGE_EVALUATION)
    this_year = timezone.localdate().year
    errors: list[str] = []
    if request.method == "POST":
        if not can_generate:
            raise PermissionDenied
        raw_year = request.POST.get("year", "")
        try:
            evaluation = services.consolidated_evaluation_generate(
                organisation=org,
                year=int(raw_year) if raw_year.isdigit() else 0,
                depth=request.POST.get("depth", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Den samlade utvärderingen för %(year)s är framtagen.")
                % {"year": evaluation.year},
            )
            return redirect("portfolio:evaluations", org_slug=org.slug)
    return render(
        request,
        "portfolio/evaluations.html",
        {
            "org": org,
            "evaluations": ConsolidatedEvaluation.objects.filter(organisation=org).select_related(
                "generated_by"
            ),
            "can_generate": can_generate,
            "years": list(range(this_year, 2012, -1)),
            "this_year": this_year,
            "suggested": selectors.suggested_depth(org, this_year),
            "depths": ConsolidatedEvaluation.Depth.choices,
            "errors": errors,
        },
    )


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def evaluation_pdf(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(ConsolidatedEvaluation, pk=pk, organisation=org)
    return _pdf(
        pdf.consolidated_evaluation_pdf(evaluation.data),
        f"samlad-utvardering-{evaluation.year}-{evaluation.pk}.pdf",
    )
