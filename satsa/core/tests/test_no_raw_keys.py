"""Nothing internal reaches a Swedish screen: the main pages of the demo's cases, as the
coordinator sees them in Swedish, show no rulebook keys (``idea_test``, ``delar2``,
``helar``), no snake_case identifiers and no English from Django's defaults."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from satsa.cases.models import Case
from satsa.followup.models import Report

# Internal keys and untranslated defaults seen on screens before.
FORBIDDEN = [
    "- Select an option -",
    "Select an option",
    "idea_test",
    "delar2",
    "helar",
    "tertial1",
    "tertial2",
    "None",
    "True",
    "False",
]
# An identifier: lower-case words joined by underscores (e.g. "economic_calculation_checked").
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class _Text(HTMLParser):
    """The text a person reads: element text, plus the labels of options and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def leaks(text: str) -> list[str]:
    found = [token for token in FORBIDDEN if re.search(rf"(?<!\w){re.escape(token)}(?!\w)", text)]
    # Addresses and e-mail may hold underscores; they are not identifiers shown as words.
    cleaned = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", text)
    return found + SNAKE.findall(cleaned)


@pytest.fixture
def demo(db: Any) -> None:
    call_command("demo")


def pages_of(case: Case) -> list[str]:
    org = case.organisation.slug
    names = ["overview", "idea", "application", "comments", "signatures", "activity"]
    urls = [reverse(f"cases:{name}", args=[org, case.pk]) for name in names]
    urls += [
        reverse("cases:reviews", args=[org, case.pk]),
        reverse("followup:case", kwargs={"org_slug": org, "pk": case.pk}),
        reverse("funds:case", kwargs={"org_slug": org, "pk": case.pk}),
    ]
    for report in Report.objects.filter(case=case)[:3]:
        urls.append(reverse("followup:report", kwargs={"org_slug": org, "pk": report.pk}))
    return urls


def test_the_main_pages_of_the_demo_show_no_internal_keys(demo: None, client_as: Any) -> None:
    from django.contrib.auth import get_user_model

    anna = get_user_model().objects.get(username="anna")
    client = client_as(anna)
    urls = [
        reverse("orgs:dashboard", args=["orebro"]),
        reverse("cases:pipeline", args=["orebro"]),
        reverse("cases:tasks", args=["orebro"]),
        reverse("funds:overview", kwargs={"org_slug": "orebro"}),
        reverse("followup:overview", kwargs={"org_slug": "orebro"}),
        reverse("portfolio:dashboard", kwargs={"org_slug": "orebro"}),
        reverse("public_portfolio:index", kwargs={"org_slug": "orebro"}),
    ]
    cases = Case.objects.filter(organisation__slug="orebro")
    # One case in each stage the demo has: the pages differ by stage.
    seen: set[str] = set()
    for case in cases.order_by("pk"):
        if case.stage in seen:
            continue
        seen.add(case.stage)
        urls += pages_of(case)
    found = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 200, url
        bad = leaks(visible_text(response.content.decode()))
        if bad:
            found[url] = sorted(set(bad))
    assert found == {}, "\n".join(f"{url}: {', '.join(bad)}" for url, bad in found.items())
