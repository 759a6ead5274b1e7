"""The foundation in a real browser: log in, move around, switch language, stay accessible."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG_PAGES = ["", "organisation/", "parter/", "personer/", "aktivitet/", "installningar/"]


def test_the_coordinator_logs_in_and_every_page_is_accessible(
    page: Any, login_in_browser: Any, axe: Any, alice: Any
) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("Satsa")
    assert axe(page) == []

    page.goto("/konto/logga-in/")
    assert axe(page) == []

    login_in_browser("alice")
    assert page.url.endswith("/o/orebro/")
    assert page.locator("h1").inner_text() == "Örebro kommun"
    assert "Processledare" in page.locator("main").inner_text()

    for path in ORG_PAGES:
        page.goto(f"/o/orebro/{path}")
        assert page.locator("h1").count() == 1, path
        assert axe(page) == [], path


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Any, alice: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_language_can_be_switched_to_english(
    page: Any, login_in_browser: Any, alice: Any
) -> None:
    login_in_browser("alice")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Overview").is_visible()


@pytest.mark.parametrize("width", [360, 640])  # a phone; a 1280 px screen at 200 % zoom
def test_the_layout_reflows_on_a_phone_and_at_200_percent_zoom(
    page: Any, login_in_browser: Any, axe: Any, alice: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    login_in_browser("alice")
    page.goto("/o/orebro/organisation/")
    # Nothing forces horizontal scrolling of the whole page at phone width (reflow, WCAG 1.4.10).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe(page) == []
