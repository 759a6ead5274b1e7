"""The public front page and the personal dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from satsa.orgs.permissions import organisations_of


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send a person with one organisation straight to it; otherwise let them choose."""
    organisations = organisations_of(request.user)
    if len(organisations) == 1:
        return redirect("orgs:dashboard", org_slug=organisations[0].slug)
    return render(request, "core/dashboard.html", {"organisations": organisations})
