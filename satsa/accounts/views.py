"""Login, logout and two-factor enrolment/verification."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satsa.accounts import two_factor
from satsa.accounts.forms import TokenForm, VerifyForm
from satsa.accounts.lockout import username_throttled
from satsa.orgs.demo import ORGANISATIONS
from satsa.orgs.permissions import requires_two_factor
from satsa.orgs.roles import Role
from satsa.types import AuthenticatedRequest


def _safe_next(request: HttpRequest, default: str = "core:dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Many failures for this username from anywhere: one try per few seconds.
        if username_throttled(request.POST.get("username", "")):
            return render(request, "accounts/throttled.html", status=429)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.SATSA_DEMO:
            query = self.request.GET.get(DEMO_SEARCH, "").strip()[:100]
            users, more = demo_users(query)
            context.update(
                demo=True,
                demo_users=users,
                demo_more=more,
                demo_query=query,
                demo_search=DEMO_SEARCH,
                role_labels=dict(Role.choices),
            )
        return context


DEMO_SEARCH = "demo"
DEMO_ORGANISATIONS = [slug for slug, *_ in ORGANISATIONS]
# The most people a search lists (the national data set holds thousands).
DEMO_FOUND = 30


def demo_users(query: str = "") -> tuple[list[Any], bool]:
    """The demo people the login page lists, and whether a search found more: without a
    search the people of the demo's own organisations (not the thousands of the national
    data set, ``satsa demo --scale``); with one, those whose username, name or organisation
    contains it, at most ``DEMO_FOUND``."""
    people = get_user_model().objects.filter(memberships__isnull=False, is_active=True)
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(memberships__organisation__name__icontains=query)
        )
    else:
        people = people.filter(memberships__organisation__slug__in=DEMO_ORGANISATIONS)
    found = list(
        people.prefetch_related("memberships__organisation")
        .distinct()
        .order_by("username")[: DEMO_FOUND + 1 if query else None]
    )
    if query and len(found) > DEMO_FOUND:
        return found[:DEMO_FOUND], True
    return found, False


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol a TOTP device: show the QR code, confirm with a first code."""
    refusal = two_factor.may_enrol(user=request.user, session=request.session)
    here = reverse("accounts:two_factor_setup")
    if refusal == "verify":
        messages.info(request, _("Bekräfta först med en kod från den enhet du redan har."))
        return redirect(reverse("accounts:two_factor_verify") + "?" + urlencode({"next": here}))
    if refusal == "login":
        logout(request)
        messages.info(request, _("Logga in igen för att aktivera tvåfaktorsinloggning."))
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": here}))
    device = two_factor.pending_device(user=request.user, session=request.session)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = two_factor.device_confirm(user=request.user, device=device)
            request.session.pop(two_factor.PENDING_DEVICE, None)
            otp_login(request, device)
            messages.success(request, _("Tvåfaktorsinloggning är nu aktiverad."))
            if codes:
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _safe_next(request)},
                )
            return redirect(_safe_next(request))
        form.add_error("token", _("Koden stämmer inte. Kontrollera klockan i din telefon."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR-kod"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": request.GET.get("next", "")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                two_factor.recovery_code_used(user=request.user, device=device)
                messages.warning(
                    request,
                    _("Du loggade in med en reservkod. Skapa nya koder om du har få kvar."),
                )
            return redirect(_safe_next(request))
        form.add_error("token", _("Koden stämmer inte."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


def _require_verified(request: HttpRequest) -> HttpResponse | None:
    """Changes to a second factor take a session verified with that factor."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(
            reverse("accounts:two_factor_verify")
            + "?"
            + urlencode({"next": reverse("accounts:profile")})
        )
    return None


@require_http_methods(["POST"])
@login_required
def two_factor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _require_verified(request)) is not None:
        return refused
    device = get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
    try:
        two_factor.device_remove(
            user=request.user, device=device, required=requires_two_factor(request.user)
        )
    except two_factor.TwoFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Enheten är borttagen."))
    return redirect("accounts:profile")


@require_http_methods(["POST"])
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if (refused := _require_verified(request)) is not None:
        return refused
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.error(request, _("Aktivera tvåfaktorsinloggning innan du skapar reservkoder."))
        return redirect("accounts:profile")
    codes = two_factor.recovery_codes_create(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile")},
    )


@require_http_methods(["GET"])
@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk")
    codes_left = StaticToken.objects.filter(
        device__user=request.user, device__confirmed=True
    ).count()
    memberships = request.user.memberships.active().select_related(
        "organisation", "board", "department"
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "has_device": bool(devices),
            "devices": devices,
            "codes_left": codes_left,
            "memberships": memberships,
        },
    )
