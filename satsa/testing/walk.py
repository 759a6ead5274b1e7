"""A person walking Satsa in a real browser: log in as oneself, open a case's tab, press the
pipeline's buttons, and let axe-core check every page reached."""

from __future__ import annotations

from typing import Any


class Walk:
    def __init__(self, page: Any, login: Any, axe: Any) -> None:
        self.page, self.login, self.axe = page, login, axe
        self.pages_checked = 0

    def check(self) -> None:
        self.page.wait_for_load_state()
        assert self.axe(self.page) == [], self.page.url
        self.pages_checked += 1

    def as_user(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.login(username)

    def open_case(self, title: str, tab: str | None = None) -> None:
        self.page.get_by_role("link", name="Ärenden", exact=True).first.click()
        self.page.get_by_role("link", name=title).first.click()
        if tab:
            tabs = self.page.get_by_role("navigation", name="Ärendets flikar")
            tabs.get_by_role("link", name=tab, exact=True).click()
        self.check()

    def success(self) -> str:
        """The success message the last action left (fails if there is none)."""
        message = self.page.locator(".message.success")
        assert message.count() == 1, self.page.locator("main").inner_text()
        return str(message.inner_text())

    def advance(self, *confirm: str) -> None:
        for label in confirm:
            self.page.get_by_label(label).check()
        self.page.get_by_role("button", name="Tillstyrk och skicka vidare").click()
        self.success()
        self.check()

    def comment(self, board: str) -> None:
        self.page.locator("select[name=board]").select_option(label=board)
        self.page.get_by_label("Nämndens ställningstagande").select_option("yes")
        self.page.get_by_label("Yttrande").fill(f"{board} ställer sig bakom.")
        self.page.get_by_role("button", name="Lämna yttrande").click()
        self.success()
        self.check()

    def plan_schema(
        self, goal: str, target_group: str, comparison_group: str, subgoal: str, activity: str
    ) -> None:
        """On the evaluation schema's page: the overall goal, the groups, a subgoal and its
        activity (the measures follow, each rulebook's own)."""
        page = self.page
        page.get_by_label("Övergripande mål").fill(goal)
        page.locator("#id_target_group").fill(target_group)
        page.locator("#id_comparison_group").fill(comparison_group)
        page.get_by_role("button", name="Spara", exact=True).click()
        self.check()
        page.get_by_label("Nytt delmål").fill(subgoal)
        page.get_by_role("button", name="Lägg till delmål").click()
        self.check()
        page.get_by_label("Ny aktivitet").fill(activity)
        page.get_by_role("button", name="Lägg till aktivitet").click()
        self.check()

    def save_calculation(self) -> None:
        """Save the calculation in the editor, once the debounced recompute (500 ms) has
        answered: the live test server shares one SQLite connection between its threads,
        and two requests at once can break it (a person would never notice the wait)."""
        self.page.wait_for_timeout(700)
        self.page.wait_for_function("() => !document.querySelector('.htmx-request')")
        self.page.get_by_role("button", name="Spara kalkylen").click()
        assert "Kalkylen är sparad." in self.success()
        self.check()

    def write_report(
        self,
        report_url: str,
        claim: str | None = None,
        spent: str | None = None,
        activities: str = "Hembesök och gruppträffar enligt planen",
        costs: str | None = None,
    ) -> None:
        """The project leader, logged in, writes the report: activities, ways of working,
        effects, each step of the implementation plan, and the claim for the period (with
        the period's whole cost where the rulebook asks for co-financing)."""
        page = self.page
        page.goto(report_url)
        self.check()
        page.get_by_label("Genomförda aktiviteter").fill(activities)
        page.get_by_label("Arbetssätt").fill("Gemensamma team med de berörda förvaltningarna")
        page.get_by_label("Uppnådda effekter").fill("Målgruppen mår bättre")
        for select in page.locator('select[name^="plan_"]').all():
            select.select_option("ongoing")
        if page.get_by_label("Hur följs implementeringsplanen?").count():
            page.get_by_label("Hur följs implementeringsplanen?").fill("Enligt planen")
        if claim is not None:
            page.get_by_label("Förbrukat hittills (kr)").fill(spent or claim)
            page.get_by_label("Begärd utbetalning för perioden (kr)").fill(claim)
        if costs is not None:
            page.get_by_label("Periodens totala kostnader, medfinansieringen inräknad (kr)").fill(
                costs
            )
        page.get_by_role("button", name="Lämna in rapporten").click()
        assert "Rapporten har lämnats in." in self.success()
        self.check()

    def approve_report(self, report_url: str) -> None:
        self.page.goto(report_url)
        self.check()
        self.page.get_by_role("button", name="Godkänn rapporten").click()
        assert "Rapporten har godkänts." in self.success()
        self.check()

    def approve_and_pay(self, fund_url: str, approver: str, payer: str | None = None) -> None:
        """The approver approves the first waiting claim on the fund's page; the payer
        (finance, where the rulebook asks for attestation) attests it and books the
        payment."""
        page = self.page
        self.as_user(approver)
        page.goto(fund_url)
        self.check()
        page.get_by_role("button", name="Godkänn").first.click()
        self.success()
        if payer and payer != approver:
            self.as_user(payer)
            page.goto(fund_url)
            if page.get_by_role("button", name="Godkänn").count():
                page.get_by_role("button", name="Godkänn").first.click()
                self.success()
        page.get_by_role("button", name="Bokför utbetalning").first.click()
        self.success()
        self.check()

    def my_tasks(self, username: str, *texts: str) -> str:
        """``username`` logs in and finds each of ``texts`` under My tasks."""
        self.as_user(username)
        self.page.get_by_role("link", name="Mina uppgifter").click()
        self.check()
        shown = str(self.page.locator("main").inner_text())
        for text in texts:
            assert text in shown, (username, text, shown)
        return shown

    def amount(self, header: str) -> str:
        """The amount in the table row headed ``header`` as shown, Swedish spaces made
        plain ("48 500 000")."""
        row = self.page.locator("tr", has=self.page.get_by_text(header, exact=True)).first
        return str(row.locator("td").first.inner_text()).replace("\xa0", " ").strip()
