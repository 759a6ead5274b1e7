"""The public portfolio page: granted interventions, published reports, calls."""

from __future__ import annotations

from typing import Any

from django.test import Client

from satsa.portfolio.services import final_report_publish


def test_the_public_page_lists_granted_interventions_without_login(
    client: Client, portfolio: Any
) -> None:
    response = client.get("/open/orebro/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team Oxhagen" in html
    assert "5\u00a0400\u00a0000\u00a0kr" in html
    assert "Socialförvaltningen" in html
    assert "Barn och unga i Oxhagen" in html
    assert "8\u00a0400\u00a0000\u00a0kr" in html  # the total
    for secret in ("Hemlig", "Uppsalas satsning", "Internt utkast"):
        assert secret not in html
    assert 'role="img"' in html
    assert html.count("<h1") == 1


def test_a_published_final_report_is_public(client: Client, portfolio: Any, alice: Any) -> None:
    report = final_report_publish(
        case=portfolio["sistema"], summary="Eleverna nådde målen i högre grad.", actor=alice
    )
    html = client.get("/open/orebro/").content.decode()
    assert "Eleverna nådde målen" in html
    assert f"slutrapport.pdf?id={report.pk}" in html
    response = client.get(f"/open/orebro/slutrapport.pdf?id={report.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    item = next(
        i
        for i in client.get("/open/orebro/interventions.json").json()["interventions"]
        if i["name"] == "El Sistema"
    )
    assert item["final_report_url"].endswith(f"slutrapport.pdf?id={report.pk}")


def test_reports_of_another_organisation_or_unknown_ids_are_404(
    client: Client, portfolio: Any, alice: Any
) -> None:
    report = final_report_publish(case=portfolio["sistema"], summary="Klart.", actor=alice)
    assert client.get(f"/open/uppsala/slutrapport.pdf?id={report.pk}").status_code == 404
    assert client.get("/open/orebro/slutrapport.pdf?id=999").status_code == 404
    assert client.get("/open/orebro/slutrapport.pdf?id=x").status_code == 404
    # Without an id: the newest published report, as a PDF; with none published, 404.
    newest = client.get("/open/orebro/slutrapport.pdf")
    assert newest["Content-Type"] == "application/pdf"
    assert b"".join([newest.content]).startswith(b"%PDF")
    assert client.get("/open/uppsala/slutrapport.pdf").status_code == 404


def test_every_open_address_answers_what_its_name_says(
    client: Client, portfolio: Any, alice: Any
) -> None:
    """Each /open/ address of the public pages, its content type and its first bytes."""
    from django.urls import get_resolver

    expected = {
        ".pdf": ("application/pdf", b"%PDF"),
        ".json": ("application/json", b"{"),
        ".csv": ("text/csv", None),
        "/": ("text/html", None),
    }
    final_report_publish(case=portfolio["sistema"], summary="Klart.", actor=alice)
    routes = []
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern).startswith("open/"):
            routes += [str(p.pattern) for p in pattern.url_patterns]
    assert "slutrapport.pdf" in routes and "calls.json" in routes
    for route in routes:
        response = client.get(f"/open/orebro/{route}")
        assert response.status_code == 200, route
        ending = next((e for e in expected if route.endswith(e)), "/")
        content_type, head = expected[ending]
        assert response["Content-Type"].split(";")[0] == content_type, route
        if head is not None:
            assert response.content.startswith(head), route
    # with nothing published, the PDF address is a 404, not a page
    assert client.get("/open/uppsala/slutrapport.pdf").status_code == 404


def test_the_public_chart_shows_every_label_whole(client: Client, portfolio: Any) -> None:
    from satsa.testing.charts import assert_charts_fit

    html = client.get("/open/orebro/").content.decode()
    assert assert_charts_fit(html) == 1
