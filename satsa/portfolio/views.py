"""The portfolio pages of one organisation (staff): dashboard, documents, exports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from satsa.orgs.models import Organisation
from satsa.orgs.permissions import org_view
from satsa.orgs.roles import Perm


@require_GET
@org_view(Perm.VIEW_ALL_CASES)
def dashboard(request: HttpRequest, org: Organisation) -> HttpResponse:
    return render(request, "portfolio/dashboard.html", {"org": org})
