from __future__ import annotations

from typing import Any

import pytest

from satsa.portfolio.services import consolidated_evaluation_generate, final_report_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_portfolio_pages_are_accessible(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, portfolio: Any
) -> None:
    final_report_publish(case=portfolio["sistema"], summary="Målen nåddes.", actor=alice)
    consolidated_evaluation_generate(
        organisation=portfolio["oxhagen"].organisation, year=2016, depth="yearly", actor=alice
    )
    page.goto("/open/orebro/")
    assert "Sociala investeringar i Örebro kommun" in page.locator("h1").inner_text()
    assert page.get_by_role("img", name="Beviljade belopp per år").is_visible()
    assert axe(page) == []

    login_in_browser("alice")
    page.get_by_role("link", name="Portfölj").first.click()
    assert "Portfölj" in page.locator("h1").inner_text()
    assert page.get_by_role("rowheader", name="Team Oxhagen").first.is_visible()
    assert axe(page) == []
    page.get_by_label("Målgrupp innehåller").fill("Vivalla")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url("**target_group=Vivalla**")
    page.get_by_role("rowheader", name="El Sistema").first.wait_for()
    assert page.get_by_role("rowheader", name="El Sistema").first.is_visible()
    assert axe(page) == []

    page.get_by_role("link", name="Samlad utvärdering av portföljen").click()
    assert axe(page) == []
    page.goto("/o/orebro/portfolj/")
    page.get_by_role("link", name="Publicera slutrapporten för Team Oxhagen").click()
    assert axe(page) == []
