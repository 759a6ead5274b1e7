"""Region Gävleborg's journey in the browser: an application handed in to the autumn
round before its deadline, assessed by the support group against the criteria and the
assessment points, decided, the evaluation schema built, each year's costs claimed in
arrears with the applicants' co-financing stated (the second year's with the final report,
the one report the region asks for), evaluated, implemented (the region funds methods
meant to be implemented after the test), and published on the open pages. axe checks every
page reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from satsa.cases.models import Case, Stage
from satsa.followup.models import Measure, Report, ReportKind, ReportStatus
from satsa.funds import selectors as fund_selectors
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Hälsolotsar i Hofors"
MEASURE = "Andel med tidig ohälsa som söker stöd"


def test_gavleborg_from_the_round_to_the_end(
    page: Any, login_in_browser: Any, axe: Any, gavleborg_cast: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    # The round of 2027 is open; its deadline is 30 November.
    with time_machine.travel(dt.datetime(2027, 10, 4, 9, 0, tzinfo=dt.UTC), tick=True):
        w.as_user("gustav")
        page.goto("/o/gavleborg/")
        w.check()
        page.goto("/o/gavleborg/arenden/ny-ide/")
        w.check()
        page.get_by_label("Satsningens namn").fill(TITLE)
        page.get_by_label("Nämnder som berörs i resultat eller kostnader").select_option(
            label=["Hälso- och sjukvårdsnämnden", "Regionala utvecklingsnämnden"]
        )
        page.get_by_label("Förvaltningar som medverkar").select_option(label="Primärvården")
        page.get_by_role("button", name="Spara utkast").click()
        w.check()
        page.get_by_role("button", name="Lämna in idén").click()
        w.success()
        w.check()
        w.open_case(TITLE, "Ansökan")
        findings = page.locator("#findings").inner_text()
        assert "2027-11-30" in findings, findings
        for textarea in page.locator('textarea[name^="section_"]').all():
            textarea.fill("Hälsolotsar möter invånare med ohälsa tidigt, tillsammans med kommunen.")
        page.locator('input[name="duration_years"]').fill("2")
        page.locator('input[name="requested_amount"]').fill("1000000")
        page.locator('input[name="total_cost"]').fill("2400000")
        page.locator('input[name="co_financing_share"]').fill("0.6")
        page.get_by_role("button", name="Spara utkast").click()
        w.check()
        page.get_by_role("button", name="Lämna in ansökan").click()
        assert "Ansökan är inlämnad" in w.success()
        w.check()

    # After the deadline the coordinator hands the round's applications to the support
    # group, which ticks the criteria and scores the assessment points.
    with time_machine.travel(dt.datetime(2027, 12, 2, 9, 0, tzinfo=dt.UTC), tick=True):
        w.as_user("gun")
        page.get_by_role("link", name="Mina uppgifter").click()
        assert TITLE in page.locator("main").inner_text()
        w.open_case(TITLE, "Beredning")
        w.advance()
        assert Case.objects.get(title=TITLE).step == "assessment"
        w.as_user("stig")
        w.open_case(TITLE, "Beredning")
        page.locator("details.assess summary").first.click()
        for select in page.locator('select[name^="basic-c_"]').all():
            select.select_option("yes")
        page.locator("form:has(input[name=criteria_list][value=basic]) button").click()
        w.check()
        page.locator("details.assess:not([open]) summary").first.click()
        for select in page.locator('select[name^="assessment-c_"]').all():
            select.select_option(index=select.locator("option").count() - 1)
        page.locator("form:has(input[name=criteria_list][value=assessment]) button").click()
        w.check()
        w.advance()
        assert Case.objects.get(title=TITLE).step == "decision"

        # The regional board's decision, entered by its recorder, with the project's dates.
        w.as_user("rut")
        w.open_case(TITLE, "Beslut")
        page.get_by_label("Beviljat belopp (kr)").fill("1000000")
        page.get_by_label("Diarienummer").fill("RS 2027/1201")
        page.get_by_label("Protokollsparagraf").fill("RS § 140")
        page.get_by_label("Projektets startdatum").fill("2028-01-01")
        page.get_by_label("Projektets slutdatum").fill("2029-12-31")
        page.get_by_role("button", name="Registrera beslutet").click()
        assert "Beslutet är registrerat" in w.success()
        w.check()
        w.as_user("gun")
        w.open_case(TITLE)
        page.get_by_text("Ändra ärendets personer").click()
        page.get_by_label("Projektägare").select_option(label="Hedda")
        page.get_by_label("Projektledare").select_option(label="Linnea")
        page.get_by_role("button", name="Spara personerna").click()
        w.success()
        w.check()

    # Before the start, the project leader builds the evaluation schema the follow-up rests
    # on: the region asks that the intervention can be followed up and evaluated.
    case = Case.objects.get(title=TITLE)
    with time_machine.travel(dt.datetime(2027, 12, 14, 9, 0, tzinfo=dt.UTC), tick=True):
        build_schema(w, case)
    # The rulebook names no reporting points: the report it asks for is the final one.
    reports = list(Report.objects.filter(case=case).order_by("due_date"))
    assert [r.kind for r in reports] == [ReportKind.FINAL], reports

    # Half a year in, the project leader learns when the costs can be claimed: in arrears,
    # once a year (the region names no reporting points).
    with time_machine.travel(dt.datetime(2028, 7, 10, 9, 0, tzinfo=dt.UTC), tick=True):
        w.as_user("linnea")
        page.goto(f"/o/gavleborg/fonden/arenden/{case.pk}/")
        w.check()
        assert "Nästa rapporteringstillfälle är Helår 2028" in page.locator("main").inner_text()
    # After the year, the claim; the coordinator approves, finance attests and pays.
    with time_machine.travel(dt.datetime(2029, 1, 12, 9, 0, tzinfo=dt.UTC), tick=True):
        w.as_user("linnea")
        page.goto(f"/o/gavleborg/fonden/arenden/{case.pk}/")
        page.get_by_label("Rapporteringstillfälle").select_option(label="Helår 2028")
        # The applicants co-finance at least half: the fund pays at most half the cost.
        page.get_by_label("Periodens totala kostnader, medfinansieringen inräknad (kr)").fill(
            "600 000"
        )
        page.get_by_label("Upparbetade kostnader som begärs (kr)").fill("300 000")
        page.get_by_role("button", name="Skicka begäran").click()
        w.success()
        w.check()
        w.as_user("gun")
        page.get_by_role("link", name="Mina uppgifter").click()
        assert "Godkänn utbetalningsbegäran" in page.locator("main").inner_text()
        page.get_by_role("link", name=TITLE).first.click()
        w.check()
        page.get_by_role("button", name="Godkänn").first.click()
        w.success()
        w.check()
        w.as_user("frans")
        page.get_by_role("link", name="Mina uppgifter").click()
        main = page.locator("main").inner_text()
        assert "Attestera utbetalningsbegäran" in main or "Bokför utbetalningen" in main, main
        page.goto("/o/gavleborg/fonden/")
        if page.get_by_role("button", name="Godkänn").count():
            page.get_by_role("button", name="Godkänn").first.click()
            w.success()
        page.get_by_role("button", name="Bokför utbetalning").first.click()
        w.success()
        w.check()
        assert fund_selectors.case_money(case).paid == 300000

    # After the second year: the final measurement and the final report, whose claim for
    # the year states the whole cost with the co-financing; the coordinator approves the
    # report and the claim, finance attests and pays.
    final = reports[0]
    assert final.due_date == dt.date(2030, 3, 31)
    with time_machine.travel(dt.datetime(2030, 3, 20, 9, 0, tzinfo=dt.UTC), tick=True):
        measure_in_aggregate(w, case)
        w.as_user("linnea")
        page.get_by_role("link", name="Mina uppgifter").click()
        w.check()
        assert "Skriv och lämna in slutrapport" in page.locator("main").inner_text()
        report_url = f"/o/gavleborg/uppfoljning/rapport/{final.pk}/"
        w.write_report(
            report_url, "350000", spent="650000", costs="700000", activities="Hälsosamtal"
        )
        page.goto(report_url)
        shown = page.locator("main").inner_text().replace("\xa0", " ").replace("\u202f", " ")
        assert "Periodens totala kostnader, medfinansieringen inräknad (kr)" in shown
        assert "700 000" in shown and "350 000" in shown, shown
        w.as_user("gun")
        page.get_by_role("link", name="Mina uppgifter").click()
        assert TITLE in page.locator("main").inner_text()
        w.approve_report(report_url)
        w.approve_and_pay("/o/gavleborg/fonden/", "gun", "frans")
        assert "Utbetalningen är bokförd" in w.success()
        assert fund_selectors.case_money(case).paid == 650000
        final.refresh_from_db()
        assert final.status == ReportStatus.APPROVED

    # The effect evaluation, and the regional board's decision to implement: the method
    # was meant to be implemented after the test. What was never claimed goes back to the
    # fund, and the follow-up evaluation is scheduled a year or more after the end.
    with time_machine.travel(dt.datetime(2030, 4, 14, 9, 0, tzinfo=dt.UTC), tick=True):
        evaluate_and_implement(w, case)
        case.refresh_from_db()
        assert case.stage == Stage.IMPLEMENTED
        follow_up = Report.objects.get(case=case, kind=ReportKind.FOLLOW_UP)
        assert case.end_date is not None
        assert 1 <= (follow_up.period_end - case.end_date).days / 365 <= 3.01
        assert fund_selectors.case_money(case).outstanding == 0
        w.as_user("gun")
        page.goto(f"/o/gavleborg/fonden/arenden/{case.pk}/")
        w.check()
        money = page.locator("main").inner_text().replace("\xa0", " ").replace("\u202f", " ")
        assert "650 000" in money, money
        publish(w)
    assert w.pages_checked > 40


def build_schema(w: Walk, case: Case) -> None:
    page = w.page
    w.as_user("linnea")
    page.goto(f"/o/gavleborg/uppfoljning/arende/{case.pk}/schema/")
    w.check()
    w.plan_schema(
        "Fler invånare med tidig ohälsa får stöd i tid",
        "Vuxna i Hofors med tidiga tecken på ohälsa",
        "Vuxna i Ockelbo",
        "Invånarna söker stöd tidigt",
        "Hälsosamtal med hälsolots",
    )
    page.get_by_role("link", name="Lägg till mått").click()
    w.check()
    page.get_by_label("Typ av mått").select_option(label="Utfallsmått")
    page.get_by_label("Namn").fill(MEASURE)
    page.get_by_label("Enhet").fill("procent")
    page.get_by_label("Basvärde", exact=True).fill("30")
    page.get_by_label("Datum för basmätning").fill("2027-12-01")
    page.get_by_label("Målvärde").fill("50")
    page.get_by_label("Källa").fill("Primärvårdens journalsystem")
    page.get_by_label("Ansvarig").fill("Projektledaren")
    page.get_by_label("Jämförelsegruppens basvärde").fill("31")
    page.get_by_label("Planerat antal i målgruppen").fill("100")
    page.get_by_label("Planerat antal i jämförelsegruppen").fill("100")
    page.get_by_role("button", name="Lägg till mått").click()
    w.check()


def measure_in_aggregate(w: Walk, case: Case) -> None:
    page = w.page
    measure = Measure.objects.get(schema__case=case, name=MEASURE)
    w.as_user("linnea")
    page.goto(f"/o/gavleborg/uppfoljning/matt/{measure.pk}/")
    w.check()
    for group, value in (("treatment", "48"), ("control", "32")):
        page.get_by_label("Grupp").select_option(group)
        page.locator("#id_period_label").fill("Slutmätning")
        page.locator("#id_measured_on").fill("2029-12-15")
        page.locator("#id_value").fill(value)
        page.get_by_label("Antal personer värdet bygger på").fill("100")
        page.get_by_role("button", name="Spara mätvärde").click()
        w.success()
        w.check()


def evaluate_and_implement(w: Walk, case: Case) -> None:
    page = w.page
    case_url = f"/o/gavleborg/uppfoljning/arende/{case.pk}/"
    w.as_user("ebba")
    page.goto(case_url)
    w.check()
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    w.check()
    page.get_by_label("Slutsats").fill("Fler sökte stöd tidigt än i jämförelsegruppen")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    assert "Effektutvärderingen har registrerats." in w.success()
    w.check()
    w.as_user("rut")
    page.goto(case_url)
    page.get_by_role("link", name="Registrera implementeringsbeslut").click()
    w.check()
    page.locator("#id_outcome").select_option("whole")
    page.get_by_label("Ordinarie arbete som ersätts").fill("Vårdcentralens hälsosamtal")
    page.get_by_label("Motivering").fill("Fler söker stöd tidigt; metoden sprids i länet")
    page.get_by_label("Beslutsdatum").fill("2030-04-14")
    page.get_by_role("button", name="Registrera beslut").click()
    assert "Implementeringsbeslutet har registrerats." in w.success()
    w.check()


def publish(w: Walk) -> None:
    """The coordinator sees the case in the portfolio and publishes the final report;
    anyone finds it on the open pages and in the open data."""
    page = w.page
    w.as_user("gun")
    page.goto("/o/gavleborg/portfolj/")
    w.check()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=TITLE))
    shown = row.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "Implementerad" in shown and "1 000 000" in shown, shown
    page.get_by_role("link", name=f"Publicera slutrapporten för {TITLE}").click()
    w.check()
    page.get_by_label("Sammanfattning för allmänheten").fill(
        "Hälsolotsarna fick fler att söka stöd tidigt; metoden är nu ordinarie verksamhet."
    )
    page.get_by_role("button", name="Publicera").click()
    w.success()
    w.check()
    page.context.clear_cookies()
    page.goto("/open/gavleborg/")
    assert TITLE in page.locator("main").inner_text()
    w.check()
    listed = page.request.get("/open/gavleborg/interventions.json").json()
    (record,) = [i for i in listed["interventions"] if i["name"] == TITLE]
    assert record["status"] == "implemented", record
    assert record["granted_amount"] == "1000000.00", record
    assert record["final_report_url"], record
    pdf = page.request.get(record["final_report_url"])
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf", pdf.status
    assert pdf.body().startswith(b"%PDF")
