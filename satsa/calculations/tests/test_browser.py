from __future__ import annotations

from typing import Any

import pytest

from satsa.calculations import services
from satsa.calculations.tests.test_editor import DATA
from satsa.cases.models import Case
from satsa.events.actors import system_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_recomputes_in_the_browser_without_a_reload(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, bob: Any, orebro: Any
) -> None:
    from playwright.sync_api import expect

    case = Case.objects.create(
        organisation=orebro,
        title="Familjestöd i Oxhagen",
        rulebook_key="orebro-2020",
        stage="application",
        created_by=bob,
    )
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())
    login_in_browser("alice")
    page.goto(f"/o/orebro/kalkyler/arende/{case.pk}/")
    assert page.locator("h1").count() == 1
    npv = page.locator("#npv")
    before = npv.inner_text()
    page.evaluate("window.__notReloaded = true")

    page.locator("#id_effects-0-volume_after_end").fill("3")
    expect(npv).not_to_have_text(before)
    assert page.evaluate("window.__notReloaded === true")
    assert npv.inner_text() != before
    assert axe(page) == []

    # A comparison alternative typed in gets its table in the results, also without a reload.
    page.locator("#id_ordinary-costs-0-year").fill("2026")
    page.locator("#id_ordinary-costs-0-amount").fill("400000")
    page.locator("#id_ordinary-costs-0-financier").fill("Socialnämnden")
    table = page.locator('table[data-alternative="ordinary"]')
    expect(table).to_contain_text("Insatsen jämförd med alternativet ”Ordinarie insats”")
    expect(table.locator(".relative-npv")).not_to_be_empty()
    assert page.evaluate("window.__notReloaded === true")
    assert axe(page) == []

    # An engine error shows up beside its field, in Swedish, also without a reload.
    page.locator("#id_effects-0-volume").fill("2027: 1; 2050: 1")
    error = page.locator("#id_effects-0-volume_errors")
    expect(error).to_contain_text("året 2050 ligger utanför kalkylens år")
    assert page.evaluate("window.__notReloaded === true")
    assert axe(page) == []


def test_the_unit_cost_pages_are_accessible(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, orebro: Any
) -> None:
    from satsa.calculations import demo

    demo.load()
    login_in_browser("alice")
    page.get_by_role("link", name="Enhetskostnader").first.click()
    assert page.locator("h1").inner_text() == "Enhetskostnader"
    assert axe(page) == []
    page.get_by_role("link", name="Placering i familjehem, barn och unga").click()
    assert page.get_by_role("rowheader", name="2022").is_visible()
    page.get_by_label("Räkna om med prisindex").select_option(
        label="KPI-liknande index, årsmedel (demo)"
    )
    page.get_by_role("button", name="Visa").click()
    assert page.get_by_role("columnheader", name="I 2026 års priser").is_visible()
    assert axe(page) == []
    for path in (
        "/o/orebro/kalkyler/enhetskostnader/import/",
        "/o/orebro/kalkyler/enhetskostnader/ny/",
        "/o/orebro/kalkyler/prisindex/",
        "/open/orebro/enhetskostnader/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert axe(page) == [], path
