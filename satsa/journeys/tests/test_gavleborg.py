"""Region Gävleborg's journey in the browser: an application handed in to the autumn
round before its deadline, assessed by the support group against the criteria and the
assessment points, decided, co-financed by the applicants, claimed, reported at the end,
and either implemented or stopped. axe checks every page reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from satsa.cases.models import Case
from satsa.funds import selectors as fund_selectors
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Hälsolotsar i Hofors"


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

    # Half a year in, the project leader learns when the costs can be claimed: in arrears,
    # once a year (the region names no reporting points).
    case = Case.objects.get(title=TITLE)
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
