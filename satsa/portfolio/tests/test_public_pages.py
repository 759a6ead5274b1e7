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
    assert client.get("/open/orebro/slutrapport.pdf").status_code == 302


def test_the_public_chart_shows_every_label_whole(client: Client, portfolio: Any) -> None:
    from satsa.testing.charts import assert_charts_fit

    html = client.get("/open/orebro/").content.decode()
    assert assert_charts_fit(html) == 1
