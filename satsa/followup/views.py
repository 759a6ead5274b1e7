"""Screens of follow-up and evaluation: fetch, check access, call a service, respond."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.cases import access
from satsa.cases.access import Action
from satsa.cases.models import Case
from satsa.core import tabular
from satsa.core.concurrency import FIELD as VERSION_FIELD
from satsa.core.concurrency import StaleEdit, content_version
from satsa.core.money import AUTO, percent
from satsa.core.paging import page_of
from satsa.core.tabular import Column, Kind, Table
from satsa.core.uploads import content_type_of
from satsa.evaluation import MIN_GROUP_SIZE
from satsa.evaluation.plots import event_study_svg
from satsa.files import services as file_services
from satsa.files.views import import_started, imports_context
from satsa.followup import selectors, services
from satsa.followup.charts import measure_chart
from satsa.followup.files import INSTRUMENT_RESULTS, MEASURE_VALUES
from satsa.followup.forms import (
    ActivityForm,
    EvaluationForm,
    FidelityComponentFormSet,
    FidelityForm,
    ImplementationForm,
    InstrumentUploadForm,
    MeasureForm,
    ReportAttachmentForm,
    ReportForm,
    ReturnForm,
    SchemaForm,
    SubGoalForm,
    TerminationDecisionForm,
    TerminationPositionForm,
    TerminationProposalForm,
    UploadForm,
    ValueForm,
)
from satsa.followup.models import (
    EffectEvaluation,
    Group,
    Instrument,
    Measure,
    MeasureKind,
    Occasion,
    PlanStatus,
    ProposalStatus,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
    TerminationProposal,
)
from satsa.funds.services import co_financing_min_share
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, org_view, people_with_perm
from satsa.orgs.roles import Perm
from satsa.types import AuthenticatedRequest


def _context(request: HttpRequest, org: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "org": org,
        "can": {perm.value: has_perm(request.user, org, perm) for perm in Perm},
        "min_group_size": MIN_GROUP_SIZE,
        "group_labels": dict(Group.choices),
        "occasion_labels": dict(Occasion.choices),
        **extra,
    }


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _error_message(request: HttpRequest, error: ValidationError | NotPermitted) -> None:
    for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
        messages.error(request, message)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _measure(request: HttpRequest, org: Organisation, pk: int) -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related("schema__case"), pk=pk, schema__organisation=org
    )
    access.case_for(request.user, org, measure.schema.case_id)
    return measure


def _report(request: HttpRequest, org: Organisation, pk: int) -> Report:
    report = get_object_or_404(Report.objects.select_related("case"), pk=pk, organisation=org)
    access.case_for(request.user, org, report.case_id)
    return report


# --- overview and case page ----------------------------------------------------------------


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def overview(request: HttpRequest, org: Organisation) -> HttpResponse:
    cases = list(access.visible_cases(request.user, org, access.Purpose.FOLLOWUP).order_by("title"))
    # The count over every case reads only what the signals need; the rows, with their
    # signals, a page at a time.
    flagged = len(selectors.off_plan_case_ids(cases))
    page = page_of(request, cases)
    rows = selectors.case_followups(list(page.object_list))
    return render(
        request,
        "followup/overview.html",
        _context(request, org, rows=rows, page=page, flagged=flagged),
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def case_detail(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    info = selectors.case_followup(case)
    measures = []
    if info.schema is not None:
        for m in info.schema.measures.select_related("subgoal"):
            measures.append(
                {
                    "measure": m,
                    "latest": selectors.latest_value(m, Group.TREATMENT),
                    "latest_control": selectors.latest_value(m, Group.CONTROL),
                    "progress": selectors.progress_share(m),
                }
            )
    user = request.user
    open_termination = selectors.open_termination(case)
    return render(
        request,
        "followup/case.html",
        _context(
            request,
            org,
            case=case,
            info=info,
            measures=measures,
            may_report=access.may(user, case, Action.REPORT),
            may_edit_schema=access.may(user, case, Action.REPORT),
            may_propose_termination=not _refusal(
                services.check_termination_propose, actor=user, case=case
            ),
            open_termination=open_termination,
            conditions=dict(services.termination_conditions(case)),
            decision_form=TerminationDecisionForm(),
            position_form=TerminationPositionForm(),
            position_refusal=open_termination
            and _refusal(
                services.check_termination_position, actor=user, proposal=open_termination
            ),
            decide_refusal=open_termination
            and _refusal(services.check_termination_decide, actor=user, proposal=open_termination),
            may_decide=has_perm(user, org, Perm.RECORD_DECISION),
            implementation_refusal=_refusal(
                services.check_implementation_decide, actor=user, case=case
            ),
            fidelity_required=selectors.fidelity_required(case),
            last_fidelity=selectors.fidelity_checks(case).first(),
        ),
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def case_export(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    """The measures' aggregate values as CSV; values resting on fewer than 5 are withheld."""
    case = access.case_for(request.user, org, pk)
    schema = selectors.schema_of(case)
    columns = [
        Column("matt"),
        Column("typ"),
        Column("enhet"),
        Column("basvarde", Kind.DECIMAL),
        Column("malvarde", Kind.DECIMAL),
        Column("grupp"),
        Column("period"),
        Column("matdatum", Kind.DATE),
        Column("varde", Kind.DECIMAL),
        Column("antal", Kind.INT),
    ]
    rows = (
        [
            m.name,
            m.kind,
            m.unit,
            m.baseline_value,
            m.target_value,
            row.group,
            row.period_label,
            row.measured_on,
            row.value,
            row.n,
        ]
        for m in (schema.measures.all() if schema is not None else [])
        for row in selectors.measure_values(m)
    )
    return tabular.http_response(Table(columns, rows), f"uppfoljning-{case.pk}.csv", "csv")


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def case_api(request: HttpRequest, org: Organisation, pk: int) -> JsonResponse:
    """Follow-up of one case as JSON: measures with suppressed values, reports, the latest
    effect evaluation (already suppressed when recorded) and the off-plan signals."""
    case = access.case_for(request.user, org, pk)
    schema = selectors.schema_of(case)
    evaluation = selectors.latest_evaluation(case)
    data: dict[str, Any] = {
        "case": case.pk,
        "stage": case.stage,
        "min_group_size": MIN_GROUP_SIZE,
        "measures": [
            {
                "id": m.pk,
                "name": m.name,
                "kind": m.kind,
                "unit": m.unit,
                "baseline": None if m.baseline_value is None else str(m.baseline_value),
                "target": None if m.target_value is None else str(m.target_value),
                "values": [
                    {
                        "group": r.group,
                        "period": r.period_label,
                        "measured_on": r.measured_on.isoformat(),
                        "value": None if r.value is None else str(r.value),
                        "n": r.n,
                    }
                    for r in selectors.measure_values(m)
                ],
            }
            for m in (schema.measures.all() if schema else [])
        ],
        "reports": [
            {
                "kind": r.kind,
                "period": r.period_name,
                "due_date": r.due_date.isoformat(),
                "status": r.status,
                "claim_amount": None if r.claim_amount is None else str(r.claim_amount),
            }
            for r in selectors.reports_of(case)
        ],
        "effect_evaluation": None
        if evaluation is None
        else {
            "results": evaluation.results,
            "realised_savings": evaluation.realised_savings,
            "expected_savings": evaluation.expected_savings,
        },
        "signals": [s.code for s in selectors.off_plan_signals(case)],
    }
    return JsonResponse(data)


