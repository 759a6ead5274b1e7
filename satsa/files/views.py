from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satsa.files import selectors, services
from satsa.files.models import BackgroundFile
from satsa.files.registry import all_import_kinds, all_kinds, import_kind_of
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import NotPermitted, org_view
from satsa.types import Actor, AuthenticatedRequest

SHOWN = 20


@require_GET
@org_view()
def files(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    """The person's own files in the organisation, newest first; while one is being made
    the list refreshes itself (htmx)."""
    mine = list(BackgroundFile.objects.filter(organisation=org, requested_by=request.user)[:SHOWN])
    kinds: dict[str, object] = {k: v.label for k, v in all_kinds().items()}
    kinds.update({k: v.label for k, v in all_import_kinds().items()})
    rows = [(f, kinds.get(f.kind, f.kind)) for f in mine]
    waiting = any(f.waiting for f in mine)
    template = "files/_list.html" if request.headers.get("HX-Request") else "files/files.html"
    return render(request, template, {"org": org, "rows": rows, "waiting": waiting})


@org_view()
@require_POST
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


# --- imports ----------------------------------------------------------------------------------


def import_rows(imports: list[BackgroundFile]) -> list[dict[str, object]]:
    """What the import list shows of each import: the record and, when done, its result."""
    rows = []
    for made in imports:
        spec = import_kind_of(made.kind)
        done = ""
        if made.status == made.Status.DONE and spec is not None:
            done = str(spec.done) % {"rows": made.result.get("rows", 0)}
        rows.append({"import": made, "done": done})
    return rows


def imports_context(
    *, org: Organisation, actor: Actor, kind: str, params: dict[str, str]
) -> dict[str, object]:
    """The context of ``files/_imports.html``: ``actor``'s latest imports of ``kind`` into
    what ``params`` names, and the address the list refreshes itself from while one waits.
    The calling page has checked that the person may import there."""
    imports = selectors.imports_of(organisation=org, actor=actor, kinds=[kind], params=params)
    return {
        "imports": import_rows(imports),
        "imports_waiting": any(i.waiting for i in imports),
        "imports_url": reverse("files:imports", args=[org.slug, kind]) + "?" + urlencode(params),
    }


@require_GET
@org_view()
def imports(request: AuthenticatedRequest, org: Organisation, kind: str) -> HttpResponse:
    """The person's imports of ``kind`` into one measure or case, while they may import
    there (the list an import's page polls, htmx)."""
    spec = import_kind_of(kind)
    if spec is None:
        raise Http404
    params = {name: request.GET[name][:100] for name in spec.params if request.GET.get(name)}
    try:
        spec.authorise(request.user, org, params)
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from error
    except (ObjectDoesNotExist, ValidationError) as error:
        raise Http404 from error
    context = imports_context(org=org, actor=request.user, kind=kind, params=params)
    return render(request, "files/_imports.html", {"org": org, **context})


def import_started(request: HttpRequest, made: BackgroundFile) -> None:
    """Tell the person what became of the import they just started: with the immediate
    tasks backend (or a quick worker) it has already run."""
    made.refresh_from_db()
    if made.status == made.Status.DONE:
        spec = import_kind_of(made.kind)
        if spec is not None:
            messages.success(request, str(spec.done) % {"rows": made.result.get("rows", 0)})
    elif made.status == made.Status.FAILED:
        messages.error(request, made.error)
    else:
        messages.info(
            request,
            _("Filen har tagits emot och importeras i bakgrunden. Resultatet visas nedan."),
        )
