"""My tasks is computed in a fixed number of queries (issue #17) and lists exactly what the
case-at-a-time computation listed: the same tasks, in the same order, with the same due
dates, lateness and addresses, for every person in every role of the demo's organisations,
on several days. The demo is loaded once for the module (with cases added at every open
step of the chain) and rolled back at its end."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from satsa.cases.selectors import tasks_for
from satsa.cases.tests.reference_tasks import as_rows, reference_tasks_for
from satsa.core.tests.test_query_counts import add_cases
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import memo

ORGS = ["orebro", "uppsala", "gavleborg"]
# The days compared: today, a fortnight on (reports come due, steps fall late), three
# weeks on (the day a board's deadline falls, as the demo sets them) and a
# year on (everything open is late).
DAYS = [0, 14, 21, 365]


def _people(slug: str) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(organisation__slug=slug)
        .select_related("user", "organisation")
        .order_by("role", "pk")
    )


def _queries(user: Any, org: Organisation) -> int:
    with memo(), CaptureQueriesContext(connection) as ctx:
        tasks_for(user, org)
    return len(ctx.captured_queries)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", verbosity=0)
        orebro = Organisation.objects.get(slug="orebro")
        add_cases(orebro, 1, tag="a")
        people = _people("orebro")
        for m in people:  # warm the parsed rulebooks
            tasks_for(m.user, orebro)
        small = {m.pk: _queries(m.user, orebro) for m in people}
        add_cases(orebro, 2, tag="b")
        big = {m.pk: _queries(m.user, orebro) for m in people}
        yield {"small": small, "big": big, "people": people}
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: dict[str, Any], db: Any) -> dict[str, Any]:
    return demo


@pytest.mark.parametrize("days", DAYS)
@pytest.mark.parametrize("slug", ORGS)
def test_every_person_gets_the_tasks_the_case_at_a_time_computation_gave(
    loaded: dict[str, Any], slug: str, days: int
) -> None:
    compared = 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=days)):
        for m in _people(slug):
            with memo():
                new = as_rows(tasks_for(m.user, m.organisation))
                old = as_rows(reference_tasks_for(m.user, m.organisation))
            assert new == old, (m.role, m.user.username)
            compared += len(old)
    assert compared  # the comparison is about something


def test_the_comparison_covers_every_kind_of_task(loaded: dict[str, Any]) -> None:
    """The demo (with the added cases) gives a task of every kind to someone, so that the
    comparison above checks each of them."""
    kinds: dict[str, set[str]] = {}
    with time_machine.travel(timezone.now() + dt.timedelta(days=14)):
        for slug in ORGS:
            for m in _people(slug):
                for task in tasks_for(m.user, m.organisation):
                    kinds.setdefault(task.what.split(" ")[0], set()).add(m.role)
                    kinds.setdefault(task.what, set()).add(m.role)
    assert Role.APPLICANT in kinds["Skriv klart och lämna in idén"]
    assert Role.APPLICANT in kinds["Skriv och lämna in ansökan"]
    assert Role.BOARD_SECRETARY in kinds["Lämna nämndens synpunkter"]
    assert Role.DEPARTMENT_HEAD in kinds["Underteckna ansökan"]
    assert Role.COORDINATOR in kinds["Granska"]
    assert kinds["Skriv"] - {Role.COORDINATOR}  # a report to write, for a project's people
    assert Role.COORDINATOR in kinds["Godkänn utbetalningsbegäran"]
    assert Role.STEERING_GROUP in set().union(*kinds.values())  # a step of its own


def test_no_persons_tasks_cost_more_queries_as_the_cases_grow(loaded: dict[str, Any]) -> None:
    small, big = loaded["small"], loaded["big"]
    grew = {
        (m.role, m.user.username): (small[m.pk], big[m.pk])
        for m in loaded["people"]
        if small[m.pk] != big[m.pk]
    }
    assert not grew
    roles = {m.role for m in loaded["people"]}
    assert {Role.COORDINATOR, Role.BOARD_SECRETARY, Role.DEPARTMENT_HEAD} <= roles


def test_my_tasks_shows_a_page_at_a_time_with_the_count(loaded: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import reverse

    anna = get_user_model().objects.get(username="anna")
    orebro = Organisation.objects.get(slug="orebro")
    tasks = tasks_for(anna, orebro)
    assert len(tasks) > 3
    client = Client()
    client.force_login(anna)
    url = reverse("cases:tasks", args=["orebro"])
    shown = []
    with override_settings(SATSA_PAGE_SIZE=3):
        first = client.get(url).content.decode()
        assert f"{len(tasks)} uppgifter väntar på dig." in first
        assert 'href="?sida=2" rel="next"' in first
        for number in range(1, (len(tasks) + 2) // 3 + 1):
            html = client.get(f"{url}?sida={number}").content.decode()
            shown += re.findall(r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a>', html)
    assert shown == [escape(t.case.title) for t in tasks]
