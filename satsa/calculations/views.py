"""Screens: the unit-cost tables, price indices, the public table and the calculation editor."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.calculations import charts, engine, selectors, services, tabular
from satsa.calculations.forms import (
    ALTERNATIVE_LABELS,
    ALTERNATIVES,
    CalculationForm,
    CostFormSet,
    EffectFormSet,
    ImportForm,
    Lines,
    Parties,
    PriceIndexForm,
    PriceIndexPointForm,
    RealisationFormSet,
    UnitCostForm,
    UnitCostValueForm,
    alternative_from_lines,
    apply_picks,
    apply_presets,
    data_from_forms,
    grid_years,
    initial_from_data,
    known_actors,
    lines_from_forms,
    lines_initial,
    merge_actors,
    perspectives_from_forms,
    posted_years,
    realisation_initial,
    unit_cost_choices,
    unit_cost_fill,
    year_field,
)
from satsa.calculations.models import Calculation, PriceIndex, UnitCost
from satsa.calculations.terms import RulebookTerms, apply_terms
from satsa.cases import access
from satsa.cases.access import Action
from satsa.cases.models import Case
from satsa.cases.views import case_context
from satsa.core.concurrency import FIELD as VERSION_FIELD
from satsa.core.concurrency import StaleEdit, content_version
from satsa.core.conditional import public_conditional
from satsa.core.money import language
from satsa.core.tabular import http_response
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm
from satsa.types import AuthenticatedRequest


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


# --- unit costs ----------------------------------------------------------------------


UNIT_COSTS_PER_PAGE = 100


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def unit_costs(request: HttpRequest, org: Organisation) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    own = selectors.unit_costs_of(org)
    national = selectors.unit_costs_of(None)
    if query:
        match = Q(code__icontains=query) | Q(name__icontains=query) | Q(unit__icontains=query)
        own, national = own.filter(match), national.filter(match)
    # Paged: a table of tens of thousands of rows made a page of many megabytes.
    own_page = Paginator(own, UNIT_COSTS_PER_PAGE).get_page(request.GET.get("sida"))
    national_page = Paginator(national, UNIT_COSTS_PER_PAGE).get_page(
        request.GET.get("nationell_sida")
    )
    return render(
        request,
        "calculations/unit_costs.html",
        {
            "org": org,
            "own": own_page.object_list,
            "own_page": own_page,
            "national": national_page.object_list,
            "national_page": national_page,
            "query": query,
            "can_manage": has_perm(request.user, org, Perm.MANAGE_UNIT_COSTS),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_UNIT_COSTS)
def unit_cost_create(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
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
def unit_cost_detail(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    unit_cost = _unit_cost(org, pk)
    # The national table is maintained centrally (`satsa unitcosts --national`), not per
    # organisation.
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
def unit_cost_publish(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
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
    return http_response(tabular.write_xlsx(selectors.export_rows(table)), f"{stem}.xlsx", "xlsx")


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def unit_costs_export_csv(request: HttpRequest, org: Organisation) -> HttpResponse:
    table, stem = _export_table(request, org)
    return http_response(tabular.write_csv(selectors.export_rows(table)), f"{stem}.csv", "csv")


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_UNIT_COSTS)
def unit_costs_import(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
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
def price_indices(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
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
            # The years covered, as numbers: a template cannot take |last of a queryset.
            "indices": selectors.price_indices_available_to(org).annotate(
                first_year=Min("points__year"), last_year=Max("points__year")
            ),
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def price_index_detail(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
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
@public_conditional(shared=False)
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


# --- the calculation editor ----------------------------------------------------------


def _case(request: HttpRequest, org: Organisation, case_id: int, *, edit: bool = False) -> Case:
    case = get_object_or_404(Case, organisation=org, pk=case_id)
    # A case the person may not see does not exist for them.
    if not access.may_view(request.user, case):
        raise Http404
    if edit and not access.may(request.user, case, Action.EDIT_CALCULATION):
        raise PermissionDenied
    return case


@dataclass
class AlternativeForms:
    """One comparison alternative's cost and effect formsets in the editor."""

    key: str
    # The name stored with the lines, and the (translated) one the screen shows.
    name: str
    label: Any
    costs: Any
    effects: Any
    lines: Lines | None = None


@dataclass
class GridCell:
    name: str
    field: Any  # the bound field


@dataclass
class GridRow:
    form: Any
    number: int
    cells: list[GridCell]


