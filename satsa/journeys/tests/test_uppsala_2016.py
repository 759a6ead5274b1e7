"""Uppsala's 2016 guideline, the journey in the browser: an idea answered within its month,
an application with the calculation and the follow-up plan built in Satsa, the department
head's signature, the first meeting, the economists' valuation, the officials' steering
group's scoring and ranking, the decision, the payment and repayment plans approved by the
steering group, every tertial's and year's report and claim approved and paid, the
individual-level data imported, the effect evaluation, the implementation decision with its
follow-up evaluation, the repayment by reduced budget frames year by year as the plan says,
and the final report on the open pages. axe checks every page reached."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from satsa.cases.models import Case, Stage
from satsa.followup.models import Measure, Report, ReportKind, ReportStatus
from satsa.funds import selectors as fund_selectors
from satsa.funds.models import RepaymentLine
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

TITLE = "Unga vuxna i arbete"
SECTIONS = {
    "problem": "Unga vuxna fastnar i försörjningsstöd.",
    "evidence": "IPS-modellen har prövats i Sverige med goda resultat.",
    "expected_effects": "Fler i arbete eller studier; lägre försörjningsstöd.",
    "period": "Effekterna uppstår under andra året och mäts varje tertial.",
    "implementation": "Arbetsmarknadsförvaltningen tar över metoden.",
    "maintenance": "En coach per 20 deltagare efter projektet.",
}


def test_uppsala_2016_from_the_idea_to_the_reduced_budget_frames(
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
    w.save_calculation()

    # The follow-up plan: the evaluation schema with its baselines.
    w.open_case(TITLE, "Ansökan")
    page.get_by_role("link", name="Bygg utvärderingsschemat i Satsa, med basvärden").click()
    w.check()
    w.plan_schema(
        "Fler unga vuxna i arbete eller studier",
        "18–24 år med försörjningsstöd",
        "18–24 år i andra stadsdelar",
        "Deltagarna får arbete eller börjar studera",
        "Individuell coachning enligt IPS",
    )
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

    # Every remaining tertial and annual report with its claim, held to the payment plan;
    # the individual-level data imported before the final report.
    reports = list(Report.objects.filter(case=case).order_by("due_date"))
    assert [r.kind for r in reports] == [ReportKind.PERIODIC] * 5 + [ReportKind.FINAL]
    assert [r.period_code for r in reports[:3]] == ["tertial1", "tertial2", "helar"]
    # The repayment plan feeds the budget process: in each budget year the plan names,
    # finance books the reduction of Socialnämnden's budget frame (kommunbidrag).
    plan = fund_selectors.plan_in_force(case)
    assert plan is not None and plan.method == "budget_frame"
    frames = list(RepaymentLine.objects.filter(plan=plan).order_by("year"))
    years = [line.year for line in frames]
    assert years == list(range(end.year, end.year + len(years))), years
    assert sum(line.principal for line in frames) == 1500000
    paid = 200000
    for report in reports[1:]:
        claim = 300000 if report.kind == ReportKind.FINAL else 250000
        with time_machine.travel(report.due_date - dt.timedelta(days=3), tick=True):
            if report.kind == ReportKind.FINAL:
                import_individual_data(w, case)
            report_and_claim(w, report, claim)
            paid += claim
            assert fund_selectors.case_money(case).paid == paid
            report.refresh_from_db()
            assert report.status == ReportStatus.APPROVED
            while frames and frames[0].year <= timezone.localdate().year:
                reduce_budget_frame(w, case, frames.pop(0))
    assert paid == 1500000

    # The economists' effect evaluation; the municipal board decides to implement, and the
    # follow-up evaluation is scheduled one to three years after the end.
    with time_machine.travel(reports[-1].due_date + dt.timedelta(days=20), tick=True):
        evaluate_and_implement(w, case)
        case.refresh_from_db()
        assert case.stage == Stage.IMPLEMENTED
        follow_up = Report.objects.get(case=case, kind=ReportKind.FOLLOW_UP)
        years_after = (follow_up.period_end - case.end_date).days / 365
        assert 1 <= years_after <= 3.01, follow_up.period_end

        while frames and frames[0].year <= timezone.localdate().year:
            reduce_budget_frame(w, case, frames.pop(0))
    # The budget years after the project, each at the start of its year.
    for line in frames:
        with time_machine.travel(dt.datetime(line.year, 1, 15, 9, 0, tzinfo=dt.UTC), tick=True):
            reduce_budget_frame(w, case, line)
    money = fund_selectors.case_money(case)
    assert money.repaid == 1500000 and money.repayment_left == 0
    shown = page.locator("main").inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "Minskad budgetram (kommunbidrag)" in shown
    assert "Återfört\t1 500 000" in shown and "Kvar att återföra\t0" in shown, shown

    # The coordinator sees the case implemented in the portfolio and publishes the final
    # report; anyone finds it on the open pages and in the open data.
    with time_machine.travel(reports[-1].due_date + dt.timedelta(days=60), tick=True):
        publish(w, case)
    assert w.pages_checked > 80


def personnummer(i: int) -> str:
    """Made-up 12-digit identifiers (never real people)."""
    return f"20{10 + i % 10:02d}0{1 + i % 9}1{i % 10}-{1000 + i:04d}"


def report_and_claim(w: Walk, report: Report, claim: int) -> None:
    """The project leader sees the report in My tasks and writes it with the period's
    claim; the coordinator approves the report and the claim; finance attests and pays."""
    page = w.page
    w.as_user("ulf")
    page.get_by_role("link", name="Mina uppgifter").click()
    w.check()
    assert report.period_name in page.locator("main").inner_text()
    report_url = f"/o/uppsala/uppfoljning/rapport/{report.pk}/"
    spent = fund_selectors.case_money(report.case).paid + claim
    w.write_report(report_url, str(claim), spent=str(spent), activities="Coachning enligt IPS")
    w.as_user("charlie")
    page.get_by_role("link", name="Mina uppgifter").click()
    assert report.period_name in page.locator("main").inner_text()
    w.approve_report(report_url)
    w.approve_and_pay("/o/uppsala/fonden/", "charlie", "fia")
    assert "Utbetalningen är bokförd" in w.success()


def import_individual_data(w: Walk, case: Case) -> None:
    """The project leader imports the outcome per person, baseline and follow-up, for the
    participants and the comparison group; the file waits for the tasks worker, which
    imports it (only pseudonyms are stored) and deletes it, and the page shows the result."""
    page = w.page
    measure = Measure.objects.get(schema__case=case, name="Andel i arbete eller studier")
    rows = ["person,group,period,value"]
    for i in range(12):
        group = "treatment" if i < 6 else "control"
        after = (1 if i % 2 == 0 else 0) if group == "treatment" else (1 if i == 6 else 0)
        rows += [
            f"{personnummer(i)},{group},baseline,0",
            f"{personnummer(i)},{group},follow_up,{after}",
        ]
    w.as_user("ulf")
    page.goto(f"/o/uppsala/uppfoljning/matt/{measure.pk}/")
    w.check()
    page.locator("input[type=file][name=file]").set_input_files(
        files=[
            {
                "name": "utfall.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join(rows).encode(),
            }
        ]
    )
    # As in production: the upload is queued in the database for `satsa db_worker`.
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    with override_settings(TASKS=DATABASE_TASKS):
        page.get_by_role("button", name="Importera").click()
        page.wait_for_load_state()
        imports = page.locator("#imports")
        assert "I kö" in imports.inner_text()
        assert "importeras i bakgrunden" in page.locator(".message").inner_text()
        w.check()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    for number, handler in kept.items():
        signal.signal(number, handler)
    # The list on the page refreshes itself until the worker has done it.
    expect(imports).to_contain_text("24 rader har importerats och pseudonymiserats.")
    # The upload, with its personal identity numbers, is gone from storage.
    uploads = Path(settings.MEDIA_ROOT) / "bakgrundsfiler"
    assert uploads.exists() and not [p for p in uploads.rglob("*") if p.is_file()]
    w.check()
    assert personnummer(0) not in page.locator("main").inner_text()


def evaluate_and_implement(w: Walk, case: Case) -> None:
    page = w.page
    case_url = f"/o/uppsala/uppfoljning/arende/{case.pk}/"
    w.as_user("ola")
    page.goto(case_url)
    w.check()
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    w.check()
    page.get_by_label("Slutsats").fill("Fler deltagare än i jämförelsegruppen fick arbete")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    assert "Effektutvärderingen har registrerats." in w.success()
    w.check()
    w.as_user("kerstin")
    page.goto(case_url)
    page.get_by_role("link", name="Registrera implementeringsbeslut").click()
    w.check()
    page.locator("#id_outcome").select_option("whole")
    page.get_by_label("Ordinarie arbete som ersätts").fill("Försörjningsstödets jobbcoachning")
    page.get_by_label("Motivering").fill(
        "Fler unga vuxna kom i arbete; försörjningsstödet minskade"
    )
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    assert "Implementeringsbeslutet har registrerats." in w.success()
    w.check()


def reduce_budget_frame(w: Walk, case: Case, line: RepaymentLine) -> None:
    """Finance books the budget year's reduced frame of the board the plan names."""
    page = w.page
    before = fund_selectors.case_money(case).repaid
    w.as_user("fia")
    page.goto(f"/o/uppsala/fonden/arenden/{case.pk}/")
    w.check()
    page.locator("#id_board").select_option(label=line.board.name)
    page.get_by_label("Återföring (kr)").fill(str(line.principal))
    page.get_by_label("Referens").fill(f"Mål och budget {line.year}, minskat kommunbidrag")
    page.get_by_role("button", name="Bokför återföring").click()
    assert "Återföringen är bokförd." in w.success()
    w.check()
    assert fund_selectors.case_money(case).repaid == before + line.principal


def publish(w: Walk, case: Case) -> None:
    page = w.page
    w.as_user("charlie")
    page.goto("/o/uppsala/portfolj/")
    w.check()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=TITLE))
    shown = row.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "Implementerad" in shown and "1 500 000" in shown, shown
    page.get_by_role("link", name=f"Publicera slutrapporten för {TITLE}").click()
    w.check()
    page.get_by_label("Sammanfattning för allmänheten").fill(
        "Fler unga vuxna kom i arbete eller studier; metoden är nu ordinarie verksamhet."
    )
    page.get_by_role("button", name="Publicera").click()
    w.success()
    w.check()
    page.context.clear_cookies()
    page.goto("/open/uppsala/")
    assert TITLE in page.locator("main").inner_text()
    w.check()
    listed = page.request.get("/open/uppsala/interventions.json").json()
    (record,) = [i for i in listed["interventions"] if i["name"] == TITLE]
    assert record["status"] == "implemented", record
    assert record["granted_amount"] == "1500000.00", record
    assert record["final_report_url"], record
    pdf = page.request.get(record["final_report_url"])
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf", pdf.status
    assert pdf.body().startswith(b"%PDF")
