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
