"""Uppsala's 2016 guideline, the journey in the browser: an idea answered within its month,
an application with the calculation and the follow-up plan built in Satsa, the department
head's signature, the first meeting, the economists' valuation, the officials' steering
group's scoring and ranking, the decision, the payment and repayment plans approved by the
steering group, and tertial claims paid. axe checks every page reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.funds import selectors as fund_selectors
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Unga vuxna i arbete"
SECTIONS = {
    "problem": "Unga vuxna fastnar i försörjningsstöd.",
    "evidence": "IPS-modellen har prövats i Sverige med goda resultat.",
    "expected_effects": "Fler i arbete eller studier; lägre försörjningsstöd.",
    "period": "Effekterna uppstår under andra året och mäts varje tertial.",
    "implementation": "Arbetsmarknadsförvaltningen tar över metoden.",
    "maintenance": "En coach per 20 deltagare efter projektet.",
}


def test_uppsala_2016_from_the_idea_to_paid_tertial_claims(
    page: Any, login_in_browser: Any, axe: Any, uppsala_cast: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    # The idea, answered by the coordinator within its month.
    w.as_user("ulf")
    page.goto("/o/uppsala/arenden/ny-ide/")
    w.check()
    page.get_by_label("Satsningens namn").fill(TITLE)
    page.get_by_label("Nämnder som berörs i resultat eller kostnader").select_option(
        label="Socialnämnden"
    )
    page.get_by_label("Förvaltningar som medverkar").select_option(label="Socialförvaltningen")
    page.locator('textarea[name="idea_problem"]').fill("Unga vuxna fastnar i försörjningsstöd.")
    page.locator('textarea[name="idea_target_group"]').fill("18–24 år utan arbete eller studier.")
    page.locator('textarea[name="idea_affected_services"]').fill("Socialnämnden.")
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_role("button", name="Lämna in idén").click()
    w.success()
    w.check()
    w.as_user("charlie")
    page.get_by_role("link", name="Mina uppgifter").click()
    assert TITLE in page.locator("main").inner_text()
    w.open_case(TITLE, "Beredning")
    w.advance()

    # The application, with the calculation built in the editor.
    w.as_user("ulf")
    w.open_case(TITLE, "Ansökan")
    for section, text in SECTIONS.items():
        page.locator(f'textarea[name="section_{section}"]').fill(text)
    page.locator('input[name="duration_years"]').fill("2")
    page.locator('input[name="requested_amount"]').fill("1 500 000")
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    case = Case.objects.get(title=TITLE)
    page.goto(f"/o/uppsala/kalkyler/arende/{case.pk}/")
    w.check()
    grid_years = page.locator("input[name=grid-years]").input_value()
    years = [int(y) for y in grid_years.split(",")]
    page.locator("#id_costs-0-type").fill("personal")
    page.locator(f"#id_costs-0-y{years[0]}").fill("750 000")
    page.locator(f"#id_costs-0-y{years[1]}").fill("750 000")
    page.locator("#id_effects-0-name").fill("Färre hushåll med försörjningsstöd")
    page.locator("#id_effects-0-actor").select_option("Socialnämnden")
    page.locator("#id_effects-0-unit").fill("hushållsår")
    page.locator("#id_effects-0-unit_cost").fill("120 000")
    page.locator(f"#id_effects-0-y{years[1]}").fill("10")
    page.locator("#id_effects-0-volume_after_end").fill("10")
    page.get_by_role("button", name="Spara kalkylen").click()
    w.success()
    w.check()
