"""Login, logout and two-factor enrolment/verification."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from satsa.accounts.forms import TokenForm
from satsa.events.services import event_record
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.SATSA_DEMO:
            context["demo_users"] = (
                get_user_model()
                .objects.filter(memberships__isnull=False, is_active=True)
                .prefetch_related("memberships__organisation")
                .distinct()
                .order_by("username")
            )
            context["role_labels"] = dict(Role.choices)
        return context


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol a TOTP device: show the QR code, confirm with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Satsa", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            event_record(actor=request.user, verb="user.two_factor_enabled", target=request.user)
            messages.success(request, _("Tvåfaktorsinloggning är nu aktiverad."))
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
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("Koden stämmer inte."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@require_http_methods(["GET"])
@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    memberships = request.user.memberships.active().select_related(
        "organisation", "board", "department"
    )
    return render(
        request,
        "accounts/profile.html",
        {"has_device": has_device, "memberships": memberships},
    )
