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
    page.locator("#id_ordinary-costs-0-y2026").fill("400 000")
    page.locator("#id_ordinary-costs-0-financier").select_option("Socialnämnden")
    table = page.locator('table[data-alternative="ordinary"]')
    expect(table).to_contain_text("Insatsen jämförd med alternativet ”Ordinarie insats”")
    expect(table.locator(".relative-npv")).not_to_be_empty()
    assert page.evaluate("window.__notReloaded === true")
    assert axe(page) == []

    # An engine error shows up beside its field, in Swedish, also without a reload.
    page.locator("#id_effects-0-deadweight").fill("120 %")
    error = page.locator("#id_effects-0-deadweight_errors")
    expect(error).to_contain_text("mindre än eller lika med 100")
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
    page.get_by_role("rowheader", name="2022").wait_for()
    assert page.get_by_role("rowheader", name="2022").is_visible()
    page.get_by_label("Räkna om med prisindex").select_option(
        label="KPI-liknande index, årsmedel (demo)"
    )
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("columnheader", name="I 2026 års priser").wait_for()
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


PASTED_COSTS = (
    "material\tFonden\t50 000\t25 000,50\t\n"
    "utbildning\tRegion Örebro län\t\t80 000\t\n"
    "resor\tSocialnämnden\t12 500\t\t3 000\r\n"
)
# From the name column on: name, actor, unit, unit cost, price year, 2026–2028, after the
# end, deadweight, attribution, displacement, drop-off — as Swedish Excel copies them.
PASTED_EFFECTS = "".join(
    f"Effekt {n}\tSocialnämnden\thushåll och år\t59 938,50\t2026\t\t{n},5\t{n}\t2\t30 %\t10\t0\t20\n"
    for n in range(1, 6)
)


