from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satsa.files import services
from satsa.files.models import BackgroundFile
from satsa.files.registry import all_kinds
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, org_view
from satsa.types import AuthenticatedRequest

SHOWN = 20


@require_GET
@org_view()
def files(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    """The person's own files in the organisation, newest first; while one is being made
    the list refreshes itself (htmx)."""
    mine = list(BackgroundFile.objects.filter(organisation=org, requested_by=request.user)[:SHOWN])
    kinds = all_kinds()
    rows = [(f, kinds[f.kind].label if f.kind in kinds else f.kind) for f in mine]
    waiting = any(f.status in (f.Status.QUEUED, f.Status.RUNNING) for f in mine)
    template = "files/_list.html" if request.headers.get("HX-Request") else "files/files.html"
    return render(request, template, {"org": org, "rows": rows, "waiting": waiting})


@require_POST
@org_view()
def file_new(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    try:
        services.file_request(
            organisation=org,
            kind=request.POST.get("kind", ""),
            params=request.POST.dict(),
            actor=request.user,
        )
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("files:list", org.slug)
    messages.success(request, _("Filen skapas i bakgrunden. Du hämtar den här när den är klar."))
    return redirect("files:list", org.slug)


@require_GET
@org_view()
def file_download(request: AuthenticatedRequest, org: Organisation, pk: int) -> FileResponse:
    try:
        made = services.file_for_download(pk=pk, organisation=org, actor=request.user)
    except BackgroundFile.DoesNotExist as error:
        raise Http404 from error
    return FileResponse(
        made.file.open("rb"),
        as_attachment=True,
        filename=made.filename,
        content_type=made.content_type,
    )
