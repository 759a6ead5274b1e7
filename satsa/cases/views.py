"""Screens of the case pipeline: the board, my tasks, and the case page with its tabs.

Views fetch the case through :func:`satsa.cases.access.case_for` (404 when not visible), call
one service, and turn its ValidationError into messages or form errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.cases import access, services
from satsa.cases import selectors as sel
from satsa.cases.access import Action
from satsa.cases.forms import (
    AdvanceForm,
    ApplicationForm,
    AttachmentForm,
    AttachmentReplaceForm,
    BoardCommentForm,
    CasePeopleForm,
    CoApplicantForm,
    CriteriaForm,
    ExemptionForm,
    FilterForm,
    IdeaForm,
    NeedsForm,
    PartnerSignatureForm,
    PartsForm,
    RejectForm,
)
from satsa.cases.models import (
    Attachment,
    BoardNotice,
    Case,
    CriterionAssessment,
    NeedsAnalysis,
    Stage,
)
from satsa.core.concurrency import FIELD as VERSION_FIELD
from satsa.core.concurrency import StaleEdit, content_version
from satsa.core.paging import PARAM, page_of, per_page
from satsa.core.uploads import content_type_of
from satsa.events.selectors import events_for_object
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.permissions import has_perm, org_view, roles_in
from satsa.orgs.roles import Perm, Role
from satsa.rulebooks.selectors import rulebook_for
from satsa.rules import RULES
from satsa.types import AuthenticatedRequest

# The case's tabs: (tab, URL name, label). The calculation and the decision are shown by
# the apps that own them (satsa.calculations, satsa.decisions) under the case's URLs.
TABS = [
    ("overview", "cases:overview", gettext_lazy("Översikt")),
    ("idea", "cases:idea", gettext_lazy("Idé")),
    ("application", "cases:application", gettext_lazy("Ansökan")),
    ("calculation", "case_calculation:tab", gettext_lazy("Kalkyl")),
    ("reviews", "cases:reviews", gettext_lazy("Beredning")),
    ("comments", "cases:comments", gettext_lazy("Synpunkter")),
    ("signatures", "cases:signatures", gettext_lazy("Underskrifter")),
    ("decision", "decisions:decision", gettext_lazy("Beslut")),
    ("activity", "cases:activity", gettext_lazy("Aktivitet")),
]
_TAB_URLS = {tab: url_name for tab, url_name, _label in TABS}


def show_errors(request: HttpRequest, error: ValidationError, form: Any = None) -> None:
    """Show a service's errors: on the form's fields where they name one, else as messages."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                if form is not None and field in form.fields:
                    form.add_error(field, message)
                else:
                    messages.error(request, message)
    else:
        for message in error.messages:
            messages.error(request, message)


def base_context(request: HttpRequest, org: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "org": org,
        "can": {perm.value: has_perm(request.user, org, perm) for perm in Perm},
        **extra,
    }


def case_context(
    request: HttpRequest, org: Organisation, case: Case, tab: str, **extra: Any
) -> dict[str, Any]:
    rulebook = rulebook_for(case)
    step = sel.current_step(case)
    return base_context(
        request,
        org,
        case=case,
        tab=tab,
        tabs=TABS,
        rulebook=rulebook,
        step=step,
        overdue=sel.is_overdue(case),
        is_applicant=access.is_applicant(request.user, case),
        may_act=step is not None and sel.may_act_on_step(request.user, case, step.role),
        **extra,
    )


def to_tab(case: Case, tab: str) -> HttpResponse:
    return redirect(_TAB_URLS[tab], org_slug=case.organisation.slug, pk=case.pk)


