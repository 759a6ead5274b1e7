"""Staff of an organisation that requires e-legitimation may not work on a password login."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.orgs.models import Membership
from satsa.orgs.roles import STAFF_ROLES

#: Session key set by a login with e-legitimation (see satsa.eid.views).
SESSION_KEY = "satsa_eid"


def logged_in_with_eid(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY))


def eid_required_organisation(user: Any) -> Any:
    """The first organisation where ``user`` holds a staff role and e-legitimation is required."""
    membership = (
        Membership.objects.active()
        .filter(
            user=user,
            role__in=STAFF_ROLES,
            organisation__eid_settings__enabled=True,
            organisation__eid_settings__require_eid_for_staff=True,
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


class EidRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or logged_in_with_eid(request):
            return None
        match = request.resolver_match
        if match is None or match.namespace == "eid" or match.view_name == "set_language":
            return None
        org = eid_required_organisation(user)
        if org is None:
            return None
        logout(request)
        messages.info(
            request,
            _("%(name)s kräver inloggning med e-legitimation.") % {"name": org.name},
        )
        return HttpResponseRedirect(reverse("eid:chooser", args=[org.slug]))
