"""Fixture organisations and people used across Satsa's tests.

alice coordinates Örebro's fund, bob is an applicant in Örebro, charlie coordinates
Uppsala's. Browser fixtures drive Debian's Chromium through Playwright.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from satsa.orgs.models import Area, Board, Department, Organisation
from satsa.orgs.roles import Role

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SATSA_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: what a rolled-back test cached is gone."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """A test that runs the tasks worker (``db_worker``), which installs its own SIGINT,
    SIGTERM and SIGQUIT handlers: the test run keeps its own."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


@pytest.fixture
def orebro(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="orebro", name="Örebro kommun", kind="kommun", code="1880"
    )
    social = Board.objects.create(organisation=org, name="Socialnämnden", area=Area.SOCIAL)
    school = Board.objects.create(organisation=org, name="Grundskolenämnden", area=Area.SCHOOL)
    Department.objects.create(organisation=org, name="Socialförvaltningen").boards.add(social)
    Department.objects.create(organisation=org, name="Förvaltningen förskola och skola").boards.add(
        school
    )
    return org


@pytest.fixture
def uppsala(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="uppsala", name="Uppsala kommun", kind="kommun", code="0380"
    )
    Board.objects.create(organisation=org, name="Socialnämnden", area=Area.SOCIAL)
    return org


@pytest.fixture
def make_person(db: Any) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    from satsa.orgs.models import Membership

    def make(username: str, *roles: tuple[Organisation, str]) -> Any:
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, first_name=username.title()
        )
        for org, role in roles:
            Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make


@pytest.fixture
def alice(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("alice", (orebro, Role.COORDINATOR))


@pytest.fixture
def bob(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("bob", (orebro, Role.APPLICANT))


@pytest.fixture
def charlie(uppsala: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("charlie", (uppsala, Role.COORDINATOR))


@pytest.fixture
def client_as() -> Callable[..., Client]:
    def login(user: Any, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return login


# --- browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"MISSING: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        pytest.skip(f"MISSING: axe-core not found at {AXE_JS} (npm ci)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    # axe-core is injected as an inline script, which Satsa's Content-Security-Policy refuses.
    context = chromium.new_context(base_url=live_server.url, locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def axe() -> Callable[[Any], list[dict[str, Any]]]:
    """Run axe-core on the page and return its serious and critical violations."""

    def check(page: Any) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE_JS))
        return page.evaluate(  # type: ignore[no-any-return]
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => ({id: v.id, impact: v.impact, help: v.help,
                             nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
        )

    return check


@pytest.fixture
def login_in_browser(page: Any) -> Callable[[str, str], Any]:
    def login(username: str, password: str = PASSWORD) -> Any:
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.wait_for_load_state()
        return page

    return login
