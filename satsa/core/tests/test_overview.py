"""The organisation's overview: each person sees the panels their roles allow, filled
with what concerns them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.core.money import kr
from satsa.followup.models import Report, ReportKind, ReportStatus
from satsa.funds import services as funds
from satsa.funds.selectors import fund_position
from satsa.orgs.overview import panels_for


@pytest.fixture
def world(orebro: Any, alice: Any, bob: Any) -> dict[str, Any]:
    today = timezone.localdate()
    funds.deposit_create(
        organisation=orebro,
        amount=Decimal("10000000"),
        booked_on=today - dt.timedelta(days=400),
        reference="KF § 1",
        actor=alice,
    )
    running = Case.objects.create(
        organisation=orebro,
        title="Brobyggare i Vivalla",
        rulebook_key="orebro-2016",
        stage=Stage.RUNNING,
        granted_amount=Decimal("2500000"),
        decided_on=today - dt.timedelta(days=300),
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=400),
        created_by=bob,
        diarienummer="KS 2026/1",
    )
    funds.commitment_create(
        case=running,
        amount=Decimal("2500000"),
        booked_on=today - dt.timedelta(days=300),
        reference="KS 2026/1",
        actor=alice,
    )
    draft = Case.objects.create(
        organisation=orebro,
        title="Läxhjälp i Oxhagen",
        rulebook_key="orebro-2016",
        stage=Stage.IDEA,
        created_by=bob,
    )
    for period, due in (("Första halvåret", -5), ("Andra halvåret", 20), ("Nästa år", 200)):
        Report.objects.create(
            organisation=orebro,
            case=running,
            kind=ReportKind.PERIODIC,
            period_name=period,
            period_end=today + dt.timedelta(days=due - 30),
            due_date=today + dt.timedelta(days=due),
        )
    return {"running": running, "draft": draft}


def overview(client: Any, org: Any) -> str:
    response = client.get(reverse("orgs:dashboard", args=[org.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_sees_the_fund_the_reports_due_and_the_cases(
    client_as: Any, orebro: Any, alice: Any, world: dict[str, Any]
) -> None:
    page = overview(client_as(alice), orebro)
    position = fund_position(organisation=orebro)
    assert position.free == Decimal("7500000.00")
    assert 'id="panel-fund"' in page
    assert kr(position.free, unit=False) == "7\u00a0500\u00a0000"
    assert kr(position.free, unit=False) in page
    # the reports due within 30 days, the late one marked; next year's is not listed
    assert "Första halvåret" in page and "Andra halvåret" in page
    assert "Nästa år" not in page
    assert page.count("Försenad</strong>") == 1
    # the cases panel counts what the coordinator may see: not the draft idea
    assert 'id="panel-cases"' in page
    assert "1 ärende du kan se, per fas" in page
    assert "Läxhjälp i Oxhagen" not in page


def test_the_applicant_sees_their_tasks_and_cases_but_not_the_fund(
    client_as: Any, orebro: Any, bob: Any, world: dict[str, Any]
) -> None:
    page = overview(client_as(bob), orebro)
    assert 'id="panel-fund"' not in page
    assert 'id="panel-tasks"' in page
    assert "Läxhjälp i Oxhagen" in page  # the draft idea waits for its author
    assert "Skriv klart och lämna in idén" in page
    assert "2 ärenden du kan se, per fas" in page


def test_a_submitted_report_waits_for_review(
    client_as: Any, orebro: Any, alice: Any, world: dict[str, Any]
) -> None:
    Report.objects.filter(period_name="Första halvåret").update(status=ReportStatus.SUBMITTED)
    page = overview(client_as(alice), orebro)
    assert "1 inlämnad rapport väntar på granskning." in page
    # The review is one of the coordinator's tasks, linked to the report.
    assert "Granska lägesrapport Första halvåret" in page


def test_panels_follow_permissions_and_never_cross_organisations(
    client_as: Any,
    orebro: Any,
    uppsala: Any,
    alice: Any,
    bob: Any,
    charlie: Any,
    world: dict[str, Any],
) -> None:
    assert [p.template for p in panels_for(bob, orebro)] == [
        "cases/_panel_tasks.html",
        "followup/_panel_reports.html",
        "cases/_panel_cases.html",
    ]
    assert "funds/_panel_fund.html" in [p.template for p in panels_for(alice, orebro)]
    # Uppsala's coordinator: no panels of Örebro, and Örebro's overview is not found
    assert panels_for(charlie, orebro) == []
    response = client_as(charlie).get(reverse("orgs:dashboard", args=[orebro.slug]))
    assert response.status_code == 404
    # on their own overview nothing of Örebro's shows
    page = overview(client_as(charlie), uppsala)
    assert "Brobyggare i Vivalla" not in page
    assert "7\u00a0500\u00a0000" not in page
