"""Uppsala's 2016 guideline, the journey in the browser: an idea answered within its month,
an application with the calculation and the follow-up plan built in Satsa, the department
head's signature, the first meeting, the economists' valuation, the officials' steering
group's scoring and ranking, the decision, the payment and repayment plans approved by the
steering group, and the first tertial's report and claim approved and paid. axe checks
every page reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.followup.models import Report
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


def test_uppsala_2016_from_the_idea_to_the_first_paid_tertial(
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
    page.get_by_role("link", name="Bygg kalkylen i Satsa").click()
    w.check()
    page.get_by_role("button", name="Skapa kalkyl").click()
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

    # The follow-up plan: the evaluation schema with its baselines.
    w.open_case(TITLE, "Ansökan")
    page.get_by_role("link", name="Bygg utvärderingsschemat i Satsa, med basvärden").click()
    w.check()
    page.get_by_label("Övergripande mål").fill("Fler unga vuxna i arbete eller studier")
    page.locator("#id_target_group").fill("18–24 år med försörjningsstöd")
    page.locator("#id_comparison_group").fill("18–24 år i andra stadsdelar")
    page.get_by_role("button", name="Spara", exact=True).click()
    w.check()
    page.get_by_label("Nytt delmål").fill("Deltagarna får arbete eller börjar studera")
    page.get_by_role("button", name="Lägg till delmål").click()
    page.get_by_label("Ny aktivitet").fill("Individuell coachning enligt IPS")
    page.get_by_role("button", name="Lägg till aktivitet").click()
    w.check()
    for kind, name, unit, baseline, target in (
        ("Utfallsmått", "Andel i arbete eller studier", "procent", "10", "40"),
        ("Aktivitetsmått", "Coachningssamtal", "samtal", "0", "800"),
    ):
        page.get_by_role("link", name="Lägg till mått").click()
        page.get_by_label("Typ av mått").select_option(label=kind)
        page.get_by_label("Namn").fill(name)
        page.get_by_label("Enhet").fill(unit)
        page.get_by_label("Basvärde", exact=True).fill(baseline)
        page.get_by_label("Datum för basmätning").fill(timezone.localdate().isoformat())
        page.get_by_label("Målvärde").fill(target)
        page.get_by_label("Källa").fill("Försörjningsstödsregistret")
        page.get_by_label("Ansvarig").fill("Projektledaren")
        page.get_by_role("button", name="Lägg till mått").click()
        w.check()

    # The repayment plan is still a document; then the application is handed in.
    w.open_case(TITLE, "Ansökan")
    page.locator("select[name=kind]").select_option("repayment_plan")
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "aterforing.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Bifoga").click()
    w.check()
    page.get_by_role("button", name="Lämna in ansökan").click()
    assert "Ansökan är inlämnad" in w.success()
    w.check()

    # The department head signs; the coordinator holds the first meeting.
    w.as_user("hanna")
    w.open_case(TITLE, "Underskrifter")
    page.get_by_role("button", name="Underteckna för Socialförvaltningen").click()
    w.check()
    w.as_user("charlie")
    w.open_case(TITLE, "Beredning")
    if Case.objects.get(title=TITLE).step == "application":
        w.advance()
    page.locator("details.assess:has(input[name=criteria_list][value=basic])").evaluate(
        "d => d.open = true"
    )
    for select in page.locator('select[name^="basic-c_"]').all():
        select.select_option("yes")
    page.locator("form:has(input[name=criteria_list][value=basic]) button").click()
    w.check()
    w.advance("Ett första möte om ansökans reella förutsättningar har hållits.")
    # The economists value the calculation.
    w.as_user("ola")
    w.open_case(TITLE, "Beredning")
    w.advance("Den ekonomiska kalkylen är granskad av utvärderingsteamet.")
    # The officials' steering group scores the selection criteria and ranks.
    w.as_user("stina")
    w.open_case(TITLE, "Beredning")
    page.locator("details.assess:has(input[name=criteria_list][value=selection])").evaluate(
        "d => d.open = true"
    )
    for select in page.locator('select[name^="selection-c_"]').all():
        select.select_option("4")
    page.locator("form:has(input[name=criteria_list][value=selection]) button").click()
    w.check()
    page.goto("/o/uppsala/arenden/prioritering/")
    page.get_by_role("button", name="Prioritera efter urvalskriterierna").click()
    w.check()
    w.open_case(TITLE, "Beredning")
    w.advance()
    assert Case.objects.get(title=TITLE).step == "decision"

    # The municipal board's decision, with the project's dates.
    start = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
    start = start.replace(day=1)
    end = start.replace(year=start.year + 2) - dt.timedelta(days=1)
    w.as_user("kerstin")
    w.open_case(TITLE, "Beslut")
    page.get_by_label("Beviljat belopp (kr)").fill("1500000")
    page.get_by_label("Diarienummer").fill("KSN-2026-0412")
    page.get_by_label("Protokollsparagraf").fill("KS § 201")
    page.get_by_label("Projektets startdatum").fill(start.isoformat())
    page.get_by_label("Projektets slutdatum").fill(end.isoformat())
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Beslutet är registrerat" in w.success()
    w.check()
    case = Case.objects.get(title=TITLE)
    assert case.stage == Stage.DECIDED

    # The payment plan, proposed by the applicant as drafted, and the repayment plan drawn
    # from the calculation by the coordinator; the steering group approves both.
    w.as_user("ulf")
    page.goto(f"/o/uppsala/fonden/arenden/{case.pk}/")
    w.check()
    page.get_by_role("button", name="Föreslå utbetalningsplanen").click()
    w.success()
    w.check()
    w.as_user("charlie")
    page.goto(f"/o/uppsala/fonden/arenden/{case.pk}/")
    page.get_by_role("button", name="Upprätta återföringsplan från kalkylen").click()
    w.success()
    w.check()
    w.as_user("stina")
    page.goto(f"/o/uppsala/fonden/arenden/{case.pk}/")
    page.get_by_role("button", name="Godkänn version 1").click()
    w.success()
    page.get_by_role("button", name="Godkänn återföringsplanen").click()
    w.success()
    w.check()
    assert fund_selectors.payment_plan_is_approved(case)

    # The first tertial: the project leader reports and claims; the coordinator approves
    # the report and the claim, and the fund pays.
    first = Report.objects.filter(case=case).order_by("due_date").first()
    assert first is not None
    with time_machine.travel(first.due_date - dt.timedelta(days=3), tick=True):
        w.as_user("ulf")
        page.get_by_role("link", name="Mina uppgifter").click()
        assert first.period_name in page.locator("main").inner_text()
        report_url = f"/o/uppsala/uppfoljning/rapport/{first.pk}/"
        w.write_report(report_url, "200000", activities="Coachning av 20 deltagare")
        w.as_user("charlie")
        w.approve_report(report_url)
        w.approve_and_pay("/o/uppsala/fonden/", "charlie", "fia")
        assert fund_selectors.case_money(case).paid == 200000
        case.refresh_from_db()
        assert case.stage == Stage.RUNNING
