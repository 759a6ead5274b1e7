"""Long lists a page at a time: every list page reads one page of rows, whatever the
organisation holds. The page is ``?sida=N``; the other parameters (filters, sorting) stay
in the pager's links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PARAM = "sida"
PER_PAGE = 50


def per_page() -> int:
    return int(getattr(settings, "SATSA_PAGE_SIZE", PER_PAGE))


def page_of(
    request: HttpRequest,
    items: Sequence[Any] | Any,
    size: int | None = None,
    *,
    param: str = PARAM,
) -> Page:
    """The requested page of ``items`` (a queryset is read one page at a time); an
    unknown page number gives the first or the last page, never an error. A page with
    two lists names the second one's page with its own ``param``."""
    paginator = Paginator(items, size or per_page())
    page = paginator.get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    # The pager's links keep the filters and sorting: "?ar=2024&sida=" + number.
    prefix = "?" + (others.urlencode() + "&" if others else "") + param + "="
    page.query_prefix = prefix  # type: ignore[attr-defined]
    return page
