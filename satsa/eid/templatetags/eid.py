"""The login page's "Logga in med e-legitimation" buttons, one per organisation."""

from __future__ import annotations

from typing import Any

from django import template

from satsa.eid.models import EidSettings
from satsa.orgs.models import Organisation

register = template.Library()


@register.inclusion_tag("eid/_login_options.html")
def eid_login_options(next_url: str = "") -> dict[str, Any]:
    organisations = Organisation.objects.filter(
        eid_settings__enabled=True,
        eid_settings__method__in=[EidSettings.Method.SAML, EidSettings.Method.OIDC],
    ).order_by("name")
    return {"eid_organisations": list(organisations), "next": next_url, "password_login": True}
