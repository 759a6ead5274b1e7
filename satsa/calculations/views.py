"""Screens: the unit-cost tables, price indices, the public table and the calculation editor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.calculations import selectors, services, tabular
from satsa.calculations.forms import (
    ImportForm,
    PriceIndexForm,
    PriceIndexPointForm,
    UnitCostForm,
    UnitCostValueForm,
)
from satsa.calculations.models import PriceIndex, UnitCost
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


# --- unit costs ----------------------------------------------------------------------


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def unit_costs(request: HttpRequest, org: Organisation) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    own = selectors.unit_costs_of(org)
    national = selectors.unit_costs_of(None)
    if query:
        match = Q(code__icontains=query) | Q(name__icontains=query) | Q(unit__icontains=query)
        own, national = own.filter(match), national.filter(match)
    return render(
        request,
        "calculations/unit_costs.html",
        {
            "org": org,
            "own": own,
            "national": national,
            "query": query,
            "can_manage": has_perm(request.user, org, Perm.MANAGE_UNIT_COSTS),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_UNIT_COSTS)
def unit_cost_create(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = UnitCostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_cost = services.unit_cost_create(
                organisation=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s har lagts till.") % {"name": unit_cost.name})
            return redirect("calculations:unit_cost", org_slug=org.slug, pk=unit_cost.pk)
    return render(request, "calculations/unit_cost_form.html", {"org": org, "form": form})


def _unit_cost(org: Organisation, pk: int) -> UnitCost:
    return get_object_or_404(
        UnitCost.objects.filter(Q(organisation=org) | Q(organisation__isnull=True)), pk=pk
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def unit_cost_detail(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    unit_cost = _unit_cost(org, pk)
    # The national table is maintained centrally (demo data, administrators), not per organisation.
    can_manage = unit_cost.organisation_id == org.pk and has_perm(
        request.user, org, Perm.MANAGE_UNIT_COSTS
    )
    form = UnitCostValueForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.unit_cost_update(
                    unit_cost=unit_cost, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Värdet är sparat."))
                return redirect("calculations:unit_cost", org_slug=org.slug, pk=unit_cost.pk)
    indices = list(selectors.price_indices_available_to(org))
    index = next((i for i in indices if str(i.pk) == request.GET.get("index")), None)
    history = list(unit_cost.values.order_by("-price_year"))
    restated = []
    if index is not None and history:
        mapping = index.as_mapping()
        to_year = max(int(y) for y in mapping) if mapping else history[0].price_year
        for value in history:
            restated.append(
                selectors.restate(
                    value.value, from_year=value.price_year, to_year=to_year, index=mapping
                )
            )
    else:
        to_year = None
    return render(
        request,
        "calculations/unit_cost_detail.html",
        {
            "org": org,
            "unit_cost": unit_cost,
            "history": list(zip(history, restated or [None] * len(history), strict=True)),
            "indices": indices,
            "index": index,
            "to_year": to_year,
            "form": form,
            "can_manage": can_manage,
        },
    )


# org_view first: a GET from another organisation gets 404, not 405.
@org_view(Perm.MANAGE_UNIT_COSTS)
@require_POST
def unit_cost_publish(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    unit_cost = get_object_or_404(UnitCost, organisation=org, pk=pk)
    publish = request.POST.get("published") == "1"
    services.unit_cost_set_published(unit_cost=unit_cost, published=publish, actor=request.user)
    if publish:
        messages.success(request, _("Enhetskostnaden är publicerad."))
    else:
        messages.success(request, _("Enhetskostnaden är inte längre publicerad."))
    return redirect("calculations:unit_cost", org_slug=org.slug, pk=unit_cost.pk)


def _export_table(request: HttpRequest, org: Organisation) -> tuple[Organisation | None, str]:
    if request.GET.get("tabell") == "nationell":
        return None, "enhetskostnader-nationell"
    return org, f"enhetskostnader-{org.slug}"


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def unit_costs_export_xlsx(request: HttpRequest, org: Organisation) -> HttpResponse:
    table, stem = _export_table(request, org)
    response = HttpResponse(
        tabular.write_xlsx(selectors.export_rows(table)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def unit_costs_export_csv(request: HttpRequest, org: Organisation) -> HttpResponse:
    table, stem = _export_table(request, org)
    response = HttpResponse(
        tabular.write_csv(selectors.export_rows(table)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_UNIT_COSTS)
def unit_costs_import(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[services.ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.unit_costs_import(
                organisation=org, content=upload.read(), filename=upload.name, actor=request.user
            )
        except services.UnitCostImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Importen är klar: %(created)s nya enhetskostnader, %(values)s värden.")
                % {"created": summary.created, "values": summary.values},
            )
            return redirect("calculations:unit_costs", org_slug=org.slug)
    return render(
        request,
        "calculations/unit_costs_import.html",
        {"org": org, "form": form, "problems": problems, "columns": tabular.COLUMNS},
        status=400 if problems else 200,
    )


# --- price indices -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def price_indices(request: HttpRequest, org: Organisation) -> HttpResponse:
    can_manage = has_perm(request.user, org, Perm.MANAGE_UNIT_COSTS)
    form = PriceIndexForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                index = services.price_index_create(
                    organisation=org, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Prisindexet är skapat."))
                return redirect("calculations:price_index", org_slug=org.slug, pk=index.pk)
    return render(
        request,
        "calculations/price_indices.html",
        {
            "org": org,
            "indices": selectors.price_indices_available_to(org),
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def price_index_detail(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    index = get_object_or_404(
        PriceIndex.objects.filter(Q(organisation=org) | Q(organisation__isnull=True)), pk=pk
    )
    can_manage = index.organisation_id == org.pk and has_perm(
        request.user, org, Perm.MANAGE_UNIT_COSTS
    )
    form = PriceIndexPointForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.price_index_set(index=index, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Indexvärdet är sparat."))
                return redirect("calculations:price_index", org_slug=org.slug, pk=index.pk)
    return render(
        request,
        "calculations/price_index.html",
        {
            "org": org,
            "index": index,
            "points": index.points.all(),
            "form": form,
            "can_manage": can_manage,
        },
    )


# --- the public table ----------------------------------------------------------------


@login_not_required
@require_GET
def public_unit_costs(request: HttpRequest, org_slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=org_slug)
    return render(
        request,
        "calculations/public_unit_costs.html",
        {
            "public_org": org,
            "own": selectors.published_unit_costs_of(org),
            "national": selectors.published_unit_costs_of(None),
        },
    )
