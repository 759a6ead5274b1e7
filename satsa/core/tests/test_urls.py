"""Walk the whole URL configuration: login required, organisations isolated, CSRF enforced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages anyone may see without logging in.
PUBLIC = {"core:home", "accounts:login", "set_language", "calculations_public:unit_costs"}
PUBLIC |= {"core:healthz"}  # for the load balancer (satsa/core/views.py)
PUBLIC |= {
    "public_portfolio:index",
    "public_portfolio:interventions_json",
    "public_portfolio:interventions_csv",
    "public_portfolio:calls_json",
    "public_portfolio:final_report",
}
# Logging in with e-legitimation starts before anyone is logged in (satsa.eid).
PUBLIC |= {
    "eid:chooser",
    "eid:saml_metadata",
    "eid:saml_login",
    "eid:saml_acs",
    "eid:saml_sls",
    "eid:oidc_login",
    "eid:oidc_callback",
}
# Filled in for URL parameters; organisation-scoped objects use ids that exist nowhere.
PARAMS = {"pk": "1", "id": "1", "version": "1", "token": "x"}


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield ":".join(filter(None, [namespace, p.name])), prefix + str(p.pattern)


ALL_URLS = sorted(set(walk(get_resolver().url_patterns)))


def url_for(name: str, route: str, org_slug: str) -> str:
    kwargs = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        kwargs[param] = org_slug if param == "org_slug" else PARAMS.get(param, "1")
    return reverse(name, kwargs=kwargs)


def test_the_walk_finds_the_organisation_pages() -> None:
    names = {name for name, _ in ALL_URLS}
    assert {"orgs:dashboard", "orgs:parties", "core:dashboard"} <= names


@pytest.mark.parametrize(("name", "route"), [u for u in ALL_URLS if u[0] not in PUBLIC])
def test_it_requires_login(client: Client, orebro: Any, name: str, route: str) -> None:
    response = client.get(url_for(name, route, "orebro"))
    assert response.status_code in (302, 401, 403, 405), name
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login")), name


@pytest.mark.parametrize(("name", "route"), [u for u in ALL_URLS if u[0] in PUBLIC])
def test_public_pages_answer_anonymous_visitors(
    client: Client, orebro: Any, name: str, route: str
) -> None:
    response = client.get(url_for(name, route, "orebro"))
    # The final-report PDF is a 404 (not a page) while nothing is published.
    answers = (200, 302, 404) if name == "public_portfolio:final_report" else (200, 302)
    assert response.status_code in answers, name
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))


# Public pages of an organisation (under /open/<org_slug>/) are meant for everyone.
@pytest.mark.parametrize(
    ("name", "route"), [u for u in ALL_URLS if "org_slug" in u[1] and u[0] not in PUBLIC]
)
def test_it_hides_another_organisations_pages(
    client_as: Any, alice: Any, uppsala: Any, name: str, route: str
) -> None:
    client = client_as(alice)
    assert client.get(url_for(name, route, "uppsala")).status_code == 404, name
    assert client.post(url_for(name, route, "uppsala")).status_code in (404, 405), name


@pytest.mark.parametrize(("name", "route"), ALL_URLS)
def test_it_enforces_csrf_on_every_post(client_as: Any, alice: Any, name: str, route: str) -> None:
    client = client_as(alice, enforce_csrf_checks=True)
    response = client.post(url_for(name, route, "orebro"), {"anything": "1"})
    assert response.status_code in (403, 405), f"{name} accepted a POST without a CSRF token"
