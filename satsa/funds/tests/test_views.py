"""The fund's pages: who sees what, replayed POSTs, exports."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import Claim, Kind, Transaction


def url(name: str, *args: Any) -> str:
    return reverse(f"funds:{name}", args=["orebro", *args])


def key_in(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert found, "the form carries no idempotency key"
    return found.group(1)


def test_the_overview_shows_the_position_in_swedish_money(
    client_as: Any, alice: Any, granted_case: Any
) -> None:
    response = client_as(alice).get(url("overview"), {"date": "2016-12-31"})
    html = response.content.decode()
    assert response.status_code == 200
    # the free capital, in whole kronor (the table's header names the unit)
    assert "<strong>9\u00a0000\u00a0000</strong>" in html
    assert ",00" not in html
    assert html.count("<h1") == 1
    assert 'role="img"' in html and 'id="forecast-table"' in html


def test_the_overview_lists_the_funded_cases_a_page_at_a_time(
    client_as: Any, alice: Any, funded: Any, make_case: Any, settings: Any
) -> None:
    settings.SATSA_PAGE_SIZE = 2
    for title in ("Anna", "Bertil", "Cesar"):
        case = make_case(funded, title=title, diarienummer=f"KS {title}")
        services.commitment_create(
            case=case,
            amount=case.granted_amount,
            booked_on=dt.date(2016, 1, 1),
            reference=case.diarienummer,
            actor=system_actor(),
        )
    client = client_as(alice)
    first = client.get(url("overview"), {"date": "2016-12-31"}).content.decode()
    assert "Anna" in first and "Bertil" in first and "Cesar" not in first
    assert "date=2016-12-31&amp;sida=2" in first
    second = client.get(url("overview"), {"date": "2016-12-31", "sida": 2}).content.decode()
    assert "Cesar" in second and "Anna" not in second


def test_the_open_claims_come_a_page_at_a_time_oldest_first(
    client_as: Any, alice: Any, leader: Any, granted_case: Any, settings: Any
) -> None:
    settings.SATSA_PAGE_SIZE = 2
    for year in (2018, 2016, 2017):
        services.claim_submit(
            case=granted_case,
            period_code="helar",
            period_end=dt.date(year, 12, 31),
            amount=Decimal("1000"),
            actor=leader,
            idempotency_key=f"c{year}",
        )
    client = client_as(alice)
    first = client.get(url("overview")).content.decode()
    assert "Utbetalningsbegäranden att hantera (3)" in first
    assert "2016-12-31" in first and "2017-12-31" in first and "2018-12-31" not in first
    assert 'aria-label="Sidor med utbetalningsbegäranden"' in first
    second = client.get(url("overview"), {"sida_begaran": 2}).content.decode()
    assert "2018-12-31" in second and "2016-12-31" not in second


def test_an_applicant_cannot_see_the_fund(client_as: Any, bob: Any, funded: Any) -> None:
    assert client_as(bob).get(url("overview")).status_code == 403
    assert client_as(bob).get(url("journal")).status_code == 403


def test_another_organisation_gets_404(client_as: Any, charlie: Any, granted_case: Any) -> None:
    client = client_as(charlie)
    assert client.get(url("overview")).status_code == 404
    assert client.get(url("case", granted_case.pk)).status_code == 404


def test_a_project_leader_claims_but_cannot_approve(
    client_as: Any, leader: Any, alice: Any, granted_case: Any
) -> None:
    client = client_as(leader)
    page = client.get(url("case", granted_case.pk))
    assert page.status_code == 200
    form = {
        "idempotency_key": key_in(page.content.decode()),
        "period": "delar2:2016-08-31",
        "amount": "250000,00",
    }
    assert client.post(url("case", granted_case.pk), form).status_code == 302
    assert client.post(url("case", granted_case.pk), form).status_code == 302  # replayed
    claim = Claim.objects.get()
    assert claim.amount == Decimal("250000")
    approve = {"idempotency_key": "a" * 32}
    assert client.post(url("claim_approve", claim.pk), approve).status_code == 403
    assert client.post(url("claim_pay", claim.pk), approve).status_code == 403


def test_a_replayed_approval_and_payment_book_once(
    client_as: Any, leader: Any, alice: Any, granted_case: Any
) -> None:
    claim = services.claim_submit(
        case=granted_case,
        period_code="helar",
        period_end=dt.date(2016, 12, 31),
        amount=Decimal("100000"),
        actor=leader,
        idempotency_key="c",
    )
    client = client_as(alice)
    page = client.get(url("case", granted_case.pk)).content.decode()
    approve = {"idempotency_key": key_in(page)}
    for _ in range(2):
        assert client.post(url("claim_approve", claim.pk), approve).status_code == 302
    pay = {"idempotency_key": "b" * 32, "booked_on": timezone.localdate().isoformat()}
    for _ in range(3):
        assert client.post(url("claim_pay", claim.pk), pay).status_code == 302
    assert Transaction.objects.filter(kind=Kind.APPROVAL).count() == 1
    assert Transaction.objects.filter(kind=Kind.PAYMENT).count() == 1
    assert sel.case_money(granted_case).paid == Decimal("100000")


def test_a_coordinator_deposits_through_the_page(client_as: Any, alice: Any, orebro: Any) -> None:
    client = client_as(alice)
    page = client.get(url("overview")).content.decode()
    key = re.search(r'name="deposit-idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {
        "deposit-idempotency_key": key,
        "deposit-amount": "65 000 000,00",
        "deposit-booked_on": "2013-05-28",
        "deposit-reference": "KF 2013-05-28",
    }
    for _ in range(2):
        client.post(url("deposit"), form)
    assert sel.fund_position(organisation=orebro).deposited == Decimal("65000000")


@pytest.mark.parametrize(
    ("name", "kind"), [("journal_csv", "text/csv"), ("journal_xlsx", "spreadsheet")]
)
def test_the_journal_exports(
    client_as: Any, alice: Any, granted_case: Any, name: str, kind: str
) -> None:
    response = client_as(alice).get(url(name), {"ar": "2016"})
    assert response.status_code == 200 and kind in response["Content-Type"]
    if name == "journal_csv":
        text = response.content.decode("utf-8-sig")
        assert "1000000,00" in text and text.startswith("Verifikation;Datum")
    else:
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.max_row == 3  # header + the commitment's two legs


def test_the_journal_page_lists_every_leg(client_as: Any, alice: Any, granted_case: Any) -> None:
    response = client_as(alice).get(url("journal"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="num">1\u00a0000\u00a0000</td>' in html and ",00" not in html


def test_the_forecast_chart_draws_the_committed_payments_as_bars(
    client_as: Any, alice: Any, granted_case: Any
) -> None:
    import xml.etree.ElementTree as ET

    from satsa.testing.charts import SVG, assert_charts_fit, svgs_in

    on = dt.date(2016, 12, 31)
    forecast = sel.fund_forecast(organisation=granted_case.organisation, on=on)
    assert any(row.payments for row in forecast)
    html = client_as(alice).get(url("overview"), {"date": on.isoformat()}).content.decode()
    assert assert_charts_fit(html) == 1
    svg = svgs_in(html)[0]
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "ck-bar"]
    drawn = [r for r in bars if float(r.get("height", "0")) > 0]
    assert len(drawn) >= sum(1 for row in forecast if row.payments)
    assert any("Utbetalningar" in (ET.tostring(r, encoding="unicode")) for r in drawn)


def test_a_grant_wholly_claimed_offers_no_further_claim(
    client_as: Any, leader: Any, granted_case: Any
) -> None:
    client = client_as(leader)
    assert "Skicka begäran" in client.get(url("case", granted_case.pk)).content.decode()
    services.claim_submit(
        case=granted_case,
        period_code="helar",
        period_end=dt.date(2016, 12, 31),
        amount=Decimal(granted_case.granted_amount),
        actor=leader,
        idempotency_key="all",
    )
    html = client.get(url("case", granted_case.pk)).content.decode()
    assert "Skicka begäran" not in html
    assert "Hela det beviljade beloppet är begärt; det finns inget kvar att begära." in html


def test_the_repayment_form_asks_for_a_fee_only_where_the_rulebook_charges_one(
    up: Any, granted_case: Any, alice: Any, client_as: Any
) -> None:
    """Uppsala's rulebook charges no administrative fee; Örebro 2016's charges 5 %."""
    from satsa.funds.models import RepaymentPlan

    manual = [services.ManualLine(board=up.board, year=2019, amount=Decimal("600000"))]
    services.repayment_plan_manual(
        case=up.case,
        lines=manual,
        reason="Budgetramen minskas 2019.",
        decided_on=dt.date(2017, 1, 1),
        actor=up.coordinator,
    )
    uppsala = client_as(up.coordinator)
    page = uppsala.get(reverse("funds:case", args=["uppsala", up.case.pk])).content.decode()
    assert 'name="principal"' in page and 'name="fee"' not in page
    response = uppsala.post(
        reverse("funds:repayment", args=["uppsala", up.case.pk]),
        {
            "board": up.board.pk,
            "principal": "200000",
            "received_on": "2019-02-01",
            "reference": "Mål och budget 2019",
            "idempotency_key": "uppsala-frame-2019",
        },
        follow=True,
    )
    assert "Återföringen är bokförd." in response.content.decode()
    assert RepaymentPlan.objects.filter(case=up.case).exists()

    board = granted_case.organisation.boards.first()
    services.repayment_plan_manual(
        case=granted_case,
        lines=[services.ManualLine(board=board, year=2019, amount=granted_case.granted_amount)],
        reason="Antagen plan.",
        decided_on=dt.date(2016, 1, 1),
        actor=alice,
    )
    orebro = client_as(alice).get(reverse("funds:case", args=["orebro", granted_case.pk]))
    assert 'name="fee"' in orebro.content.decode()
