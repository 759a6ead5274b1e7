"""An organisation's e-legitimation: its settings and the register of people."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satsa.eid import saml
from satsa.eid.forms import EidSettingsForm, PersonRegisterForm
from satsa.eid.identity import eid_settings_of, person_register
from satsa.eid.models import PersonIdentity
from satsa.eid.services import eid_settings_update
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_ORGANISATION)
def eid_settings(request: HttpRequest, org: Organisation) -> HttpResponse:
    current = eid_settings_of(org)
    form = EidSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        eid_settings_update(actor=request.user, organisation=org, values=values)
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("eid_org:settings", org_slug=org.slug)
    return render(
        request,
        "eid/settings.html",
        {
            "org": org,
            "form": form,
            "entity_id": saml.sp_entity_id(org),
            "acs_url": saml.base_url() + f"/konto/saml/{org.slug}/acs/",
            "can_register": has_perm(request.user, org, Perm.MANAGE_MEMBERSHIPS),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_MEMBERSHIPS)
def people(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = PersonRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = person_register(
                actor=request.user,
                organisation=org,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                personal_number=data["personal_number"],
                roles=list(data["roles"]),
            )
        except ValidationError as error:
            form.add_error("personal_number", error)
        else:
            messages.success(
                request,
                _("%(name)s kan nu logga in med e-legitimation.") % {"name": user.get_full_name()},
            )
            return redirect("eid_org:people", org_slug=org.slug)
    identities = (
        PersonIdentity.objects.filter(organisation=org)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    return render(request, "eid/people.html", {"org": org, "form": form, "identities": identities})
