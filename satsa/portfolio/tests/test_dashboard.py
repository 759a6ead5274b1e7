"""The portfolio dashboard: who sees it, what it shows, its filters and its XLSX export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from satsa.events.actors import system_actor
from satsa.orgs.models import Board
from satsa.portfolio import selectors
from satsa.portfolio.tests.conftest import make_case
from satsa.rulebooks.services import rulebook_presets_install


def test_an_applicant_cannot_see_the_dashboard(client_as: Any, bob: Any, portfolio: Any) -> None:
    assert client_as(bob).get("/o/orebro/portfolj/").status_code == 403
    assert client_as(bob).get("/o/orebro/portfolj/portfolj.xlsx").status_code == 403


def test_another_organisation_gets_404(client_as: Any, charlie: Any, portfolio: Any) -> None:
    assert client_as(charlie).get("/o/orebro/portfolj/").status_code == 404


def test_the_dashboard_shows_the_portfolio(client_as: Any, alice: Any, portfolio: Any) -> None:
    response = client_as(alice).get("/o/orebro/portfolj/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team Oxhagen" in html and "El Sistema" in html
    assert "8\u00a0400\u00a0000\u00a0kr" in html
    assert "Pågående satsningar" in html
    assert 'role="img"' in html
    assert html.count("<h1") == 1


def test_filters_narrow_the_granted_list(client_as: Any, alice: Any, portfolio: Any) -> None:
    social = Board.objects.get(organisation__slug="orebro", name="Socialnämnden")
    html = client_as(alice).get(f"/o/orebro/portfolj/?board={social.pk}").content.decode()
    assert "Team Oxhagen" in html
    assert "El Sistema" not in html
    html = client_as(alice).get("/o/orebro/portfolj/?target_group=Vivalla").content.decode()
    assert "El Sistema" in html and "Team Oxhagen" not in html
    html = client_as(alice).get("/o/orebro/portfolj/?year=2018").content.decode()
    assert "Team Oxhagen" in html and "El Sistema" not in html


def test_the_active_interventions_carry_a_status(orebro: Any, portfolio: Any) -> None:
    board = selectors.dashboard(orebro, selectors.Filters(), today=dt.date(2016, 5, 1))
    rows = selectors.active_rows(board.active, board.today)
    assert [row.case.title for row in rows] == ["Team Oxhagen"]
    assert rows[0].status.code in {"on_plan", "off_plan", "late_report"}
    assert board.active_count == 1


def test_the_yearly_cap_counts_grants_of_the_year(orebro: Any, portfolio: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    portfolio["sistema"].decided_on = dt.date(2016, 6, 1)
    portfolio["sistema"].save()
    cap = selectors.yearly_cap(orebro, 2016)  # the cap of 3 came with the 2016 revision
    assert (cap.used, cap.limit, cap.left) == (1, 3, 2)
    assert selectors.yearly_cap(orebro, 2014).used == 1


def test_the_dashboard_reads_in_a_bounded_number_of_queries(
    client_as: Any, alice: Any, portfolio: Any
) -> None:
    client = client_as(alice)
    client.get("/o/orebro/portfolj/")
    with CaptureQueriesContext(connection) as few:
        client.get("/o/orebro/portfolj/")
    orebro = portfolio["oxhagen"].organisation
    for i in range(6):
        make_case(
            orebro, f"Avslutad {i}", "closed", granted_amount=1000, start_date=dt.date(2015, 1, 1)
        )
        make_case(
            orebro,
            f"Pågående {i}",
            "running",
            granted_amount=1000,
            start_date=dt.date(2015, 1, 1),
            end_date=dt.date(2030, 12, 31),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/o/orebro/portfolj/")
    assert "Pågående 5" in response.content.decode()
    # More closed or running cases do not mean more queries (no N+1 over the granted list,
    # nor over the running cases' follow-up).
    assert len(many) == len(few)


def test_the_lists_come_a_page_at_a_time_under_figures_of_all_cases(
    client_as: Any, alice: Any, portfolio: Any, settings: Any
) -> None:
    settings.SATSA_PAGE_SIZE = 2
    orebro = portfolio["oxhagen"].organisation
    for i in range(3):
        make_case(
            orebro,
            f"Pågående {i}",
            "running",
            granted_amount=1000,
            start_date=dt.date(2016, 1, 1),
            end_date=dt.date(2030, 12, 31),
        )
    client = client_as(alice)
    first = client.get("/o/orebro/portfolj/").content.decode()
    # Five granted cases (8 403 000 kr) and four running, whichever page is shown.
    assert '<p class="figure">5</p>' in first and "8\u00a0403\u00a0000\u00a0kr" in first
    assert '<p class="figure">4</p>' in first
    assert "Sida 1 av 3" in first and "Sida 1 av 2" in first
    assert "Pågående 1" not in first and "Pågående 2" not in first
    assert 'aria-label="Sidor med beviljade satsningar"' in first
    assert 'aria-label="Sidor med pågående satsningar"' in first
    last = client.get("/o/orebro/portfolj/?sida=3&sida_pagaende=2").content.decode()
    assert "Sida 3 av 3" in last and "Sida 2 av 2" in last
    assert '<p class="figure">5</p>' in last
    assert "Pågående 1" in last and "Pågående 2" in last


def test_the_xlsx_export_reads_back(client_as: Any, alice: Any, portfolio: Any) -> None:
    response = client_as(alice).get("/o/orebro/portfolj/portfolj.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Satsningar"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Satsning"
    by_name = {r[0]: r for r in rows[1:] if r[0]}
    assert by_name["Team Oxhagen"][5] == 5400000
    assert by_name["Team Oxhagen"][3].date() == dt.date(2015, 2, 1)
    assert "Hemlig idea" not in by_name
    assert by_name["Summa"][5] == 8400000
    pipeline = {r[0]: r[1] for r in wb["Ärenden per skede"].iter_rows(min_row=2, values_only=True)}
    assert pipeline["Idéprövning"] == 1
    assert pipeline["Genomförande"] == 1


def test_the_dashboard_charts_show_every_label_whole(
    client_as: Any, alice: Any, portfolio: Any
) -> None:
    from satsa.testing.charts import assert_charts_fit

    html = client_as(alice).get("/o/orebro/portfolj/").content.decode()
    assert assert_charts_fit(html) >= 2
    assert "Socialnämnden" in html
