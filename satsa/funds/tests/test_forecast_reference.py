"""The fund's forecast reads every case's plan lines, outstanding commitment and cost lines
as plain values in a fixed number of queries (issue #17): its figures equal, to the öre
and in the same Decimal form, those of the previous implementation (every case's money
prefetched as objects and its expected claims and repayments computed one case at a
time, kept below as the reference) on the demo and a small national data set."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from satsa.core.demo import load_all
from satsa.funds import selectors as sel
from satsa.orgs.models import Organisation
from satsa.portfolio import scale

DATES = [dt.date(2017, 6, 30), dt.date(2019, 3, 1), dt.date(2022, 1, 1), None]


@pytest.fixture(scope="module")
def national(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        load_all()
        scale.build(cases=40, organisations=6)
        yield
        transaction.set_rollback(True)


def reference_forecast(organisation: Organisation, on: dt.date) -> list[tuple[Any, ...]]:
    """The previous fund_forecast, one case at a time over the prefetched cases."""
    position = sel.fund_position(organisation=organisation, on=on)
    payments: dict[int, Decimal] = defaultdict(lambda: sel.ZERO)
    repayments: dict[int, Decimal] = defaultdict(lambda: sel.ZERO)
    fees: dict[int, Decimal] = defaultdict(lambda: sel.ZERO)
    for case in sel.prefetch_money(sel.funded_cases(organisation), on):
        for year, amount in sel.expected_claims(case, on).items():
            payments[year] += amount
        for year, (principal, fee) in sel.expected_repayments(case, on).items():
            repayments[year] += principal
            fees[year] += fee
    payments[on.year] += position.payable
    last = max([on.year, *payments, *repayments])
    free, capital = position.free, position.capital
    rows = []
    for year in range(on.year, last + 1):
        free += repayments[year]
        capital += repayments[year] + fees[year] - payments[year]
        rows.append((year, payments[year], repayments[year], fees[year], free, capital))
    return rows


def as_text(rows: list[tuple[Any, ...]]) -> list[tuple[str, ...]]:
    return [tuple(str(value) for value in row) for row in rows]


def test_the_forecast_equals_the_per_case_computation(national: None, db: Any) -> None:
    claimed = repaid = 0
    for org in Organisation.objects.order_by("slug"):
        for date in DATES:
            on = date or sel.timezone.localdate()
            expected = reference_forecast(org, on)
            rows = [
                (r.year, r.payments, r.repayments, r.fees, r.free, r.capital)
                for r in sel.fund_forecast(organisation=org, on=on)
            ]
            # equal, and in the same Decimal form (Decimal("0.00") is not Decimal("0"))
            assert as_text(rows) == as_text(expected), (org.slug, on)
            claimed += sum(1 for row in rows if row[1])
            repaid += sum(1 for row in rows if row[2] or row[3])
    # the data reach both halves of the forecast
    assert claimed and repaid


def test_the_forecast_runs_a_fixed_number_of_queries(national: None, db: Any) -> None:
    counts = set()
    for slug in (scale.BIG_SLUG, "orebro"):
        org = Organisation.objects.get(slug=slug)
        with CaptureQueriesContext(connection) as ctx:
            sel.fund_forecast(organisation=org)
        counts.add(len(ctx.captured_queries))
    # the position (2), the cases, their outstanding commitments, payment plan lines,
    # cost lines, repayment plan lines and repayments received
    assert counts == {8}