@dataclass
class Grid:
    """A formset shown as a spreadsheet: a row per form, a column per field and year.

    The columns are the forms' own ``columns`` (see ``GridLineForm``), so a field added
    to a line form and named there is a new column, on screen and in the XLSX file.
    """

    formset: Any
    caption: Any
    kind: str  # "costs" or "effects"

    @property
    def prefix(self) -> str:
        return str(self.formset.prefix)

    def _row(self, form: Any, number: int) -> GridRow:
        cells = []
        for name in form.column_names():
            field = form.fields[name]
            # Each cell is labelled by its column's header and its row's number.
            field.widget.attrs["aria-labelledby"] = f"{self.prefix}-h-{name} {form.prefix}-n"
            field.widget.attrs["data-col"] = name
            cells.append(GridCell(name, form[name]))
        delete = form.fields["DELETE"].widget
        delete.attrs["aria-labelledby"] = f"{self.prefix}-h-DELETE {form.prefix}-n"
        delete.attrs["data-delete"] = "1"
        return GridRow(form, number, cells)

    @property
    def rows(self) -> list[GridRow]:
        return [self._row(form, i) for i, form in enumerate(self.formset.forms, start=1)]

    @property
    def template_row(self) -> GridRow:
        return self._row(self.formset.empty_form, 0)

    @property
    def columns(self) -> list[dict[str, Any]]:
        form = self.formset.empty_form
        return [
            {"name": n, "label": form.fields[n].label, "year": n.startswith("y")}
            for n in form.column_names()
        ]


@dataclass
class Editor:
    """The editor's forms, and what the engine made of them."""

    general: CalculationForm
    costs: Any
    effects: Any
    alternatives: list[AlternativeForms] = dataclasses.field(default_factory=list)
    terms: RulebookTerms | None = None
    data: dict[str, Any] | None = None
    lines: Lines | None = None
    sources: list[Any] = dataclasses.field(default_factory=list)
    alternative_sources: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    result: dict[str, Any] | None = None
    # the Monte Carlo NPV draws behind ``result`` when it was just computed
    npv: list[float] | None = None
    problems: list[engine.Problem] = dataclasses.field(default_factory=list)
    years: list[int] = dataclasses.field(default_factory=list)
    unit_costs: list[UnitCost] = dataclasses.field(default_factory=list)

    @property
    def fills(self) -> dict[str, dict[str, str]]:
        """What picking each unit cost fills in, by its id (read by the browser)."""
        return {str(u.pk): unit_cost_fill(u) for u in self.unit_costs}

    @property
    def formsets(self) -> list[Any]:
        alternatives = [fs for alt in self.alternatives for fs in (alt.costs, alt.effects)]
        return [self.costs, self.effects, *alternatives]

    @property
    def forms(self) -> list[Any]:
        return [self.general, *(form for formset in self.formsets for form in formset.forms)]

    @property
    def cost_grid(self) -> Grid:
        return Grid(self.costs, _("Kostnader per år (kr)"), "costs")

    @property
    def effect_grid(self) -> Grid:
        return Grid(self.effects, _("Effekter: volym per år och antaganden"), "effects")

    def alternative_grids(self) -> list[tuple[AlternativeForms, Grid, Grid]]:
        return [
            (
                alt,
                Grid(
                    alt.costs,
                    _("%(name)s: kostnader per år (kr)") % {"name": alt.label},
                    "costs",
                ),
                Grid(alt.effects, _("%(name)s: effekter") % {"name": alt.label}, "effects"),
            )
            for alt in self.alternatives
        ]

    def error_boxes_html(self) -> str:
        """The error boxes as out-of-band swaps, written directly: a template loop over
        hundreds of cells took much of a recompute's time."""
        parts = []
        for box in self.error_boxes():
            # Most boxes are empty (they clear what a previous edit showed): plain
            # string work for them, format_html only where there is a message.
            errors = "".join(
                format_html('<p class="error">{}</p>', error) for error in box["errors"]
            )
            parts.append(
                f'<div id="{escape(box["id"])}" class="field-errors" hx-swap-oob="true">'
                f"{errors}</div>\n"
            )
        return mark_safe("".join(parts))  # noqa: S308 - ids escaped, messages by format_html

    def error_boxes(self) -> list[dict[str, Any]]:
        """Every field's error box, filled or empty, for htmx to swap in place."""
        boxes = []
        for form in self.forms:
            errors = form.errors if form.is_bound else {}
            auto_id = str(form.auto_id or "")
            # BoundField.auto_id without building a bound field per cell (hundreds).
            for name, field in form.fields.items():
                if field.widget.is_hidden:
                    continue
                html_name = form.add_prefix(name)
                cell_id = auto_id % html_name if "%s" in auto_id else (html_name if auto_id else "")
                boxes.append({"id": f"{cell_id}_errors", "errors": errors.get(name, [])})
            if form is not self.general:
                boxes.append(
                    {"id": f"{form.prefix}-line_errors", "errors": form.non_field_errors()}
                )
        boxes.append({"id": "calc-line_errors", "errors": self.general.non_field_errors()})
        return boxes


