"""Two-factor login: ask for the TOTP code of people who have a device, and make staff of
organisations that require it enrol before they can do anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from satsa.orgs.permissions import requires_two_factor

# Views a half-logged-in person may still reach.
EXEMPT_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "set_language",
}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        # django_otp's OTPMiddleware (before this one) adds is_verified() to the user at runtime.
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if request.session.get("satsa_eid", {}).get("two_factor"):
            return None  # e-legitimation at level 3 or above is itself two-factor
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        if user_has_device(user, confirmed=True):
            target = "accounts:two_factor_verify"
        elif requires_two_factor(user):
            target = "accounts:two_factor_setup"
        else:
            return None
        return HttpResponseRedirect(
            reverse(target) + "?" + urlencode({"next": request.get_full_path()})
        )
