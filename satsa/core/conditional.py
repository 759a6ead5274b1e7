"""Conditional GETs for the public pages and open data (issue #17).

A public page's ETag and Last-Modified come from the newest event of its organisation (or
of the national tables): every change records one, so nothing the page shows can change
without the ETag changing too. A request whose ``If-None-Match``/``If-Modified-Since``
still matches gets a 304 without the page being built. Files that are the same for every
reader (JSON, CSV, PDF) are also kept in the cache under their ETag; HTML pages carry the
reader's session (the menu, the CSRF token), so their ETag names the reader too and only
the 304 is shared.

This rests on every change recording an event (CONVENTIONS.md): a loader that writes rows
without events (the demo) clears the cache when it is done.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from importlib import metadata
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from satsa.events.selectors import latest_change
from satsa.orgs.models import Organisation

# How long a file stays in the cache at most; a change makes a new key long before.
CACHE_SECONDS = 24 * 3600

try:
    _CODE = metadata.version("satsa")
except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
    _CODE = "dev"

View = Callable[..., HttpResponse]


def _etag(request: HttpRequest, organisation: Organisation, shared: bool) -> tuple[str, Any]:
    stamp = latest_change(organisation.pk)
    parts = [
        _CODE,
        request.get_full_path(),
        organisation.slug,
        translation.get_language() or "",
        # What is open today (calls, intake) depends on the date.
        timezone.localdate().isoformat(),
        # The time too: an id alone could come back after a rolled-back transaction.
        f"{stamp[0]}@{stamp[1].isoformat()}" if stamp else "-",
    ]
    if not shared:
        user = getattr(request, "user", None)
        parts += [
            str(getattr(user, "pk", "") or ""),
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
            request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        ]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    return digest, stamp[1] if stamp else None


def public_conditional(*, shared: bool) -> Callable[[View], View]:
    """Answer conditional GETs of an ``/open/<org_slug>/`` view with 304; ``shared``: the
    body is the same for every reader and is cached under its ETag."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            organisation = get_object_or_404(Organisation, slug=org_slug)
            digest, modified = _etag(request, organisation, shared)
            etag = quote_etag(digest)
            last_modified = int(modified.timestamp()) if isinstance(modified, dt.datetime) else None
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return not_modified
            key = f"satsa:public:{digest}"
            response = cache.get(key) if shared else None
            if response is None:
                response = view(request, org_slug, **kwargs)
                if shared and response.status_code == 200 and not response.streaming:
                    cache.set(key, response, CACHE_SECONDS)
            if response.status_code == 200:
                response["ETag"] = etag
                if last_modified is not None:
                    response["Last-Modified"] = http_date(last_modified)
                # Ask again every time: the answer is a 304 while nothing has changed.
                response["Cache-Control"] = "no-cache" if shared else "private, no-cache"
            return response

        return wrapped

    return decorate