def _picklist(org: Organisation) -> list[UnitCost]:
    return list(selectors.unit_costs_available_to(org).select_related("organisation"))


def _parties(org: Organisation) -> Parties:
    """The lists the financier and actor are chosen from: one query each, whatever the
    number of lines."""
    boards = list(org.boards.values_list("name", flat=True))
    departments = list(org.departments.values_list("name", flat=True))
    external = list(org.parties.only("name", "kind", "form"))
    return Parties(
        boards=boards,
        departments=departments,
        external=[p.name for p in external],
        perspectives={
            **dict.fromkeys(boards + departments, ""),
            **{p.name: p.perspective for p in external},
        },
    )


def _stored_alternatives(calculation: Calculation) -> dict[str, Any]:
    stored = calculation.data.get("alternatives")
    return stored if isinstance(stored, dict) else {}


def _initial_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A grid with no lines shows one empty row to type into.
    return rows or [{}]


def _formsets(
    post: Any,
    prefix: str,
    lines: Any,
    sources: Any,
    kwargs: dict[str, Any],
    actors: Any = None,
) -> tuple[Any, Any]:
    cost_kwargs = {k: v for k, v in kwargs.items() if k != "source_choices"}
    costs_prefix, effects_prefix = f"{prefix}costs", f"{prefix}effects"
    if post is None:
        lines = lines if isinstance(lines, dict) else {}
        costs, effects = lines_initial(lines, sources, actors=actors)
        return (
            CostFormSet(initial=_initial_rows(costs), prefix=costs_prefix, form_kwargs=cost_kwargs),
            EffectFormSet(
                initial=_initial_rows(effects), prefix=effects_prefix, form_kwargs=kwargs
            ),
        )
    return (
        CostFormSet(post, prefix=costs_prefix, form_kwargs=cost_kwargs),
        EffectFormSet(post, prefix=effects_prefix, form_kwargs=kwargs),
    )


def _alternative_forms(
    post: Any, kwargs: dict[str, Any], calculation: Calculation
) -> list[AlternativeForms]:
    """The formsets of the alternatives the guidelines name: bound to ``post``, or
    (without it) filled with the stored lines."""
    stored = _stored_alternatives(calculation)
    sources = calculation.alternative_sources or {}
    found = []
    for key, name in ALTERNATIVES:
        cost_set, effect_set = _formsets(
            post,
            f"{key}-",
            stored.get(key),
            sources.get(key),
            kwargs,
            actors=calculation.data.get("actors"),
        )
        found.append(AlternativeForms(key, name, ALTERNATIVE_LABELS[key], cost_set, effect_set))
    return found


GRID_PREFIXES = (
    "costs",
    "effects",
    *(f"{k}-{kind}" for k, _n in ALTERNATIVES for kind in ("costs", "effects")),
)


def _add_row(post: Any) -> str | None:
    """A row asked for without scripts (the grid's add button): one more form in that
    formset. Returns the grid's prefix."""
    prefix = post.get("add")
    if prefix not in GRID_PREFIXES:
        return None
    key = f"{prefix}-TOTAL_FORMS"
    post[key] = str(int(post.get(key) or 0) + 1)
    return str(prefix)