# --- lists ----------------------------------------------------------------------------------


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def pipeline(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = FilterForm(request.GET or None, organisation=org, stages=Stage.choices)
    filters: dict[str, Any] = {}
    if form.is_valid():
        board = form.cleaned_data.get("board")
        filters = {
            "board": board.pk if board else None,
            "year": form.cleaned_data.get("year"),
            "status": form.cleaned_data.get("status") or None,
        }
    page = None
    if filters.get("status"):
        # One phase: its cases a page at a time.
        page = page_of(request, sel.pipeline_cases(request.user, org, **filters))
        label = str(Stage(filters["status"]).label)
        columns = [(filters["status"], label, list(page.object_list), page.paginator.count)]
    else:
        # Every phase: its first cases, and a link to the rest.
        columns = sel.pipeline(request.user, org, shown=per_page(), **filters)
    board = [
        (value, label, cases, count, _with_status(request, value) if count > len(cases) else "")
        for value, label, cases, count in columns
    ]
    return render(
        request,
        "cases/pipeline.html",
        base_context(request, org, form=form, columns=board, page=page, today=sel.today()),
    )


def _with_status(request: HttpRequest, status: str) -> str:
    """The pipeline's address with the same filters, narrowed to one phase."""
    query = request.GET.copy()
    query["status"] = status
    query.pop(PARAM, None)
    return "?" + query.urlencode()


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def tasks(request: HttpRequest, org: Organisation) -> HttpResponse:
    tasks = sel.tasks_for(request.user, org)
    # A project's people and the coordinator of a big organisation may have hundreds.
    page = page_of(request, tasks)
    return render(
        request,
        "cases/tasks.html",
        base_context(
            request,
            org,
            tasks=page.object_list,
            page=page,
            count=len(tasks),
            overdue=sum(task.overdue for task in tasks),
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def needs(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    form = NeedsForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_create(organisation=org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Behovsanalysen är sparad."))
            return redirect("cases:needs", org_slug=org.slug)
    analyses = NeedsAnalysis.objects.filter(organisation=org).prefetch_related("boards", "cases")
    return render(
        request, "cases/needs.html", base_context(request, org, form=form, analyses=analyses)
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.SUBMIT_IDEA)
def idea_create(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    from satsa.rulebooks.selectors import rulebook_in_force

    rulebook = rulebook_in_force(org, sel.today())
    if rulebook is None:
        messages.error(request, _("Organisationen har ingen regelbok som gäller i dag."))
        return redirect("cases:pipeline", org_slug=org.slug)
    initial = {}
    if request.GET.get("behov"):
        initial["needs_analysis"] = request.GET["behov"]
    form = IdeaForm(request.POST or None, organisation=org, rulebook=rulebook, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.idea_create(
                organisation=org,
                actor=request.user,
                title=data["title"],
                needs_analysis=data["needs_analysis"],
                boards=data["boards"],
                departments=data["departments"],
                parties=data["parties"],
                idea=form.idea(),
                rulebook_key=rulebook.id,
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Idébeskrivningen är sparad som utkast."))
            return to_tab(case, "idea")
    from satsa.rulebooks.selectors import open_intake

    intake = open_intake(org, sel.today())
    rounds = intake is not None and not intake.continuous
    return render(
        request,
        "cases/idea_create.html",
        base_context(
            request,
            org,
            form=form,
            rulebook=rulebook,
            intake=intake if rounds else None,
            round=intake.calls[0] if rounds and intake and intake.calls else None,
        ),
    )


# --- the case page --------------------------------------------------------------------------


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def overview(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    rulebook = rulebook_for(case)
    chain = [
        {"stage": s, "done": False, "current": s.id == case.step} for s in rulebook.decision_chain
    ]
    ids = [s.id for s in rulebook.decision_chain]
    position = ids.index(case.step) if case.step in ids else (len(ids) if case.outcome else -1)
    for i, entry in enumerate(chain):
        entry["done"] = i < position
    return render(
        request,
        "cases/overview.html",
        case_context(
            request,
            org,
            case,
            "overview",
            chain=chain,
            guards=sel.guard_states(case),
            records=case.step_records.select_related("actor"),
            people_form=_people_form(case)
            if access.may(request.user, case, Action.MANAGE_PEOPLE)
            else None,
        ),
    )


def _org_people(org: Organisation) -> Any:
    from django.contrib.auth import get_user_model

    members = Membership.objects.active().filter(organisation=org).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("first_name", "username")


def _people_form(case: Case, data: Any = None) -> CasePeopleForm:
    initial = {
        "project_owner": case.project_owner,
        "project_leader": case.project_leader,
        "steering_members": list(case.steering_members.all()),
    }
    return CasePeopleForm(data, initial=initial, people=_org_people(case.organisation))


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def people(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = _people_form(case, request.POST)
    if form.is_valid():
        try:
            services.case_people_set(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Ärendets personer är sparade."))
    else:
        messages.error(request, _("Välj personer ur organisationen."))
    return to_tab(case, "overview")


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def idea(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    rulebook = rulebook_for(case)
    editable = access.is_applicant(request.user, case) and case.idea_submitted_at is None
    initial = {
        "title": case.title,
        "needs_analysis": case.needs_analysis_id,
        "boards": list(case.boards.all()),
        "departments": list(case.departments.all()),
        "parties": list(case.parties.all()),
        **{f"idea_{k}": v for k, v in case.idea.items()},
    }
    form = IdeaForm(
        request.POST if request.method == "POST" else None,
        organisation=org,
        rulebook=rulebook,
        initial=initial,
    )
    co_form = CoApplicantForm()
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Idén kan inte ändras."))
            return to_tab(case, "idea")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.idea_update(
                    case=case,
                    actor=request.user,
                    title=data["title"],
                    idea=form.idea(),
                    boards=data["boards"],
                    departments=data["departments"],
                    parties=data["parties"],
                )
                if "submit" in request.POST:
                    services.idea_submit(case=case, actor=request.user)
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Idén är inlämnad."))
                else:
                    messages.success(request, _("Idébeskrivningen är sparad."))
                return to_tab(case, "idea")
    answers = [(s, case.idea.get(s.id, "")) for s in rulebook.idea.sections]
    return render(
        request,
        "cases/idea.html",
        case_context(
            request,
            org,
            case,
            "idea",
            form=form,
            editable=editable,
            answers=answers,
            co_form=co_form,
            due=rulebook.idea.answer_within_days,
        ),
    )


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def co_applicant_add(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = CoApplicantForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            messages.error(request, _("Det finns ingen person med det användarnamnet."))
        else:
            try:
                services.co_applicant_add(case=case, user=user, actor=request.user)
            except ValidationError as error:
                show_errors(request, error)
            else:
                messages.success(request, _("Medsökande har lagts till."))
    return to_tab(case, "idea")


def _application_context(
    request: HttpRequest, org: Organisation, case: Case, form: Any = None
) -> dict[str, Any]:
    rulebook = rulebook_for(case)
    draft = sel.draft_of(case)
    submitted = sel.latest_submitted(case)
    current = draft or submitted
    is_open = sel.application_open(case, rulebook)
    editable = access.is_applicant(request.user, case) and is_open
    if form is None:
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {f"section_{k}": v for k, v in current.sections.items()}
            initial.update(current.figures)
        form = ApplicationForm(
            rulebook=rulebook, calculated=sel.savings_from_calculation(rulebook), initial=initial
        )
    result = sel.eligibility_for(case)
    attachments = sel.application_attachments(rulebook)
    return case_context(
        request,
        org,
        case,
        "application",
        form=form,
        editable=editable,
        application_open=is_open or submitted is not None,
        draft=draft,
        submitted=submitted,
        current=current,
        versions=sel.submitted_versions(case),
        result=result,
        failing=sel.unexempted_failures(case, result),
        exemptions=case.exemptions.select_related("granted_by"),
        parts_form=PartsForm(
            organisation=org,
            initial={
                "boards": list(case.boards.all()),
                "departments": list(case.departments.all()),
                "parties": list(case.parties.all()),
                "start_date": case.start_date,
                "end_date": case.end_date,
            },
        ),
        attachment_form=AttachmentForm(
            kinds=[(a.id, a.title) for a in sel.uploaded_attachment_kinds(rulebook)]
        ),
        required_attachments=[(a, sel.attachment_built_in(case, a)) for a in attachments],
        attachment_files=[
            (f, sel.attachment_withdrawable(f))
            for f in sel.current_attachments(case).select_related("uploaded_by")
        ],
        attachment_history=case.attachments.exclude(
            replaced_by__isnull=True, withdrawn_at__isnull=True
        ).select_related("uploaded_by"),
        replace_form=AttachmentReplaceForm(),
        missing_sections=sel.missing_sections(rulebook, current),
        missing_attachments=sel.missing_attachments(case, rulebook),
        exemption_form=ExemptionForm(
            rules=[(f.rule, f.message_sv[:80]) for f in result.with_status("fails")]
        ),
        version=content_version(services.application_content(current)),
        savings_from_calculation=sel.savings_from_calculation(rulebook),
        expected_savings=sel.expected_savings_of(case),
    )


def _application_form(case: Case, data: Any) -> ApplicationForm:
    rulebook = rulebook_for(case)
    return ApplicationForm(
        data, rulebook=rulebook, calculated=sel.savings_from_calculation(rulebook)
    )


def _stale_fields(form: Any, current: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, saved text) of each field where what is saved now differs from what was typed."""
    saved = {f"section_{k}": v for k, v in current["sections"].items()}
    saved.update(current["figures"])
    differing = []
    for name, field in form.fields.items():
        theirs = str(saved.get(name, "") or "")
        if theirs.strip() != str(form.data.get(name, "")).strip():
            differing.append((str(field.label), theirs))
    return differing


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def application(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    if request.method == "POST":
        form = _application_form(case, request.POST)
        if form.is_valid():
            try:
                services.application_save(
                    case=case,
                    actor=request.user,
                    sections=form.sections_data(),
                    figures=form.figures_data(sel.application_figures(case)),
                    version=request.POST.get(VERSION_FIELD) or None,
                )
                if "submit" in request.POST:
                    services.application_submit(case=case, actor=request.user)
            except StaleEdit as stale:
                # Nothing typed is lost: the form keeps it, next to what the other saved.
                context = _application_context(request, org, case, form)
                context.update(stale=stale, stale_fields=_stale_fields(form, stale.current))
                context["version"] = stale.version
                return render(request, "cases/application.html", context, status=409)
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Ansökan är inlämnad."))
                else:
                    messages.success(request, _("Ansökan är sparad."))
                return to_tab(case, "application")
        context = _application_context(request, org, case, form)
        if request.POST.get(VERSION_FIELD):
            # Keep the version the form was loaded from: a failed check saves nothing.
            context["version"] = request.POST[VERSION_FIELD]
        return render(request, "cases/application.html", context)
    return render(request, "cases/application.html", _application_context(request, org, case))


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def application_autosave(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    """htmx: save the draft as the applicant types and answer with the live findings.

    A save over someone else's newer save is refused like the full form's; the text stays
    in the browser and the person is told to save the draft to compare.
    """
    case = access.case_for(request.user, org, pk)
    form = _application_form(case, request.POST)
    saved_at = None
    error_messages: list[str] = []
    figures = None
    version = None
    if form.is_valid():
        try:
            saved = services.application_save(
                case=case,
                actor=request.user,
                sections=form.sections_data(),
                figures=form.figures_data(sel.application_figures(case)),
                version=request.POST.get(VERSION_FIELD) or None,
            )
            figures = saved.figures
            saved_at = timezone.localtime()
            version = content_version(services.application_content(saved))
        except ValidationError as error:
            error_messages = error.messages
    result = sel.eligibility_for(case, figures)
    return render(
        request,
        "cases/_autosave.html",
        {
            "case": case,
            "result": result,
            "failing": sel.unexempted_failures(case, result),
            "saved_at": saved_at,
            "error_messages": error_messages,
            "live": True,
            "version": version,
        },
    )


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def parts(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = PartsForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            services.parts_update(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Parterna är sparade."))
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    return to_tab(case, "application")


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def attachment_upload(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    rulebook = rulebook_for(case)
    kinds = [(a.id, a.title) for a in sel.uploaded_attachment_kinds(rulebook)]
    form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
    if form.is_valid():
        try:
            services.attachment_add(
                case=case,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Filen är bifogad."))
    else:
        messages.error(request, _("Välj bilaga och fil."))
    return to_tab(case, "application")


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def attachment_replace(
    request: AuthenticatedRequest, org: Organisation, pk: int, attachment_id: int
) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    form = AttachmentReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                case=case,
                actor=request.user,
                kind=attachment.kind,
                file=form.cleaned_data["file"],
                title=attachment.title,
                replaces=attachment,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Bilagan är ersatt med en ny version."))
    else:
        messages.error(request, _("Välj en fil."))
    return to_tab(case, "application")


@org_view(Perm.SUBMIT_IDEA)
@require_POST
def attachment_withdraw(
    request: AuthenticatedRequest, org: Organisation, pk: int, attachment_id: int
) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    try:
        services.attachment_withdraw(attachment=attachment, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Bilagan är borttagen."))
    return to_tab(case, "application")


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def attachment_download(
    request: HttpRequest, org: Organisation, pk: int, attachment_id: int
) -> FileResponse:
    """An attachment, to whoever may see its case; always downloaded, never rendered."""
    case = access.case_for(request.user, org, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    name = attachment.name
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type_of(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser rendered it, it could run nothing in Satsa's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def version(request: HttpRequest, org: Organisation, pk: int, version: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    shown = get_object_or_404(case.versions, number=version, submitted_at__isnull=False)
    previous = (
        case.versions.filter(number__lt=version, submitted_at__isnull=False)
        .order_by("-number")
        .first()
    )
    rulebook = rulebook_for(case)
    titles = {s.id: s.title_sv for s in rulebook.application.sections}
    return render(
        request,
        "cases/version.html",
        case_context(
            request,
            org,
            case,
            "application",
            shown=shown,
            previous=previous,
            diff=sel.version_diff(rulebook, previous, shown) if previous else None,
            sections=[(titles.get(k, k), v) for k, v in shown.sections.items()],
        ),
    )


@org_view(Perm.GRANT_EXEMPTION)
@require_POST
def exemption(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = ExemptionForm(request.POST, rules=[(r, r) for r in RULES])
    if form.is_valid():
        try:
            services.exemption_grant(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Undantaget är registrerat."))
    else:
        messages.error(request, _("Välj regel och skriv en motivering."))
    return to_tab(case, "application")


def _criteria_forms(
    request: HttpRequest, case: Case, data: Any = None, only: str | None = None
) -> list[CriteriaForm]:
    rulebook = rulebook_for(case)
    roles = roles_in(request.user, case.organisation)
    forms = []
    for name, criteria in rulebook.criteria.lists():
        if name == "continuation":
            continue
        if only is not None and name != only:
            continue
        perm = Perm.STEERING_APPROVE if name == "selection" else Perm.REVIEW_IDEA
        if not (
            has_perm(request.user, case.organisation, perm)
            or (name == "basic" and Role.COORDINATOR in roles)
        ):
            continue
        previous = {
            a.criterion: a
            for a in CriterionAssessment.objects.filter(case=case, criteria_list=name)
        }
        forms.append(
            CriteriaForm(
                data,
                criteria=criteria,
                list_name=name,
                initial_verdicts=previous,
                prefix=name,
            )
        )
    return forms


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def reviews(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    if request.method == "POST":
        list_name = request.POST.get("criteria_list", "")
        for form in _criteria_forms(request, case, request.POST, only=list_name):
            if form.is_valid():
                try:
                    services.criteria_assess(
                        case=case,
                        actor=request.user,
                        criteria_list=form.list_name,
                        verdicts=form.verdicts(),
                    )
                except ValidationError as error:
                    show_errors(request, error)
                else:
                    messages.success(request, _("Bedömningen är sparad."))
        return to_tab(case, "reviews")
    rulebook = rulebook_for(case)
    assessments = CriterionAssessment.objects.filter(case=case).select_related("assessed_by")
    lists = []
    for name, criteria in rulebook.criteria.lists():
        done = {a.criterion: a for a in assessments if a.criteria_list == name}
        lists.append((name, criteria, [(item, done.get(item.id)) for item in criteria.items]))
    guards = sel.guard_states(case)
    # The criteria the current step works with are shown opened.
    step = sel.current_step(case)
    open_list = dict[str, str](
        {
            Role.PREPARATION_GROUP: "idea" if case.stage == Stage.IDEA else "assessment",
            Role.COORDINATOR: "basic",
            Role.STEERING_GROUP: "selection",
        }
    ).get(step.role if step else "", "")
    return render(
        request,
        "cases/reviews.html",
        case_context(
            request,
            org,
            case,
            "reviews",
            lists=lists,
            forms=_criteria_forms(request, case),
            guards=guards,
            advance_form=AdvanceForm(confirmable=[g.code for g in guards if g.confirmable]),
            reject_form=RejectForm(),
            open_list=open_list,
            records=case.step_records.select_related("actor"),
        ),
    )


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def advance(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    confirmable = [g.code for g in sel.guard_states(case) if g.confirmable]
    form = AdvanceForm(request.POST, confirmable=confirmable)
    if form.is_valid():
        try:
            services.case_advance(
                case=case,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                confirmations=form.confirmations(),
                expected_step=request.POST.get("step"),
            )
        except ValidationError as error:
            messages.error(request, _("Ärendet kan inte gå vidare än:"))
            show_errors(request, error)
        else:
            messages.success(request, _("Ärendet har gått vidare."))
    return to_tab(case, "reviews")


@org_view(Perm.VIEW_ORGANISATION)
@require_POST
def reject(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.case_reject(
                case=case,
                actor=request.user,
                expected_step=request.POST.get("step"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Ärendet är avslaget och de sökande har meddelats."))
    else:
        messages.error(request, _("Ange skälen för avslaget."))
    return to_tab(case, "reviews")


def _my_boards(request: AuthenticatedRequest, org: Organisation, case: Case) -> Any:
    ids = Membership.objects.active().filter(
        user=request.user, organisation=org, role=Role.BOARD_SECRETARY
    )
    return case.boards.filter(pk__in=ids.values("board_id"))


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def comments(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    phase = BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
    open_boards = case.boards.filter(
        pk__in=case.board_notices.filter(
            phase=phase, commented_at__isnull=True, deadline__gte=sel.today()
        ).values("board_id")
    )
    own = _my_boards(request, org, case)
    if not has_perm(request.user, org, Perm.BOARD_COMMENT):
        own = own.none()
    on_behalf = has_perm(request.user, org, Perm.REGISTER_ON_BEHALF)
    boards = open_boards if on_behalf else open_boards.filter(pk__in=own.values("pk"))
    document = ("optional" if own.exists() else "required") if on_behalf else ""
    form = BoardCommentForm(
        request.POST or None, request.FILES or None, boards=boards, document=document
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.board_comment_add(
                case=case,
                actor=request.user,
                board=form.cleaned_data["board"],
                comment=form.cleaned_data["comment"],
                backs=form.cleaned_data["backs"],
                document=form.cleaned_data.get("document"),
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Nämndens yttrande är lämnat."))
            return to_tab(case, "comments")
    notices = case.board_notices.select_related("board", "commented_by")
    # Who may comment, said before any form: the board's secretary, or the coordinator
    # on the board's behalf.
    secretaries = {
        m.board_id: m.user
        for m in Membership.objects.active()
        .filter(organisation=org, role=Role.BOARD_SECRETARY, board__in=case.boards.all())
        .select_related("user")
    }
    return render(
        request,
        "cases/comments.html",
        case_context(
            request,
            org,
            case,
            "comments",
            notices=notices,
            form=form,
            may_comment=boards.exists(),
            on_behalf=on_behalf and not own.exists(),
            secretaries=secretaries,
            awaiting=[(board, secretaries.get(board.pk)) for board in open_boards],
            show_people=has_perm(request.user, org, Perm.VIEW_PEOPLE),
            today=sel.today(),
        ),
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def board_document(
    request: HttpRequest, org: Organisation, pk: int, notice_id: int
) -> FileResponse:
    """The board's own document behind a comment registered on its behalf; downloaded."""
    case = access.case_for(request.user, org, pk)
    notice = get_object_or_404(BoardNotice, pk=notice_id, case=case)
    if not notice.document:
        raise Http404
    name = (notice.document.name or "").rsplit("/", 1)[-1]
    response = FileResponse(
        notice.document.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type_of(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def signatures(request: AuthenticatedRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    parties = case.parties.filter(kind__in=sel.SIGNING_PARTY_KINDS)
    partner_form = PartnerSignatureForm(
        request.POST if "party" in request.POST else None, parties=parties
    )
    if request.method == "POST":
        try:
            if "department" in request.POST:
                department = get_object_or_404(
                    case.departments.all(), pk=request.POST.get("department")
                )
                services.signature_add(case=case, actor=request.user, department=department)
            elif partner_form.is_valid():
                services.signature_add(
                    case=case,
                    actor=request.user,
                    party=partner_form.cleaned_data["party"],
                    signer_name=partner_form.cleaned_data["signer_name"],
                )
            else:
                raise ValidationError(_("Välj part och ange namnet."))
        except ValidationError as error:
            show_errors(request, error, partner_form)
        else:
            messages.success(request, _("Underskriften är registrerad."))
            return to_tab(case, "signatures")
    my_departments = set(
        Membership.objects.active()
        .filter(user=request.user, organisation=org, role=Role.DEPARTMENT_HEAD)
        .values_list("department_id", flat=True)
    )
    return render(
        request,
        "cases/signatures.html",
        case_context(
            request,
            org,
            case,
            "signatures",
            needed=sel.required_signatures(case),
            version=sel.latest_submitted(case),
            all_signatures=case.signatures.select_related("department", "party", "version"),
            my_departments=my_departments,
            partner_form=partner_form,
            may_record_partner=Role.COORDINATOR in roles_in(request.user, org) and parties,
        ),
    )


def requested_amount(case: Case) -> Any:
    version = sel.latest_submitted(case)
    return (version.figures if version else {}).get("requested_amount")


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def activity(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    case = access.case_for(request.user, org, pk)
    return render(
        request,
        "cases/activity.html",
        case_context(request, org, case, "activity", events=events_for_object(case, limit=200)),
    )
