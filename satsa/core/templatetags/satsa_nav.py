from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from satsa.core.nav import ORG_NAV
from satsa.orgs.permissions import permissions_in

register = template.Library()


@register.simple_tag(takes_context=True)
def org_nav(context: Any, org: Any) -> list[dict[str, Any]]:
    request = context["request"]
    perms = permissions_in(request.user, org)
    items = []
    for name, label, perm in ORG_NAV:
        if perm not in perms:
            continue
        try:
            url = reverse(name, kwargs={"org_slug": org.slug})
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": request.path == url})
    return items
