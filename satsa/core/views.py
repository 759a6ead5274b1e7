"""The public front page, the personal dashboard and the health check."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
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


logger = logging.getLogger("satsa.health")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the container's health check: 200 while this server can
    read Satsa's database (one cheap query on the migration table, so an empty or
    unmigrated database is unhealthy too), 503 when it cannot. Says nothing about why: the
    reason goes to the log."""
    try:
        with transaction.atomic():
            MigrationRecorder.Migration.objects.exists()
    except DatabaseError:
        logger.exception("health check: the database cannot be read")
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
