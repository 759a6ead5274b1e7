"""Every page costs the same number of queries whatever the organisation holds (issue #17).

A small builder adds cases in every stage to the demo's Örebro through the demo's own
service paths: ideas and applications at each step of the chain, and decided projects
with a commitment, claims and payments, an evaluation schema with measures, reports and
a published final report. The coordinator (anna) then opens every page at K and at 3K
cases; each page must run exactly as many queries at both sizes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from satsa.cases import demo as cases_demo
from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.events.services import event_record
from satsa.followup import demo as followup_demo
from satsa.followup.models import Report
from satsa.funds import demo as funds_demo
from satsa.orgs.models import Board, Department, Organisation

pytestmark = pytest.mark.django_db

# One unit of the builder: a case at each step an open case can rest at, and one decided,
# paid and followed project.
OPEN_STEPS = ("draft", "idea_test", "idea_boards", "application", "signatures", "steering_group")
UNIT = len(OPEN_STEPS) + 1
PAGE_SIZE = 3


def add_cases(org: Organisation, units: int, *, tag: str) -> None:
    """``units`` times: a case at each open step and one decided, paid, followed project."""
    anna = get_user_model().objects.get(username="anna")
    lina = get_user_model().objects.get(username="lina")
    spec = followup_demo.CASES["Team Oxhagen"]
    social = Department.objects.filter(organisation=org, name="Socialförvaltningen")
    today = timezone.localdate()
    for n in range(units):
        with transaction.atomic():
            for step in OPEN_STEPS:
                cases_demo._open_case(org, f"Skala {tag}{n} {step}", step)
            start = dt.date(2016, 1, 1) + dt.timedelta(days=30 * n)
            decided_on = start - dt.timedelta(days=61)
            case = Case.objects.create(
                organisation=org,
                title=f"Skala {tag}{n} beslutat",
                rulebook_key="orebro-2016",
                stage=Stage.DECIDED,
                start_date=start,
                end_date=start + dt.timedelta(days=3 * 365),
                granted_amount=Decimal("900000"),
                decided_on=decided_on,
                diarienummer=f"KS {decided_on.year}/skala-{tag}{n}",
                outcome=Case.Outcome.GRANTED,
                idea_outcome=Case.IdeaOutcome.GO,
                minutes_reference="—",
            )
            case.departments.set(social)
            case.boards.set(Board.objects.filter(departments__in=social).distinct())
            event_record(
                actor=system_actor(),
                verb="case.decided",
                target=case,
                data={"outcome": "granted", "amount": case.granted_amount},
            )
            cases_demo._commit(case, case.granted_amount, decided_on)
            funds_demo._pay_case(case, today)
            followup_demo._load_case(case, spec, anna, lina)


def cases_of(org: Organisation) -> int:
    return Case.objects.filter(organisation=org).count()


def pages(org: Organisation) -> dict[str, str]:
    """The pages and files the benchmark lists, on objects that exist at both sizes."""
    slug = org.slug
    open_case = Case.objects.get(organisation=org, title="Fritidsbanken som mötesplats")
    application = Case.objects.get(organisation=org, title="Tidigt stöd i förskolan")
    followed = Case.objects.get(organisation=org, title="Team Oxhagen")
    ended = (
        Case.objects.filter(organisation=org, stage__in=[Stage.CLOSED, Stage.IMPLEMENTED])
        .order_by("pk")
        .first()
    )
    assert ended is not None
    report = Report.objects.filter(case=followed, submitted_at__isnull=False).order_by("pk")[0]

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": slug, **kwargs})

    return {
        "organisation overview": url("orgs:dashboard"),
        "my tasks": url("cases:tasks"),
        "pipeline": url("cases:pipeline"),
        "ranking": url("decisions:ranking"),
        "case overview": url("cases:overview", pk=open_case.pk),
        "application": url("cases:application", pk=application.pk),
        "calculation editor": url("calculations:editor", case_id=application.pk),
        "fund overview": url("funds:overview"),
        "journal": url("funds:journal"),
        "journal csv": url("funds:journal_csv"),
        "journal xlsx": url("funds:journal_xlsx"),
        "journal sie": url("funds:journal_sie"),
        "case money": url("funds:case", pk=followed.pk),
        "follow-up overview": url("followup:overview"),
        "follow-up case": url("followup:case", pk=followed.pk),
        "follow-up case csv": url("followup:case_export", pk=followed.pk),
        "follow-up case api": url("followup:case_api", pk=followed.pk),
        "portfolio dashboard": url("portfolio:dashboard"),
        "portfolio xlsx": url("portfolio:export_xlsx"),
        "decision basis pdf": url("portfolio:decision_basis", pk=open_case.pk),
        "final report pdf": url("portfolio:final_report", pk=ended.pk),
        "periodic report pdf": url("portfolio:periodic_report", pk=report.pk),
        "unit costs xlsx": url("calculations:unit_costs_xlsx"),
        "unit costs csv": url("calculations:unit_costs_csv"),
        "public index": url("public_portfolio:index"),
        "public interventions json": url("public_portfolio:interventions_json"),
        "public interventions csv": url("public_portfolio:interventions_csv"),
        "public calls json": url("public_portfolio:calls_json"),
        "public unit costs": url("calculations_public:unit_costs"),
    }


def _shape(sql: str) -> str:
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:300]


def count_queries(client: Client, address: str) -> list[str]:
    # The first request warms what a running server keeps (parsed rulebooks, caches); the
    # second is what every later visit costs.
    assert client.get(address).status_code == 200, address
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    # Once for the module, rolled back at its end. Lists show a few rows per page here, so
    # that both sizes fill more than one page.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(SATSA_PAGE_SIZE=PAGE_SIZE),
    ):
        call_command("demo", verbosity=0)
        orebro = Organisation.objects.get(slug="orebro")
        anna = get_user_model().objects.get(username="anna")
        small, big = {}, {}
        add_cases(orebro, 1, tag="a")
        sizes = [cases_of(orebro)]
        coordinator = Client()
        coordinator.force_login(anna)
        addresses = pages(orebro)
        for name, address in addresses.items():
            small[name] = count_queries(coordinator, address)
        # Twice as many again as the organisation holds: three times the cases.
        add_cases(orebro, (2 * sizes[0] + UNIT - 1) // UNIT, tag="b")
        sizes.append(cases_of(orebro))
        for name, address in addresses.items():
            big[name] = count_queries(coordinator, address)
        yield {"small": small, "big": big, "sizes": sizes}
        transaction.set_rollback(True)


def test_the_big_organisation_holds_three_times_the_cases(measured: dict[str, Any]) -> None:
    small, big = measured["sizes"]
    assert big >= 3 * small


def test_every_page_runs_as_many_queries_at_3k_as_at_k(measured: dict[str, Any]) -> None:
    small, big = measured["small"], measured["big"]
    grew = {name: (len(small[name]), len(big[name])) for name in small}
    grew = {name: sizes for name, sizes in grew.items() if sizes[0] != sizes[1]}
    # Which statements the bigger organisation repeats: what to look at when this fails.
    report = [
        f"{name}: {before} -> {after} queries; most repeated: "
        + repr(Counter(_shape(sql) for sql in big[name]).most_common(2))
        for name, (before, after) in sorted(grew.items())
    ]
    # What the benchmark notes (shown with pytest -s).
    print(f"\nqueries at {measured['sizes'][0]} / {measured['sizes'][1]} cases")
    for name in small:
        print(f"{name}: {len(small[name])} / {len(big[name])}")
    assert not grew, "queries grow with the data:\n" + "\n".join(report)


@override_settings(SATSA_PAGE_SIZE=PAGE_SIZE)
def test_long_lists_go_a_page_at_a_time_keeping_the_filters(measured: dict[str, Any]) -> None:
    anna = get_user_model().objects.get(username="anna")
    client = Client()
    client.force_login(anna)
    journal = reverse("funds:journal", kwargs={"org_slug": "orebro"})
    page = client.get(journal + "?ar=2017").content.decode()
    assert 'href="?ar=2017&amp;sida=2" rel="next"' in page
    followup = client.get(reverse("followup:overview", kwargs={"org_slug": "orebro"}))
    assert 'href="?sida=2" rel="next"' in followup.content.decode()
    pipeline = reverse("cases:pipeline", kwargs={"org_slug": "orebro"})
    board = client.get(pipeline).content.decode()
    assert 'href="?status=idea"' in board
    decided = client.get(pipeline + "?status=idea&sida=2").content.decode()
    assert 'href="?status=idea&amp;sida=1" rel="prev"' in decided