def _editor(
    org: Organisation, calculation: Calculation, post: Any = None, *, evaluate: bool = True
) -> Editor:
    unit_costs = _picklist(org)
    indices = selectors.price_indices_available_to(org)
    terms = selectors.rulebook_terms(calculation.case)
    stored = _stored_alternatives(calculation)
    years = grid_years(calculation.data)
    if post is not None:
        years = posted_years(post.get("grid-years")) or years
    parties = _parties(org)
    kwargs = {
        "source_choices": unit_cost_choices(unit_costs),
        "parties": parties,
        "years": years,
    }
    if post is None:
        general, _costs, _effects = initial_from_data(
            calculation.data, calculation.effect_sources, calculation.price_index
        )
        costs, effects = _formsets(
            None,
            "",
            calculation.data,
            calculation.effect_sources,
            kwargs,
            actors=calculation.data.get("actors"),
        )
        editor = Editor(
            CalculationForm(initial=general, price_indices=indices, terms=terms, prefix="calc"),
            costs,
            effects,
            terms=terms,
            years=years,
            unit_costs=unit_costs,
        )
        editor.alternatives = _alternative_forms(None, kwargs, calculation)
        editor.data, editor.result = calculation.data, calculation.result
        return editor
    post = post.copy()
    _add_row(post)
    by_id = {str(u.pk): u for u in unit_costs}
    for prefix in GRID_PREFIXES:
        if prefix.endswith("effects"):
            apply_picks(post, by_id, prefix=prefix)
    costs, effects = _formsets(post, "", None, None, kwargs)
    editor = Editor(
        CalculationForm(post, price_indices=indices, terms=terms, prefix="calc"),
        costs,
        effects,
        alternatives=_alternative_forms(post, kwargs, calculation),
        terms=terms,
        years=years,
        unit_costs=unit_costs,
    )
    # Validate every form (no short cut), so that every error shows at once.
    valid = [editor.general.is_valid(), *(formset.is_valid() for formset in editor.formsets)]
    if not all(valid):
        return editor
    editor.data, editor.lines = data_from_forms(editor.general, editor.costs, editor.effects)
    editor.sources = editor.lines.sources
    # Parts the editor has no forms for (actors, case-level ranges, the realisation plan,
    # the case's part of the repayment block) are kept as they were, so that saving does not drop them.
    for key in KEPT_KEYS:
        if key in calculation.data:
            editor.data[key] = calculation.data[key]
    alternatives: dict[str, Any] = {}
    for alt in editor.alternatives:
        alt.lines = lines_from_forms(alt.costs, alt.effects, editor.data["price_year"])
        spec = alternative_from_lines(alt.name, alt.lines)
        if spec is not None:
            alternatives[alt.key] = spec
            editor.alternative_sources[alt.key] = alt.lines.sources
    # Alternatives under other keys (e.g. from an imported file) have no forms: keep them.
    alternatives.update((k, v) for k, v in stored.items() if k not in ALTERNATIVE_LABELS)
    if alternatives:
        editor.data["alternatives"] = alternatives
    # The actors' perspectives chosen on the effect lines (the alternatives' actors are
    # listed too, as the organisation's unless chosen).
    # An actor new to the calculation takes its preset perspective (a registered party's
    # by its kind) unless the line chose one.
    chosen = apply_presets(
        perspectives_from_forms(editor.effects),
        parties.perspectives,
        known_actors(calculation.data),
    )
    for spec in alternatives.values():
        for effect in spec.get("effects") or []:
            if isinstance(effect, dict) and isinstance(effect.get("actor"), str):
                chosen.setdefault(effect["actor"], "")
    actors = merge_actors(calculation.data.get("actors"), chosen)
    if actors is not None:
        editor.data["actors"] = actors
    # What the save will store, so that the live results show the rulebook's terms too.
    editor.data = apply_terms(editor.data, terms)
    if evaluate:
        try:
            editor.result, editor.npv = engine.run_with_draws(
                editor.data, seed=calculation.pk, terms=terms
            )
        except engine.CalculationInvalid as error:
            editor.problems = _attach(error.problems, editor)
    return editor


KEPT_KEYS = ("repayment", "actors", "uncertainty", "realisation_plan")
_PATH = re.compile(
    r"^(?:alternatives\.([^.\[]+)\.)?(costs|effects)\[(\d+)\](?:\.([a-z_]+))?(?:\.(.+))?$"
)
_GENERAL = {
    "optimism_bias.costs": "optimism_bias_costs",
    "optimism_bias.effects": "optimism_bias_effects",
    "approval.basis": "approval_basis",
    "approval": "approval_basis",
    "price_index": "price_index",
}


def _line_form(editor: Editor, key: str | None, kind: str, index: int) -> tuple[Any, Any]:
    """The form a line of the data came from, and the year cell of a cost line; None for
    a line no form holds."""
    if key is None:
        lines, costs, effects = editor.lines, editor.costs, editor.effects
    else:
        alt = next((a for a in editor.alternatives if a.key == key), None)
        if alt is None:
            return None, None
        lines, costs, effects = alt.lines, alt.costs, alt.effects
    if lines is None:
        return None, None
    if kind == "costs":
        if index >= len(lines.cost_rows):
            return None, None
        return costs.forms[lines.cost_rows[index]], lines.cost_cells[index]
    if index >= len(lines.effect_rows):
        return None, None
    return effects.forms[lines.effect_rows[index]], None


