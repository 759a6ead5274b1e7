"""The organisation's rulebook as a readable page, its versions, uploads and diffs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from satsa.orgs.models import Organisation
from satsa.orgs.permissions import has_perm, org_view
from satsa.orgs.roles import Perm
from satsa.rulebooks import selectors, services
from satsa.rulebooks.forms import DiffForm, UploadForm
from satsa.rulebooks.models import RulebookVersion
from satsa.rulebooks.presenters import rulebook_outline
from satsa.rules import rulebook_diff
from satsa.types import AuthenticatedRequest


def _page(request: HttpRequest, org: Organisation, version: RulebookVersion | None) -> HttpResponse:
    outline = rulebook_outline(version.rulebook, get_language()) if version else None
    return render(
        request,
        "rulebooks/rulebook.html",
        {
            "org": org,
            "version": version,
            "outline": outline,
            "versions": selectors.versions_of(org),
            "can_upload": has_perm(request.user, org, Perm.MANAGE_RULEBOOKS),
        },
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def current(request: HttpRequest, org: Organisation) -> HttpResponse:
    return _page(request, org, selectors.version_in_force(org, timezone.localdate()))


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def version_detail(request: HttpRequest, org: Organisation, key: str) -> HttpResponse:
    return _page(request, org, get_object_or_404(RulebookVersion, organisation=org, key=key))


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def version_toml(request: HttpRequest, org: Organisation, key: str) -> HttpResponse:
    version = get_object_or_404(RulebookVersion, organisation=org, key=key)
    response = HttpResponse(version.source_toml, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.key}.toml"'
    return response


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_RULEBOOKS)
def upload(request: AuthenticatedRequest, org: Organisation) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            form.add_error("file", _("Filen är inte UTF-8-kodad text."))
        else:
            try:
                version = services.rulebook_version_upload(
                    organisation=org, toml_text=text, actor=request.user
                )
            except services.RulebookUploadError as error:
                problems = error.problems
            else:
                messages.success(
                    request, _("Regelboken %(key)s är uppladdad.") % {"key": version.key}
                )
                return redirect("rulebooks:version", org_slug=org.slug, key=version.key)
    return render(
        request, "rulebooks/upload.html", {"org": org, "form": form, "problems": problems}
    )


@require_GET
@org_view(Perm.VIEW_ORGANISATION)
def diff(request: HttpRequest, org: Organisation) -> HttpResponse:
    versions = selectors.versions_of(org)
    form = DiffForm(request.GET or None)
    changes = None
    if form.is_valid():
        by_key = {v.key: v for v in versions}
        a, b = by_key.get(form.cleaned_data["a"]), by_key.get(form.cleaned_data["b"])
        if a is None or b is None:
            raise Http404
        changes = rulebook_diff(a.rulebook, b.rulebook)
    return render(
        request,
        "rulebooks/diff.html",
        {"org": org, "versions": versions, "form": form, "changes": changes},
    )
