"""The fund's pages in a real browser: accessible, and a claim goes from leader to payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_claim_is_made_approved_and_paid_on_accessible_pages(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, leader: Any, granted_case: Any
) -> None:
    services.repayment_plan_create(
        case=granted_case,
        lines=[
            services.PlanLine(
                granted_case.organisation.boards.first(), 2020, Decimal("1000000"), Decimal("50000")
            )
        ],
        decided_on=dt.date(2016, 1, 1),
        actor=system_actor(),
    )
    login_in_browser("lena")
    page.goto(f"/o/orebro/fonden/arenden/{granted_case.pk}/")
    assert page.locator("h1").count() == 1
    assert axe(page) == []
    page.get_by_label("Rapporteringstillfälle").select_option("delar2:2016-08-31")
    page.get_by_label("Upparbetade kostnader som begärs (kr)").fill("125 000,50")
    page.get_by_role("button", name="Skicka begäran").click()
    page.wait_for_load_state()
    assert "Utbetalningsbegäran är inlämnad." in page.locator("main").inner_text()

    page.context.clear_cookies()
    login_in_browser("alice")
    page.goto("/o/orebro/fonden/")
    assert axe(page) == []
    page.get_by_role("button", name="Godkänn").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Bokför utbetalning").click()
    page.wait_for_load_state()
    assert sel.case_money(granted_case).paid == Decimal("125000.50")
    for path in ("", "verifikationer/", f"arenden/{granted_case.pk}/"):
        page.goto(f"/o/orebro/fonden/{path}")
        assert page.locator("h1").count() == 1, path
        assert axe(page) == [], path


def test_uppsala_proposes_and_approves_a_payment_plan_on_accessible_pages(
    page: Any, login_in_browser: Any, axe: Any, up: Any
) -> None:
    login_in_browser("ulf")
    page.goto(f"/o/uppsala/fonden/arenden/{up.case.pk}/")
    assert axe(page) == []
    lines = page.get_by_label("Rader: år;period;belopp")
    # The suggested draft pays the grant evenly; the applicant puts more in the first year.
    lines.fill("2017;T1;150 000\n2017;T2;150 000\n2017;T3;100 000\n2018;T1;100 000\n2018;T3;1")
    page.get_by_role("button", name="Föreslå utbetalningsplanen").click()
    page.wait_for_load_state()
    assert "skillnad" in page.locator("main").inner_text()
    assert axe(page) == []
    lines.fill("2017;T1;150 000\n2017;T2;150 000\n2017;T3;100 000\n2018;T1;200 000")
    page.get_by_role("button", name="Föreslå utbetalningsplanen").click()
    page.wait_for_load_state()
    assert "väntar på styrgruppens godkännande" in page.locator("main").inner_text()

    page.context.clear_cookies()
    login_in_browser("stina")
    page.goto(f"/o/uppsala/fonden/arenden/{up.case.pk}/")
    assert axe(page) == []
    page.get_by_role("button", name="Godkänn version 1").click()
    page.wait_for_load_state()
    assert sel.payment_plan_is_approved(up.case)
    assert axe(page) == []
