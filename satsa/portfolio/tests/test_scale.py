"""The national data set (satsa.portfolio.scale) at a small size, and the page costs it
exposes: every page of issue #17 runs as many queries at 25 cases as at 120, where the
small organisation grows from its first four cases (the fewest the benchmark's pages need,
see ``scale.load_templates``) to nineteen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from satsa.cases.models import Case, Stage
from satsa.core.demo import load_all
from satsa.followup.models import MeasureValue, PersonValue
from satsa.funds.models import Account, Entry, Transaction
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.roles import Role
from satsa.portfolio import scale

ORGS = 6
SMALL, LARGE = 25, 120
SMALL_ORG = scale.place_names(ORGS)[-1][0]
WHO = {"storstad": scale.BIG_SLUG, "small": SMALL_ORG}

PAGES = [
    "organisation overview",
    "My tasks",
    "pipeline",
    "ranking",
    "fund overview",
    "journal",
    "journal CSV",
    "journal XLSX",
    "journal SIE",
    "follow-up overview",
    "portfolio dashboard",
    "portfolio XLSX",
    "unit costs XLSX",
    "unit costs CSV",
    "public page",
    "open data interventions.json",
    "open data interventions.csv",
    "open data calls.json",
    "public unit costs",
    "case overview (in preparation)",
    "application",
    "calculation editor",
    "calculation recompute",
    "decision basis PDF",
    "case overview (granted)",
    "case money",
    "follow-up case",
    "follow-up case CSV",
    "periodic report PDF",
    "final report PDF",
]


@dataclass
class National:
    first: scale.ScaleResult
    second: scale.ScaleResult
    # (size, who, page) -> (queries, status)
    counts: dict[tuple[int, str, str], tuple[int, int]] = field(default_factory=dict)
    # (size, who) -> the stages of the organisation's cases, in the order they were made
    stages: dict[tuple[int, str], list[str]] = field(default_factory=dict)


def _count(client: Client, page: scale.Page) -> tuple[int, int]:
    data = None
    if page.method == "POST":
        data = scale.form_inputs(client.get(page.form_of).content.decode())
    for _ in range(2):  # the second request: the first may fill process-wide caches
        # the log keeps 9 000 queries at most: empty it so that every count is whole
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(page.url, data) if data is not None else client.get(page.url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
    return len(ctx.captured_queries), response.status_code


def _measure(national: National, size: int) -> None:
    for who, slug in WHO.items():
        org = Organisation.objects.get(slug=slug)
        client = Client()
        client.force_login(scale.coordinator(org))
        national.stages[(size, who)] = list(
            Case.objects.filter(organisation=org).order_by("id").values_list("stage", flat=True)
        )
        for page in scale.pages(org):
            national.counts[(size, who, page.name)] = _count(client, page)


@pytest.fixture(scope="module")
def national(django_db_setup: Any, django_db_blocker: Any) -> Iterator[National]:
    # The demo and two sizes take a while: once for the module, rolled back at its end.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        load_all()
        first = scale.build(cases=SMALL, organisations=ORGS)
        result = National(first=first, second=scale.ScaleResult())
        _measure(result, SMALL)
        result.second = scale.build(cases=LARGE - SMALL, organisations=ORGS)
        _measure(result, LARGE)
        yield result
        transaction.set_rollback(True)


def test_it_builds_the_cases_asked_for_over_the_organisations(national: National, db: Any) -> None:
    assert national.first.cases == SMALL and national.second.cases == LARGE - SMALL
    copies = Case.objects.exclude(organisation__slug__in=["orebro", "uppsala", "gavleborg"])
    assert copies.count() == LARGE
    assert copies.values("organisation").distinct().count() == ORGS


def test_storstad_holds_a_fifth_of_the_cases(national: National, db: Any) -> None:
    big = Case.objects.filter(organisation__slug=scale.BIG_SLUG).count()
    assert big == LARGE // 5


def test_the_cases_are_in_every_stage(national: National, db: Any) -> None:
    copies = Case.objects.exclude(organisation__slug__in=["orebro", "uppsala", "gavleborg"])
    assert set(copies.values_list("stage", flat=True)) == set(Stage.values)


def test_every_organisation_has_a_person_in_each_role(national: National, db: Any) -> None:
    for org in Organisation.objects.exclude(slug__in=["orebro", "uppsala", "gavleborg"]):
        roles = set(
            Membership.objects.active().filter(organisation=org).values_list("role", flat=True)
        )
        assert roles == set(Role.values), org.slug
        assert org.rulebook_versions.exists()
        assert org.boards.exists() and org.parties.exists()


def test_every_transaction_balances_and_no_fund_is_overdrawn(national: National, db: Any) -> None:
    # Summed as Decimal here: SQLite's SUM of a decimal column is a float, off by 1e-11.
    totals: dict[int, Decimal] = {}
    for tx, amount in Entry.objects.values_list("transaction_id", "amount"):
        totals[tx] = totals.get(tx, Decimal(0)) + amount
    assert [tx for tx, total in totals.items() if total != 0] == []
    assert sum(totals.values(), Decimal(0)) == 0
    for org in Organisation.objects.filter(slug=scale.BIG_SLUG):
        free = Entry.objects.filter(transaction__organisation=org, account=Account.FREE).aggregate(
            s=Sum("amount")
        )["s"]
        assert free is not None and free <= 0  # credit: capital left, never a debt


def test_copied_cases_carry_calculations_money_reports_measures_and_events(
    national: National, db: Any
) -> None:
    big = Case.objects.filter(organisation__slug=scale.BIG_SLUG)
    granted = big.filter(
        fund_claims__isnull=False, evaluation_schema__measures__isnull=False
    ).distinct()
    assert granted.exists()
    case = granted.first()
    assert case is not None
    assert Transaction.objects.filter(case=case, kind="payment").exists()
    assert case.followup_reports.exists()  # type: ignore[attr-defined]
    measures = case.evaluation_schema.measures  # type: ignore[attr-defined]
    assert MeasureValue.objects.filter(measure__in=measures.all()).exists()  # aggregate
    assert PersonValue.objects.filter(measure__schema__case__in=big).exists()  # individual
    assert len(big.filter(calculation__isnull=False).first().calculation.data["effects"]) == 20  # type: ignore[union-attr]
    from satsa.events.models import Event

    assert Event.objects.filter(organisation__slug=scale.BIG_SLUG).count() > big.count()
    counts = big.values("stage").annotate(n=Count("id"))
    assert len(counts) >= 5


def test_the_small_organisation_starts_with_the_four_cases_every_page_needs(
    national: National,
) -> None:
    # In preparation, running (with an open claim), running (with measured values) and
    # ended: the fewest with which an organisation reaches every page.
    assert scale.NEEDED == 4
    assert national.stages[(SMALL, "small")] == [
        Stage.PREPARATION,
        Stage.RUNNING,
        Stage.RUNNING,
        Stage.IMPLEMENTED,
    ]
    assert len(national.stages[(LARGE, "small")]) > 3 * scale.KEPT
    assert national.stages[(LARGE, "small")][: scale.KEPT] == [
        *national.stages[(SMALL, "small")],
        Stage.PREPARATION,
    ]


@pytest.mark.parametrize("size", [SMALL, LARGE])
@pytest.mark.parametrize("who", list(WHO))
def test_every_page_is_measured_for_both_people_at_both_sizes(
    national: National, who: str, size: int
) -> None:
    assert [page for (s, w, page) in national.counts if (s, w) == (size, who)] == PAGES


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", list(WHO))
def test_the_page_runs_as_many_queries_at_both_sizes(
    national: National, who: str, page: str
) -> None:
    small = national.counts.get((SMALL, who, page))
    large = national.counts.get((LARGE, who, page))
    assert small is not None and large is not None, f"{page} was not measured for {who}"
    assert small[1] == large[1] == 200, (small, large)
    assert small[0] == large[0], (
        f"{page} as {who}: {small[0]} queries at {SMALL}, {large[0]} at {LARGE}"
    )