def _field_of(editor: Editor, path: str) -> tuple[Any, str | None]:
    """The form and field (None: the line as a whole) a path of the data names; the form
    is None for a path no form holds."""
    match = _PATH.match(path)
    if match:
        key, kind, index, name, rest = match.groups()
        form, cell = _line_form(editor, key, kind, int(index))
        if form is None:
            return None, None
        if kind == "costs" and name in ("year", "amount", "uncertainty"):
            name = cell
        elif name == "volume" and rest and rest.isdigit():
            name = year_field(int(rest))
        elif name == "uncertainty" and rest:
            name = f"{rest.split('.')[0]}_low"
        if name not in form.fields or name in ("source", "source_applied"):
            name = None
        return form, name
    head = path.split(".")[0].split("[")[0]
    name = _GENERAL.get(path, _GENERAL.get(head, head))
    if name in editor.general.fields:
        return editor.general, name
    return None, None


def _attach(problems: list[engine.Problem], editor: Editor) -> list[engine.Problem]:
    """Put each engine problem next to its field; return those that belong to no field."""
    left = []
    for problem in problems:
        form, name = _field_of(editor, problem.path)
        if form is None:
            left.append(problem)
        else:
            form.add_error(name, problem.message)
    return left


@dataclass(frozen=True)
class Notice:
    """A warning of the engine as the editor says it: where, what, and a link to the field
    that fixes it."""

    where: str
    message: str
    href: str


def _line_name(editor: Editor, form: Any) -> str:
    """ "Effekt 2 (Färre placeringar)", "Kostnadsrad 1", "Ordinarie insats: effekt 1"."""
    for alt_key, formset in [(None, editor.costs), (None, editor.effects)] + [
        (alt.label, fs) for alt in editor.alternatives for fs in (alt.costs, alt.effects)
    ]:
        if form in formset.forms:
            number = formset.forms.index(form) + 1
            if formset.prefix.endswith("costs"):
                label = _("kostnadsrad %(n)s") % {"n": number}
            else:
                name = form["name"].value() or ""
                label = _("effekt %(n)s") % {"n": number}
                if name:
                    label = f"{label} ({name})"
            return f"{alt_key}: {label}" if alt_key else label[:1].upper() + label[1:]
    return ""


# Words of the exchange format that the engine's messages may name, as the editor says them.
_PLAIN_WORDS = {
    "price_index": _("prisindex"),
    "unit_cost_price_year": _("enhetskostnadens prisår"),
    "realised_savings": _("realiserade besparingar"),
    "horizon_years_after_end": _("år med effekter efter projektets slut"),
    "volume_after_end": _("volym per år därefter"),
}


def _plain(message: str) -> str:
    for key, words in _PLAIN_WORDS.items():
        message = message.replace(key, str(words))
    return message


def _notice(editor: Editor, path: str, message: str) -> Notice:
    form, name = _field_of(editor, path) if path else (None, None)
    where, href = "", ""
    if form is not None:
        if form is editor.general:
            field = form.fields[name] if name else None
            where = str(field.label) if field is not None else ""
        else:
            where = _line_name(editor, form)
            if name:
                where = f"{where}, {str(form.fields[name].label).lower()}"
        href = f"#{form[name].auto_id}" if name else f"#{form.prefix}"
    elif path.startswith("repayment"):
        where = _("Återföring")
    message = _plain(message)
    if path.endswith("unit_cost_price_year") and editor.data and not editor.data.get("price_index"):
        message = _(
            "enhetskostnaden är i ett annat prisår än kalkylens, men inget prisindex är valt: "
            "den används som den är. Välj ett prisindex under Förutsättningar, eller ange "
            "enhetskostnaden i kalkylens prisår."
        )
        if not href:
            href = "#id_calc-price_index"
    return Notice(where, message, href)


def _notices(editor: Editor, result: dict[str, Any] | None) -> list[Notice]:
    language = "en" if engine._language() == "en" else "sv"
    found = [_notice(editor, p.path, p.message) for p in editor.problems]
    for warning in (result or {}).get("warnings") or []:
        found.append(_notice(editor, warning.get("path", ""), warning.get(language, "")))
    return found


