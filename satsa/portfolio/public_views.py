"""Public pages and open data (no login): the granted interventions, their published final
reports, the open calls, and the same record as JSON and CSV at stable URLs."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from satsa.core import charts as kit
from satsa.core import tabular
from satsa.core.conditional import public_conditional
from satsa.core.money import kr
from satsa.orgs.models import Organisation
from satsa.portfolio import opendata, selectors


def _organisation(org_slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=org_slug)


@login_not_required
@require_GET
@public_conditional(shared=False)
def index(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = _organisation(org_slug)
    interventions = selectors.public_interventions(organisation)
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for item in interventions:
        day = item.decided_on or item.start_date
        if day is not None:
            by_year[day.year] += item.granted_amount or Decimal(0)
    years = sorted(by_year)
    chart = kit.bar_chart(
        title=_("Beviljade belopp per år"),
        categories=[str(year) for year in years],
        series=[kit.Series(_("Beviljat"), [by_year[year] for year in years])],
        horizontal=True,
        fmt=kr,
    )
    return render(
        request,
        "portfolio/public/index.html",
        {
            "public_org": organisation,
            "interventions": interventions,
            "total": sum((i.granted_amount or Decimal(0) for i in interventions), Decimal(0)),
            "by_year": [(year, by_year[year]) for year in years],
            "chart": chart,
            "intake": selectors.open_intake(organisation),
            "unit_costs_url": selectors.public_unit_costs_url(organisation),
        },
    )


@login_not_required
@require_GET
@public_conditional(shared=True)
def interventions_json(request: HttpRequest, org_slug: str) -> HttpResponse:
    document = opendata.interventions_document(_organisation(org_slug))
    response = JsonResponse(
        document, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
@public_conditional(shared=True)
def interventions_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = _organisation(org_slug)
    response = tabular.http_response(
        opendata.interventions_csv(organisation).encode("utf-8"),
        f"{organisation.slug}-interventions.csv",
        "csv",
        disposition="inline",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
@public_conditional(shared=True)
def calls_json(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = _organisation(org_slug)
    intake = selectors.open_intake(organisation)
    document = {
        "format_version": opendata.FORMAT_VERSION,
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "intake": None
        if intake is None
        else {
            "mode": "continuous" if intake.continuous else "rounds",
            "description": intake.text,
            "calls": [
                {"name": c.name, "opens": c.opens, "deadline": c.deadline} for c in intake.calls
            ],
        },
    }
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
@public_conditional(shared=True)
def final_report(request: HttpRequest, org_slug: str) -> HttpResponse:
    """A published final report, chosen by ``?id=``; without one, the newest published.
    The address always answers a PDF, or 404 when there is none (never a page)."""
    organisation = _organisation(org_slug)
    raw = request.GET.get("id", "")
    if raw and not raw.isdigit():
        raise Http404
    report = selectors.published_report(organisation, int(raw) if raw else None)
    if report is None:
        raise Http404
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="slutrapport-{report.case_id}.pdf"'
    return response