# --- the schema -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def schema_edit(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    _require(access.may(request.user, case, Action.REPORT))
    schema = selectors.schema_of(case)
    initial = {}
    if schema is not None:
        initial = {
            "overall_goal": schema.overall_goal,
            "target_group": schema.target_group,
            "comparison_group": schema.comparison_group,
            "no_comparison_reason": schema.no_comparison_reason,
        }
    elif case.target_group:
        initial = {"target_group": case.target_group}
    form = SchemaForm(request.POST or None, initial=initial)
    version = content_version(services.schema_content(schema))
    stale_fields: list[tuple[str, str]] = []
    if request.method == "POST":
        version = request.POST.get(VERSION_FIELD) or version
    if request.method == "POST" and form.is_valid():
        try:
            services.schema_save(
                case=case,
                actor=request.user,
                version=request.POST.get(VERSION_FIELD) or None,
                **form.cleaned_data,
            )
        except StaleEdit as stale:
            # What was typed stays in the form; what the other person saved is shown.
            messages.error(request, stale.message)
            version = stale.version
            fresh = selectors.schema_of(case)
            for name in ("overall_goal", "target_group", "comparison_group"):
                theirs = getattr(fresh, name, "")
                if theirs != form.cleaned_data.get(name, ""):
                    stale_fields.append((str(form.fields[name].label), theirs))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Utvärderingsschemat har sparats."))
            return redirect("followup:schema", org_slug=org.slug, pk=case.pk)
    return render(
        request,
        "followup/schema.html",
        _context(
            request,
            org,
            case=case,
            schema=schema,
            form=form,
            version=version,
            stale_fields=stale_fields,
            subgoal_form=SubGoalForm(),
            activity_form=ActivityForm(schema=schema) if schema else None,
            missing=selectors.schema_is_complete(case),
            powers=[
                p
                for m in (schema.measures.all() if schema else [])
                if (p := selectors.planned_power(m)) is not None
            ],
        ),
    )


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def subgoal_add(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    _require(access.may(request.user, case, Action.REPORT))
    schema = selectors.schema_of(case)
    if schema is None:
        messages.error(request, _("Spara schemats mål och målgrupp först."))
        return redirect("followup:schema", org_slug=org.slug, pk=case.pk)
    form = SubGoalForm(request.POST)
    if form.is_valid():
        try:
            services.schema_subgoal_add(schema=schema, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Delmålet har lagts till."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Skriv delmålet."))
    return redirect("followup:schema", org_slug=org.slug, pk=case.pk)


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def activity_add(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    _require(access.may(request.user, case, Action.REPORT))
    schema = selectors.schema_of(case)
    if schema is None:
        raise Http404
    form = ActivityForm(request.POST, schema=schema)
    if form.is_valid():
        try:
            services.schema_activity_add(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Aktiviteten har lagts till."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Välj delmål och beskriv aktiviteten."))
    return redirect("followup:schema", org_slug=org.slug, pk=case.pk)


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def measure_add(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    _require(access.may(request.user, case, Action.REPORT))
    schema = selectors.schema_of(case)
    if schema is None:
        messages.error(request, _("Spara schemats mål och målgrupp först."))
        return redirect("followup:schema", org_slug=org.slug, pk=case.pk)
    lines = selectors.calculation_effect_lines(case)
    form = MeasureForm(request.POST or None, schema=schema, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            services.schema_measure_add(schema=schema, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Måttet har lagts till."))
            return redirect("followup:schema", org_slug=org.slug, pk=case.pk)
    return render(
        request,
        "followup/measure_add.html",
        _context(request, org, case=case, form=form, lines=lines),
    )


# --- measurements ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def measure_detail(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    measure = _measure(request, org, pk)
    case = measure.schema.case
    may_report = access.may(request.user, case, Action.REPORT)
    form = ValueForm(request.POST or None, about_people=measure.about_people)
    if request.method == "POST":
        _require(may_report)
        if form.is_valid():
            try:
                services.measure_value_record(
                    measure=measure, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Mätvärdet har sparats."))
                return redirect("followup:measure", org_slug=org.slug, pk=measure.pk)
    values = selectors.measure_values(measure)
    shown = [(v.measured_on, v.value, v.group) for v in values if v.value is not None]
    chart = measure_chart(
        title=_("%(name)s över tid") % {"name": measure.name},
        treatment=[(day, value) for day, value, group in shown if group == Group.TREATMENT],
        control=[(day, value) for day, value, group in shown if group == Group.CONTROL],
        baseline=measure.baseline_value,
        target=measure.target_value,
        start=measure.baseline_date,
    )
    event_study = selectors.aggregate_event_study_of(measure)
    individual = None
    may_see_individual = has_perm(request.user, org, Perm.VIEW_INDIVIDUAL_DATA)
    if may_see_individual and measure.person_values.exists():
        rows = selectors.person_measurements(measure)
        individual = {
            "table": selectors.aggregate_table(rows),
            "evaluation": selectors.evaluation_of(rows),
        }
        services.individual_data_viewed(case=case, actor=request.user, what=f"measure:{measure.pk}")
    return render(
        request,
        "followup/measure.html",
        _context(
            request,
            org,
            case=case,
            measure=measure,
            values=values,
            chart=chart,
            form=form,
            may_report=may_report,
            individual=individual,
            has_individual=measure.person_values.exists(),
            may_see_individual=may_see_individual,
            upload_form=UploadForm(),
            **(
                imports_context(
                    org=org,
                    actor=request.user,
                    kind=MEASURE_VALUES,
                    params={"measure": str(measure.pk)},
                )
                if may_report
                else {}
            ),
            # the effect so far, from the aggregate values (already suppressed)
            aggregate_evaluation=None
            if measure.kind in (MeasureKind.ACTIVITY, MeasureKind.ECONOMIC)
            else selectors.aggregate_evaluation_of(measure),
            event_study=event_study,
            event_study_chart=mark_safe(  # noqa: S308 - numbers and fixed, escaped text only
                event_study_svg(event_study["event_study"], lang=get_language() or "sv")
            )
            if event_study
            else "",
        ),
    )


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def measure_import(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """Keep the uploaded file and queue its import; the measure's page shows the result
    (or the faulty rows) as soon as the worker has imported it."""
    measure = _measure(request, org, pk)
    _require(access.may(request.user, measure.schema.case, Action.REPORT))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("followup:measure", org_slug=org.slug, pk=measure.pk)
    _import_start(
        request, org, MEASURE_VALUES, {"measure": str(measure.pk)}, form.cleaned_data["file"]
    )
    return redirect("followup:measure", org_slug=org.slug, pk=measure.pk)


def _import_start(
    request: AuthenticatedRequest,
    org: Organisation,
    kind: str,
    params: dict[str, str],
    upload: Any,
) -> bool:
    """Start an import in the background (``satsa.files``); False when it did not start."""
    try:
        made = file_services.import_request(
            organisation=org,
            kind=kind,
            params=params,
            upload=upload,
            filename=upload.name,
            actor=request.user,
        )
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    import_started(request, made)
    return True


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def instruments(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    may_report = access.may(request.user, case, Action.REPORT)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require(may_report)
        if form.is_valid():
            params = {"case": str(case.pk), "instrument": form.cleaned_data["instrument"]}
            if _import_start(request, org, INSTRUMENT_RESULTS, params, form.cleaned_data["file"]):
                return redirect("followup:instruments", org_slug=org.slug, pk=case.pk)
    sections = []
    may_see_individual = has_perm(request.user, org, Perm.VIEW_INDIVIDUAL_DATA)
    if may_see_individual:
        for instrument, scores in selectors.INSTRUMENT_SCORES.items():
            for score, label in scores:
                rows = selectors.instrument_measurements(case, instrument, score)
                if rows:
                    sections.append(
                        {
                            "id": f"{instrument}-{score}",
                            "label": label,
                            "table": selectors.aggregate_table(rows),
                            "evaluation": selectors.evaluation_of(rows),
                        }
                    )
        if sections:
            services.individual_data_viewed(case=case, actor=request.user, what="instruments")
    return render(
        request,
        "followup/instruments.html",
        _context(
            request,
            org,
            case=case,
            form=form,
            may_report=may_report,
            may_see_individual=may_see_individual,
            sections=sections,
            instruments=Instrument.choices,
            **(
                imports_context(
                    org=org,
                    actor=request.user,
                    kind=INSTRUMENT_RESULTS,
                    params={"case": str(case.pk)},
                )
                if may_report
                else {}
            ),
        ),
    )


# --- reports --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def report_detail(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    report = _report(request, org, pk)
    case = report.case
    may_write = access.may(request.user, case, Action.REPORT)
    # Why the report cannot be sent now (a closed case's periodic report), told up front.
    refusal = services.check_report_submit(report) if may_write else None
    may_report = may_write and refusal is None
    plan = selectors.report_plan(case)
    initial = {
        "activities": report.activities,
        "ways_of_working": report.ways_of_working,
        "effects": report.effects,
        "deviations": report.deviations,
        "spent_to_date": report.spent_to_date,
        "claim_amount": report.claim_amount,
        "costs_incurred": report.costs_incurred,
        "plan_status": report.plan_status,
        "plan_progress": report.plan_progress,
    }
    share = co_financing_min_share(case) if report.kind != ReportKind.FOLLOW_UP else None
    form = ReportForm(
        request.POST or None,
        initial=initial,
        plan=plan,
        co_financing=percent(share, decimals=AUTO) if share is not None else "",
    )
    if request.method == "POST":
        _require(may_report)
        if form.is_valid():
            draft = request.POST.get("action") == "draft"
            try:
                if draft:
                    services.report_save_draft(
                        report=report, actor=request.user, **form.service_values()
                    )
                else:
                    services.report_submit(
                        report=report, actor=request.user, **form.service_values()
                    )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                if draft:
                    messages.success(
                        request, _("Utkastet är sparat. Du kan fortsätta skriva senare.")
                    )
                else:
                    messages.success(request, _("Rapporten har lämnats in."))
                return redirect("followup:report", org_slug=org.slug, pk=report.pk)
    budget = selectors.budget_to(case, report.period_end)
    spent = report.spent_to_date
    may_review = (
        has_perm(request.user, org, Perm.MANAGE_EVALUATION)
        and report.status == ReportStatus.SUBMITTED
    )
    return render(
        request,
        "followup/report.html",
        _context(
            request,
            org,
            case=case,
            report=report,
            form=form,
            may_report=may_report,
            # Only a report still to be written is refused for the case's stage.
            submit_refusal=refusal
            if report.status in (ReportStatus.SCHEDULED, ReportStatus.RETURNED)
            else None,
            may_review=may_review,
            return_form=ReturnForm(),
            budget=budget,
            spent=spent,
            claimed=selectors.claimed_to_date(case),
            snapshot=report.measures_snapshot or selectors.measures_snapshot(case),
            plan=plan,
            plan_rows=[
                (
                    a,
                    PlanStatus(status).label
                    if (status := (report.plan_status.get(str(a.id)) or {}).get("status"))
                    in PlanStatus.values
                    else "",
                    (report.plan_status.get(str(a.id)) or {}).get("comment", ""),
                )
                for a in plan.activities
            ],
            report_attachments=selectors.report_attachments(report),
            attachment_form=ReportAttachmentForm(),
        ),
    )


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def report_attachment_add(
    request: AuthenticatedRequest, org: Organisation, pk: int
) -> HttpResponse:
    report = _report(request, org, pk)
    form = ReportAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attachment_add(
                report=report, actor=request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Filen är bifogad."))
    else:
        messages.error(request, _("Välj en fil."))
    return redirect("followup:report", org_slug=org.slug, pk=report.pk)


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def report_attachment_withdraw(
    request: AuthenticatedRequest, org: Organisation, pk: int, attachment_id: int
) -> HttpResponse:
    report = _report(request, org, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
    try:
        services.report_attachment_withdraw(attachment=attachment, actor=request.user)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Bilagan är borttagen."))
    return redirect("followup:report", org_slug=org.slug, pk=report.pk)


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def report_attachment(
    request: HttpRequest, org: Organisation, pk: int, attachment_id: int
) -> FileResponse:
    """A report's attachment, to whoever may see the case; always downloaded."""
    report = _report(request, org, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type_of(attachment.original_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@org_view(Perm.MANAGE_EVALUATION)
@require_POST
def report_review(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    report = _report(request, org, pk)
    try:
        if request.POST.get("action") == "return":
            form = ReturnForm(request.POST)
            services.report_return(
                report=report, actor=request.user, reason=form.data.get("reason", "")
            )
            messages.success(request, _("Rapporten har återsänts för komplettering."))
        else:
            services.report_approve(report=report, actor=request.user)
            messages.success(request, _("Rapporten har godkänts."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect("followup:report", org_slug=org.slug, pk=report.pk)


# --- effect evaluation ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def evaluation_new(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    _require(has_perm(request.user, org, Perm.MANAGE_EVALUATION))
    schema = selectors.schema_of(case)
    economic = []
    if schema is not None:
        for m in schema.measures.filter(kind=MeasureKind.ECONOMIC):
            economic.append((m, services.derived_volume(m)))
    form = EvaluationForm(request.POST or None, economic=economic)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.effect_evaluation_record(
                case=case,
                actor=request.user,
                conclusion=form.cleaned_data["conclusion"],
                volumes=form.volumes(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Effektutvärderingen har registrerats."))
            return redirect("followup:evaluation", org_slug=org.slug, pk=evaluation.pk)
    return render(
        request,
        "followup/evaluation_new.html",
        _context(request, org, case=case, form=form, economic=economic),
    )


def _savings_rows(evaluation: EffectEvaluation) -> list[dict[str, Any]]:
    boards = sorted(set(evaluation.realised_savings) | set(evaluation.expected_savings))
    return [
        {
            "board": b,
            "expected": Decimal(evaluation.expected_savings[b])
            if b in evaluation.expected_savings
            else None,
            "realised": Decimal(evaluation.realised_savings[b])
            if b in evaluation.realised_savings
            else None,
        }
        for b in boards
    ]


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def evaluation_detail(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(EffectEvaluation, pk=pk, organisation=org)
    case = access.case_for(request.user, org, evaluation.case_id)
    return render(
        request,
        "followup/evaluation.html",
        _context(
            request,
            org,
            case=case,
            evaluation=evaluation,
            savings=_savings_rows(evaluation),
            may_settle=has_perm(request.user, org, Perm.MANAGE_EVALUATION)
            and evaluation.settled_at is None,
        ),
    )


@org_view(Perm.MANAGE_EVALUATION)
@require_POST
def evaluation_settle(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(EffectEvaluation, pk=pk, organisation=org)
    access.case_for(request.user, org, evaluation.case_id)
    try:
        services.effect_evaluation_settle(evaluation=evaluation, actor=request.user)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("De realiserade besparingarna har lämnats till återföringen."))
    return redirect("followup:evaluation", org_slug=org.slug, pk=evaluation.pk)


# --- termination and implementation ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def termination_propose(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    refusal = _refusal(services.check_termination_propose, actor=request.user, case=case)
    conditions = services.termination_conditions(case)
    form = TerminationProposalForm(request.POST or None, conditions=conditions)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            services.termination_propose(
                case=case,
                actor=request.user,
                reasons=form.cleaned_data["reasons"],
                assessment=form.assessment(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Förslaget om avbrytande har registrerats."))
            return redirect("followup:case", org_slug=org.slug, pk=case.pk)
    return render(
        request,
        "followup/termination.html",
        _context(
            request,
            org,
            case=case,
            form=None if refusal else form,
            refusal=refusal,
            conditions=conditions,
            signals=selectors.off_plan_signals(case),
        ),
    )


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def termination_position(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    proposal = get_object_or_404(TerminationProposal, pk=pk, organisation=org)
    case = access.case_for(request.user, org, proposal.case_id)
    form = TerminationPositionForm(request.POST)
    if form.is_valid():
        try:
            services.termination_position(
                proposal=proposal, actor=request.user, **form.cleaned_data
            )
        except (NotPermitted, ValidationError) as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Projektägarens ställningstagande har registrerats."))
    else:
        messages.error(request, _("Ange ställningstagande och motivering."))
    return redirect("followup:case", org_slug=org.slug, pk=case.pk)


@org_view(Perm.RECORD_DECISION)
@require_POST
def termination_decide(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        TerminationProposal, pk=pk, organisation=org, status=ProposalStatus.PROPOSED
    )
    case = access.case_for(request.user, org, proposal.case_id)
    form = TerminationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.termination_decide(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Beslutet om avbrytande har registrerats."))
    else:
        messages.error(request, _("Fyll i beslut, motivering och beslutsdatum."))
    return redirect("followup:case", org_slug=org.slug, pk=case.pk)


def _refusal(check: Any, **kwargs: Any) -> str:
    """What a service's ``check_*`` refuses, as the sentence the page shows before its form."""
    try:
        check(**kwargs)
    except (NotPermitted, ValidationError) as error:
        return " ".join(str(m) for m in getattr(error, "messages", [error]))
    return ""


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def implementation(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    refusal = _refusal(services.check_implementation_decide, actor=request.user, case=case)
    form = ImplementationForm(request.POST or None)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            services.implementation_decide(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Implementeringsbeslutet har registrerats."))
            return redirect("followup:case", org_slug=org.slug, pk=case.pk)
    evaluation = selectors.latest_evaluation(case)
    return render(
        request,
        "followup/implementation.html",
        _context(
            request,
            org,
            case=case,
            form=None if refusal else form,
            refusal=refusal,
            recorders=people_with_perm(org, Perm.RECORD_DECISION)
            if has_perm(request.user, org, Perm.VIEW_PEOPLE)
            else [],
            evaluation=evaluation,
            savings=_savings_rows(evaluation) if evaluation else [],
        ),
    )


__all__ = ["Case"]


# --- fidelity to the method ---------------------------------------------------------------

# empty component rows offered beyond the components of the last check
FIDELITY_EMPTY_ROWS = 3


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def fidelity(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """The case's checks of fidelity to its method, and a form for the next one."""
    case = access.case_for(request.user, org, pk)
    may_check = access.may(request.user, case, Action.REPORT)
    checks = list(selectors.fidelity_checks(case))
    last = checks[0] if checks else None
    if request.method == "POST":
        _require(may_check)
        form = FidelityForm(request.POST)
        rows = FidelityComponentFormSet(request.POST, prefix="components")
        if form.is_valid() and rows.is_valid():
            components = [
                (
                    row.cleaned_data["component"],
                    row.cleaned_data["rating"],
                    row.cleaned_data["comment"],
                )
                for row in rows
                if not row.is_blank()
            ]
            try:
                services.fidelity_check_record(
                    case=case, actor=request.user, components=components, **form.cleaned_data
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Bedömningen av metodtroheten är sparad."))
                return redirect("followup:fidelity", org_slug=org.slug, pk=case.pk)
    else:
        form = FidelityForm(initial={"method": last.method if last else ""})
        named = [{"component": c["component"]} for c in last.components] if last else []
        rows = FidelityComponentFormSet(
            prefix="components", initial=named + [{}] * FIDELITY_EMPTY_ROWS
        )
    return render(
        request,
        "followup/fidelity.html",
        _context(
            request,
            org,
            case=case,
            checks=checks,
            form=form,
            rows=rows,
            may_check=may_check,
            required=selectors.fidelity_required(case),
        ),
    )
