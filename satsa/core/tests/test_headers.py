"""Every response carries the security headers: CSP, Permissions-Policy, nosniff."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse


def csp(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_pages_send_a_content_security_policy_without_inline_script(
    client_as: Any, alice: Any
) -> None:
    response = client_as(alice).get(reverse("orgs:dashboard", args=["orebro"]))
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_login_page_sends_the_headers_too(client: Client, db: Any) -> None:
    response = client.get(reverse("accounts:login"))
    assert "Content-Security-Policy" in response
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style_the_policy_would_block(
    client_as: Any, alice: Any
) -> None:
    html = client_as(alice).get(reverse("funds:overview", args=["orebro"])).content.decode()
    assert " style=" not in html
    assert "<script>" not in html and "<style" not in html
    assert 'name="htmx-config"' in html