def _alternatives(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's comparison alternatives, with their label and the Monte Carlo chance
    that the intervention's NPV relative to them is at least 0."""
    chances = (result.get("monte_carlo") or {}).get("alternatives") or {}
    rows = []
    for alt in result.get("alternatives") or []:
        key = alt["key"]
        rows.append(
            {
                "key": key,
                "label": ALTERNATIVE_LABELS.get(key) or alt.get("name") or key,
                "totals": alt["totals"],
                "relative": alt["relative"],
                "chance": (chances.get(key) or {}).get("p_relative_npv_nonnegative"),
            }
        )
    return rows


def _results_context(calculation: Calculation, editor: Editor) -> dict[str, Any]:
    result = editor.result
    context: dict[str, Any] = {
        "editor": editor,
        "result": result,
        "problem_notices": [_notice(editor, p.path, p.message) for p in editor.problems],
    }
    if not result:
        return context
    context["notices"] = _notices(editor, result)[len(editor.problems) :]
    fund = _("Fonden")
    context["cumulative"] = charts.cumulative_by_party(result, fund)
    context["tornado"] = charts.tornado(result, charts.INPUT_LABELS)
    mc = result.get("monte_carlo")
    if mc and editor.data:
        # The draws the figures sum up: kept from the recompute, or (a stored result)
        # drawn again with the reported seed and draws.
        draws = editor.npv
        if draws is None:
            draws = engine.npv_draws(editor.data, seed=mc["seed"], draws=mc["draws"])
        context["distribution"] = charts.histogram(draws, mc)
    context["financiers"] = [
        (charts.party_label(k, fund), v) for k, v in result["totals"]["cost_by_financier"].items()
    ]
    context["alternatives"] = _alternatives(result)
    return context


def _page_context(
    request: HttpRequest,
    org: Organisation,
    case: Case,
    calculation: Calculation | None,
    editor: Editor | None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "org": org,
        "case": case,
        "calculation": calculation,
        "can_edit": access.may(request.user, case, Action.EDIT_CALCULATION),
        "snapshots": selectors.snapshots_of(case),
        "case_url": _case_url(org, case),
        "version": content_version(services.calculation_content(calculation))
        if calculation is not None
        else "",
    }
    if calculation is not None and editor is not None:
        context.update(_results_context(calculation, editor))
    return context


def _case_url(org: Organisation, case: Case) -> str:
    """The case's own calculation tab."""
    return reverse("case_calculation:tab", kwargs={"org_slug": org.slug, "pk": case.pk})


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def editor(request: AuthenticatedRequest, org: Organisation, case_id: int) -> HttpResponse:
    case = _case(request, org, case_id, edit=request.method == "POST")
    calculation = selectors.calculation_of(case)
    if request.method == "POST" and calculation is None:
        services.calculation_create(case=case, actor=request.user)
        messages.success(request, _("Kalkylen är skapad. Lägg till kostnader och effekter."))
        return redirect("calculations:editor", org_slug=org.slug, case_id=case.pk)
    if calculation is None:
        return render(
            request, "calculations/editor.html", _page_context(request, org, case, None, None)
        )
    if request.method == "POST":
        adding = request.POST.get("add") in GRID_PREFIXES
        form_editor = _editor(org, calculation, request.POST, evaluate=adding)
        if form_editor.data is not None and not adding:
            try:
                services.calculation_update(
                    calculation=calculation,
                    data=form_editor.data,
                    effect_sources=form_editor.sources,
                    alternative_sources=form_editor.alternative_sources,
                    price_index=form_editor.general.cleaned_data.get("price_index"),
                    actor=request.user,
                    version=request.POST.get(VERSION_FIELD) or None,
                )
            except StaleEdit as stale:
                # The editor keeps what was typed; the saved calculation opens alongside.
                messages.error(request, stale.message)
                context = _page_context(request, org, case, calculation, form_editor)
                context.update(version=stale.version, stale=stale)
                return render(request, "calculations/editor.html", context, status=409)
            except engine.CalculationInvalid as error:
                form_editor.problems = _attach(error.problems, form_editor)
            else:
                messages.success(request, _("Kalkylen är sparad."))
                return redirect("calculations:editor", org_slug=org.slug, case_id=case.pk)
        context = _page_context(request, org, case, calculation, form_editor)
        context["version"] = request.POST.get(VERSION_FIELD) or context["version"]
        return render(request, "calculations/editor.html", context, status=200)
    return render(
        request,
        "calculations/editor.html",
        _page_context(request, org, case, calculation, _editor(org, calculation)),
    )


# org_view first: a GET from another organisation gets 404, not 405.
@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def results(request: HttpRequest, org: Organisation, case_id: int) -> HttpResponse:
    """The results region, recomputed from the editor's unsaved form (htmx); nothing is stored."""
    case = _case(request, org, case_id, edit=True)
    calculation = selectors.calculation_of(case)
    if calculation is None:
        raise Http404
    form_editor = _editor(org, calculation, request.POST)
    context = _results_context(calculation, form_editor)
    context.update({"org": org, "case": case, "calculation": calculation, "partial": True})
    return render(request, "calculations/_results.html", context)


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def calculation_json(request: HttpRequest, org: Organisation, case_id: int) -> HttpResponse:
    """The calculation in the exchange format, ready for ``satsa calc``."""
    case = _case(request, org, case_id)
    calculation = selectors.calculation_of(case)
    if calculation is None:
        raise Http404
    response = JsonResponse(
        calculation.data, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="kalkyl-{org.slug}-{case.pk}.json"'
    return response


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def results_xlsx(request: HttpRequest, org: Organisation, case_id: int) -> HttpResponse:
    """The calculation's results as a workbook: key figures, flows per year, and who
    pays, who saves."""
    case = _case(request, org, case_id)
    calculation = selectors.calculation_of(case)
    if calculation is None or not calculation.result:
        raise Http404
    return http_response(
        tabular.write_results_xlsx(calculation.result),
        f"kalkyl-{org.slug}-{case.pk}-resultat.xlsx",
        "xlsx",
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def snapshot_json(request: HttpRequest, org: Organisation, case_id: int, pk: int) -> HttpResponse:
    case = _case(request, org, case_id)
    snapshot = get_object_or_404(selectors.snapshots_of(case), pk=pk)
    response = JsonResponse(
        {
            "reason": snapshot.reason,
            "created_at": snapshot.created_at.isoformat(),
            "input": snapshot.data,
            "result": snapshot.result,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="kalkyl-{org.slug}-{case.pk}-{snapshot.pk}.json"'
    )
    return response


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def case_tab(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    """The case's calculation tab: the calculation and its snapshots, read-only."""
    case = access.case_for(request.user, org, pk)
    calc = selectors.calculation_of(case)
    return render(
        request,
        "cases/calculation.html",
        case_context(
            request,
            org,
            case,
            "calculation",
            calc=calc,
            snapshots=list(selectors.snapshots_of(case)),
            realisation=selectors.realisation_summary(calc.result if calc else None, language()),
            can_edit=access.may(request.user, case, Action.EDIT_CALCULATION),
        ),
    )


# --- the realisation plan (effekthemtagningsplan) -------------------------------------


def _realisation_boards(org: Organisation, calculation: Calculation) -> list[str]:
    """The boards a plan may name: the organisation's boards that are actors of the
    calculation first (they have savings to take home), then the other boards."""
    boards = list(org.boards.values_list("name", flat=True))
    actors = set((calculation.result or {}).get("actors") or [])
    return [b for b in boards if b in actors] + [b for b in boards if b not in actors]


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def realisation(request: AuthenticatedRequest, org: Organisation, case_id: int) -> HttpResponse:
    """The case's realisation plan: per board and year, how the cash-releasing savings
    are taken home, beside the savings the calculation expects."""
    case = _case(request, org, case_id, edit=request.method == "POST")
    calculation = selectors.calculation_of(case)
    if calculation is None:
        raise Http404
    can_edit = access.may(request.user, case, Action.EDIT_CALCULATION)
    boards = _realisation_boards(org, calculation)
    version = content_version(services.calculation_content(calculation))
    status, errors = 200, []
    if request.method == "POST":
        # Keep the version the form was loaded from: a refused save changes nothing, and
        # the next one must still notice anyone else's save in between.
        version = request.POST.get(VERSION_FIELD) or version
        formset = RealisationFormSet(request.POST, prefix="plan", form_kwargs={"boards": boards})
        if formset.is_valid():
            entries = [
                services.RealisationEntry(
                    board=form.cleaned_data["board"],
                    year=form.cleaned_data["year"],
                    amount=form.cleaned_data["amount"],
                    measure=form.cleaned_data["measure"],
                )
                for form in formset.forms
                if not form.is_blank and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.calculation_realisation_set(
                    calculation=calculation,
                    entries=entries,
                    actor=request.user,
                    version=request.POST.get(VERSION_FIELD) or None,
                )
            except StaleEdit as stale:
                messages.error(request, stale.message)
                version, status = stale.version, 409
            except ValidationError as error:
                # The rows stay as typed; the problems are listed above them.
                errors = error.messages
            else:
                messages.success(request, _("Effekthemtagningsplanen är sparad."))
                return redirect("case_calculation:tab", org_slug=org.slug, pk=case.pk)
    else:
        formset = RealisationFormSet(
            initial=realisation_initial(selectors.realisation_plan_entries(calculation)),
            prefix="plan",
            form_kwargs={"boards": boards},
        )
    return render(
        request,
        "calculations/realisation.html",
        _realisation_context(org, case, calculation, formset, can_edit, version, errors),
        status=status,
    )


def _realisation_context(
    org: Organisation,
    case: Case,
    calculation: Calculation,
    formset: Any,
    can_edit: bool,
    version: str,
    errors: list[str],
) -> dict[str, Any]:
    return {
        "org": org,
        "case": case,
        "calculation": calculation,
        "formset": formset,
        "can_edit": can_edit,
        "version": version,
        "plan_errors": errors,
        "realisation": selectors.realisation_summary(calculation.result, language()),
        "cash": selectors.cashable_savings_by_board(
            calculation.result, list(org.boards.values_list("name", flat=True))
        ),
        "case_url": _case_url(org, case),
    }


# --- the calculation as a workbook -----------------------------------------------------


def _codes(unit_costs: list[UnitCost]) -> dict[Any, str]:
    return {u.pk: u.code for u in unit_costs}


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def calculation_xlsx(request: HttpRequest, org: Organisation, case_id: int) -> HttpResponse:
    """The whole calculation as a workbook: assumptions, the grids, flows and results."""
    case = _case(request, org, case_id)
    calculation = selectors.calculation_of(case)
    if calculation is None:
        raise Http404
    content = tabular.calculation_workbook(
        data=calculation.data,
        result=calculation.result,
        sources=calculation.effect_sources or [],
        alternative_sources=calculation.alternative_sources or {},
        codes=_codes(_picklist(org)),
        price_index_name=calculation.price_index.name if calculation.price_index else "",
    )
    return http_response(content, f"kalkyl-{org.slug}-{case.pk}.xlsx", "xlsx")


def _where(cell: tabular.Cell | None) -> str:
    if cell is None:
        return ""
    if cell.column:
        return _("Blad ”%(sheet)s”, rad %(row)s, kolumn ”%(column)s”") % {
            "sheet": cell.sheet,
            "row": cell.row,
            "column": cell.column,
        }
    return _("Blad ”%(sheet)s”, rad %(row)s") % {"sheet": cell.sheet, "row": cell.row}


def _import_problems(editor: Editor, read: tabular.ReadCalculation) -> list[str]:
    """Every error of the imported workbook, named by sheet, row and column."""
    problems: list[str] = []
    for form in editor.forms:
        if not form.is_bound or not form.errors:
            continue
        for name, errors in form.errors.items():
            key = f"{form.prefix}-{name}" if name != "__all__" else form.prefix
            cell = read.cells.get(key) or read.cells.get(form.prefix)
            if cell is None and name != "__all__":
                label = str(form.fields[name].label) if name in form.fields else name
                cell = tabular.Cell(tabular.SHEET_INPUTS, 0, label)
            where = _where(cell) if cell and cell.row else str(cell.column if cell else "")
            problems.extend(f"{where}: {e}" if where else str(e) for e in errors)
    for notice in (_notice(editor, p.path, p.message) for p in editor.problems):
        problems.append(f"{notice.where}: {notice.message}" if notice.where else notice.message)
    return problems


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def calculation_import(
    request: AuthenticatedRequest, org: Organisation, case_id: int
) -> HttpResponse:
    """A filled workbook read back into the calculation: all of it, or nothing."""
    case = _case(request, org, case_id, edit=True)
    calculation = selectors.calculation_of(case)
    if calculation is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        unit_costs = _picklist(org)
        indices = {i.name.casefold(): i.pk for i in selectors.price_indices_available_to(org)}
        try:
            read = tabular.read_calculation(
                form.cleaned_data["file"].read(),
                codes={u.code.casefold(): u.pk for u in reversed(unit_costs)},
                price_indices=indices,
            )
        except tabular.TableFileError as error:
            problems = [str(error)]
        else:
            read.post[VERSION_FIELD] = request.POST.get(VERSION_FIELD, "")
            imported = _editor(org, calculation, read.post, evaluate=False)
            if imported.data is not None:
                try:
                    services.calculation_update(
                        calculation=calculation,
                        data=imported.data,
                        effect_sources=imported.sources,
                        alternative_sources=imported.alternative_sources,
                        price_index=imported.general.cleaned_data.get("price_index"),
                        actor=request.user,
                        version=request.POST.get(VERSION_FIELD) or None,
                    )
                except StaleEdit as stale:
                    problems = [str(stale.message)]
                except engine.CalculationInvalid as error:
                    imported.problems = _attach(error.problems, imported)
                else:
                    messages.success(request, _("Kalkylen är inläst från filen."))
                    return redirect("calculations:editor", org_slug=org.slug, case_id=case.pk)
            problems = problems or _import_problems(imported, read)
    return render(
        request,
        "calculations/calculation_import.html",
        {
            "org": org,
            "case": case,
            "form": form,
            "problems": problems,
            "version": content_version(services.calculation_content(calculation)),
        },
        status=400 if problems else 200,
    )
