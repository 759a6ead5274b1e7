"""Screens of one organisation: its dashboard, boards and departments, parties, people."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satsa.events.selectors import events_for_organisation
from satsa.orgs import services
from satsa.orgs.forms import MembershipGrantForm, PartyForm, TwoFactorPolicyForm
from satsa.orgs.models import Board, Department, Membership, Organisation
from satsa.orgs.overview import panels_for
from satsa.orgs.permissions import has_perm, org_view, people_with_perm, roles_in
from satsa.orgs.roles import Perm, Role
from satsa.types import AuthenticatedRequest


def _context(request: HttpRequest, org: Organisation, **extra: object) -> dict[str, object]:
    roles = roles_in(request.user, org)
    return {
        "org": org,
        "my_roles": [label for value, label in Role.choices if value in roles],
        "can": {perm.value: has_perm(request.user, org, perm) for perm in Perm},
        **extra,
    }


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def dashboard(request: HttpRequest, org: Organisation) -> HttpResponse:
    events = (
        events_for_organisation(org, limit=10)
        if has_perm(request.user, org, Perm.VIEW_ACTIVITY)
        else []
    )
    return render(
        request,
        "orgs/dashboard.html",
        _context(
            request,
            org,
            board_count=org.boards.count(),
            department_count=org.departments.count(),
            party_count=org.parties.count(),
            events=events,
            panels=panels_for(request.user, org),
        ),
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def structure(request: HttpRequest, org: Organisation) -> HttpResponse:
    boards = Board.objects.filter(organisation=org).prefetch_related(
        Prefetch("departments", queryset=Department.objects.order_by("name"))
    )
    return render(request, "orgs/structure.html", _context(request, org, boards=boards))


@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_ORGANISATION)
def parties(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    form = PartyForm(request.POST or None)
    if request.method == "POST":
        if not has_perm(request.user, org, Perm.MANAGE_PARTIES):
            messages.error(request, _("Du har inte behörighet att lägga till parter."))
            return redirect("orgs:parties", org_slug=org.slug)
        if form.is_valid():
            try:
                party = services.party_create(
                    organisation=org, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("%(name)s har lagts till.") % {"name": party.name})
                return redirect("orgs:parties", org_slug=org.slug)
    return render(
        request,
        "orgs/parties.html",
        _context(request, org, parties=org.parties.all(), form=form),
    )


def _people_context(
    request: HttpRequest, org: Organisation, form: MembershipGrantForm | None = None
) -> dict[str, object]:
    memberships = (
        Membership.objects.active()
        .filter(organisation=org)
        .select_related("user", "board", "department")
        .order_by("user__last_name", "user__first_name", "role")
    )
    may_manage = has_perm(request.user, org, Perm.MANAGE_MEMBERSHIPS)
    return _context(
        request,
        org,
        memberships=memberships,
        may_manage=may_manage,
        grant_form=(form or MembershipGrantForm(organisation=org)) if may_manage else None,
        # Said to those who may not: who gives and takes roles here.
        managers=[] if may_manage else people_with_perm(org, Perm.MANAGE_MEMBERSHIPS),
        boards_without_secretary=Board.objects.filter(organisation=org)
        .exclude(
            pk__in=Membership.objects.active()
            .filter(organisation=org, role=Role.BOARD_SECRETARY)
            .values("board_id")
        )
        .order_by("name"),
    )


@require_GET
@org_view(Perm.VIEW_PEOPLE)
def people(request: HttpRequest, org: Organisation) -> HttpResponse:
    return render(request, "orgs/people.html", _people_context(request, org))


@org_view(Perm.MANAGE_MEMBERSHIPS)
@require_POST
def membership_grant(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    form = MembershipGrantForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            membership = services.membership_grant(
                organisation=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s har nu rollen %(role)s.")
                % {"person": membership.user, "role": membership.get_role_display()},
            )
            return redirect("orgs:people", org_slug=org.slug)
    return render(request, "orgs/people.html", _people_context(request, org, form), status=400)


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_MEMBERSHIPS)
def membership_revoke(
    request: AuthenticatedRequest, org: Organisation, membership_id: int
) -> HttpResponse:
    """Taking a role away asks first: the page says what will end, the POST must confirm."""
    membership = get_object_or_404(
        Membership.objects.active().select_related("user", "board", "department"),
        pk=membership_id,
        organisation=org,
    )
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Bekräfta att rollen ska tas bort."))
            return redirect(
                "orgs:membership_revoke", org_slug=org.slug, membership_id=membership.pk
            )
        try:
            services.membership_revoke(membership=membership, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(person)s har inte längre rollen %(role)s.")
                % {"person": membership.user, "role": membership.get_role_display()},
            )
        return redirect("orgs:people", org_slug=org.slug)
    return render(
        request, "orgs/membership_revoke.html", _context(request, org, membership=membership)
    )


def _form_errors(form: MembershipGrantForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
@org_view(Perm.VIEW_ACTIVITY)
def activity(request: HttpRequest, org: Organisation) -> HttpResponse:
    return render(
        request,
        "orgs/activity.html",
        _context(request, org, events=events_for_organisation(org, limit=200)),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_ORGANISATION)
def settings_view(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    form = TwoFactorPolicyForm(
        request.POST or None,
        initial={"require_two_factor_for_staff": org.require_two_factor_for_staff},
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_set_two_factor(
            organisation=org,
            required=form.cleaned_data["require_two_factor_for_staff"],
            actor=request.user,
        )
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("orgs:settings", org_slug=org.slug)
    return render(request, "orgs/settings.html", _context(request, org, form=form))
