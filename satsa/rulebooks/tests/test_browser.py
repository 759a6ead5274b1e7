from __future__ import annotations

from typing import Any

import pytest

from satsa.events.actors import system_actor
from satsa.rulebooks.services import rulebook_presets_install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rulebook_pages_are_readable_and_accessible(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, orebro: Any
) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    login_in_browser("alice")
    page.get_by_role("link", name="Regelbok").click()
    assert "Riktlinjer för sociala investeringar" in page.locator("h1").inner_text()
    assert axe(page) == []
    page.get_by_role("link", name="Jämför versioner").click()
    page.get_by_label("Äldre version").select_option("orebro-2016")
    page.get_by_label("Nyare version").select_option("orebro-2020")
    page.get_by_role("button", name="Jämför").click()
    page.get_by_role("rowheader", name="repayment.model", exact=True).wait_for()
    assert page.get_by_role("rowheader", name="repayment.model", exact=True).is_visible()
    assert axe(page) == []
    page.goto("/o/orebro/regelbok/ladda-upp/")
    assert axe(page) == []
