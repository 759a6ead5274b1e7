"""Template context: the organisations the logged-in person belongs to (for navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from satsa.orgs.permissions import organisations_of


def current_memberships(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"my_organisations": organisations_of(request.user)}