def paste(page: Any, selector: str, text: str) -> None:
    """Paste ``text`` into a cell as a browser does (a paste event with clipboard data)."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [selector, text],
    )


def test_a_calculation_is_built_in_the_grid_partly_pasted_without_losing_input(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, bob: Any, orebro: Any, foster_care: Any
) -> None:
    import datetime as dt

    from playwright.sync_api import expect

    from satsa.orgs.models import Board, ExternalParty

    Board.objects.get_or_create(organisation=orebro, name="Socialnämnden", area="social")
    ExternalParty.objects.create(organisation=orebro, name="Region Örebro län", kind="other_public")
    case = Case.objects.create(
        organisation=orebro,
        title="Familjestöd i Oxhagen",
        rulebook_key="orebro-2020",
        stage="application",
        created_by=bob,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2028, 12, 31),
    )
    calculation = services.calculation_create(case=case, actor=system_actor())
    login_in_browser("alice")
    page.goto(f"/o/orebro/kalkyler/arende/{case.pk}/")
    expect(page.locator("#calc-form[data-grid=ready]")).to_have_count(1)
    page.evaluate("window.__notReloaded = true")

    # Cost row 1 typed; Enter moves down like a spreadsheet (adding a row), not saving.
    page.locator("#id_costs-0-type").fill("personal")
    page.locator("#id_costs-0-y2026").fill("1 200 000")
    page.locator("#id_costs-0-y2027").fill("1 200 000")
    page.locator("#id_costs-0-y2027").press("Enter")
    expect(page.locator("#id_costs-1-y2027")).to_be_focused()
    page.locator("#id_costs-1-type").fill("lokaler")
    page.locator("#id_costs-1-financier").select_option("Socialnämnden")
    page.locator("#id_costs-1-y2026").fill("150 000")
    page.locator("#id_costs-1-y2026").press("ArrowUp")
    expect(page.locator("#id_costs-0-y2026")).to_be_focused()
    # Rows 3–5 pasted from a spreadsheet: the grid grows to take them.
    page.get_by_role("button", name="Lägg till rad").first.click()
    paste(page, "#id_costs-2-type", PASTED_COSTS)
    expect(page.locator("#id_costs-4-type")).to_have_value("resor")
    assert page.locator("#id_costs-3-financier").input_value() == "Region Örebro län"
    # A row added by mistake is removed without saving.
    page.get_by_role("button", name="Lägg till rad").first.click()
    page.locator("#id_costs-5-type").fill("felaktig rad")
    page.locator("#id_costs-5-y2026").fill("999")
    page.locator("#id_costs-5-DELETE").check()
    expect(page.locator("#costs-5")).to_be_hidden()

    # Effect 1: volumes and a range typed first, then a unit cost picked: nothing typed is lost.
    page.locator("#id_effects-0-name").fill("Färre placeringar i familjehem")
    page.locator("#id_effects-0-y2027").fill("1")
    page.locator("#id_effects-0-y2028").fill("2")
    page.locator("#id_effects-0-unit_cost_low").fill("300 000")
    page.locator("#id_effects-0-unit_cost_high").fill("500 000")
    page.locator("#id_effects-0-source").select_option(str(foster_care.pk))
    expect(page.locator("#id_effects-0-unit_cost")).to_have_value("420\u00a0000")
    assert page.locator("#id_effects-0-actor").input_value() == "Socialnämnden"
    assert page.locator("#id_effects-0-name").input_value() == "Färre placeringar i familjehem"
    assert page.locator("#id_effects-0-unit_cost_low").input_value() == "300 000"
    assert page.locator("#id_effects-0-unit_cost_low").is_visible()
    # Effects 2–6 pasted.
    page.get_by_role("button", name="Lägg till rad").nth(1).click()
    paste(page, "#id_effects-1-name", PASTED_EFFECTS)
    expect(page.locator("#id_effects-5-name")).to_have_value("Effekt 5")
    expect(page.locator("#npv")).to_be_visible()
    assert page.evaluate("window.__notReloaded === true")
    assert axe(page) == []

    # A longer project gets its year column at once, in every grid.
    page.locator("#id_calc-project_years").fill("4")
    page.locator("#id_calc-project_years").dispatch_event("change")
    expect(page.locator("#id_costs-0-y2029")).to_be_visible()
    expect(page.locator("#id_effects-5-y2029")).to_be_visible()
    page.locator("#id_costs-0-y2029").fill("10 000")
    expect(page.locator("#id_costs-0-y2029_errors")).to_be_empty()

    # Let the debounced recompute (500 ms) finish first: the test server shares one SQLite
    # connection between its threads, and two requests at once can break it.
    page.wait_for_timeout(700)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.get_by_role("button", name="Spara kalkylen").click()
    expect(page.locator(".messages")).to_contain_text("Kalkylen är sparad.")
    calculation.refresh_from_db()
    data = calculation.data
    assert data["costs"] == [
        {"year": 2026, "amount": 1200000, "financier": "fund", "type": "personal"},
        {"year": 2027, "amount": 1200000, "financier": "fund", "type": "personal"},
        {"year": 2029, "amount": 10000, "financier": "fund", "type": "personal"},
        {"year": 2026, "amount": 150000, "financier": "Socialnämnden", "type": "lokaler"},
        {"year": 2026, "amount": 50000, "financier": "fund", "type": "material"},
        {"year": 2027, "amount": 25000.5, "financier": "fund", "type": "material"},
        {"year": 2027, "amount": 80000, "financier": "Region Örebro län", "type": "utbildning"},
        {"year": 2026, "amount": 12500, "financier": "Socialnämnden", "type": "resor"},
        {"year": 2028, "amount": 3000, "financier": "Socialnämnden", "type": "resor"},
    ]
    assert len(data["effects"]) == 6
    first = data["effects"][0]
    assert first["name"] == "Färre placeringar i familjehem"
    assert (first["unit_cost"], first["unit_cost_price_year"]) == (420000, 2024)
    assert first["volume"] == {"2027": 1, "2028": 2}
    assert first["uncertainty"] == {"unit_cost": [300000, 420000, 500000]}
    assert calculation.effect_sources[0] == foster_care.pk
    for n, effect in enumerate(data["effects"][1:], start=1):
        assert effect["name"] == f"Effekt {n}"
        assert (effect["actor"], effect["unit"]) == ("Socialnämnden", "hushåll och år")
        assert effect["unit_cost"] == 59938.5 and effect["unit_cost_price_year"] == 2026
        assert effect["volume"] == {"2027": n + 0.5, "2028": n}
        assert effect["volume_after_end"] == 2
        assert (effect["deadweight"], effect["attribution"], effect["drop_off"]) == (0.3, 0.1, 0.2)
    # The saved calculation comes back in Swedish format.
    expect(page.locator("#id_costs-2-y2027")).to_have_value("25\u00a0000,5")
    expect(page.locator("#id_effects-1-deadweight")).to_have_value("30\u00a0%")
    assert axe(page) == []


def test_the_applicant_draws_up_the_realisation_plan_in_the_browser(
    page: Any, login_in_browser: Any, axe: Any, bob: Any, orebro: Any
) -> None:
    from satsa.calculations.tests.test_realisation import DATA as REALISATION_DATA

    case = Case.objects.create(
        organisation=orebro,
        title="Familjestöd i Oxhagen",
        rulebook_key="orebro-2020",
        stage="application",
        created_by=bob,
    )
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(
        calculation=calculation, data=REALISATION_DATA, actor=system_actor()
    )
    login_in_browser("bob")
    page.goto(f"/o/orebro/arenden/{case.pk}/kalkyl/")
    assert page.locator("#realisation-none").is_visible()
    assert axe(page) == []
    page.get_by_role("link", name="Upprätta effekthemtagningsplanen").click()
    assert axe(page) == []
    page.get_by_label("Nämnd rad 1").select_option("Socialnämnden")
    page.get_by_label("År rad 1").fill("2027")
    page.get_by_label("Belopp (kr) rad 1").fill("150 000")
    page.get_by_label("Åtgärd rad 1").select_option(label="Justerad budgetram")
    page.get_by_role("button", name="Spara planen").click()
    page.wait_for_load_state()
    table = page.locator("#realisation-plan")
    assert "Justerad budgetram" in table.inner_text()
    assert "150\u00a0000\u00a0kr" in page.locator("#realisation-totals").inner_text()
    assert axe(page) == []


def test_choosing_a_registered_party_as_actor_presets_its_perspective(
    page: Any, login_in_browser: Any, alice: Any, bob: Any, orebro: Any
) -> None:
    from playwright.sync_api import expect

    from satsa.orgs.models import ExternalParty

    ExternalParty.objects.create(
        organisation=orebro, name="Region Örebro län", kind="other_public", form="region"
    )
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
    perspective = page.locator("#id_effects-0-perspective")
    expect(perspective).to_have_value("")
    page.locator("#id_effects-0-actor").select_option("Region Örebro län")
    expect(perspective).to_have_value("other_public")
    page.locator("#id_effects-0-actor").select_option("Socialnämnden")
    expect(perspective).to_have_value("")
