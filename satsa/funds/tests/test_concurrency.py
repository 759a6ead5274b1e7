"""Many people claiming from one case at once: never over the grant, never twice."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections
from django.db.models import Count, Sum

from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import Claim, Entry, Kind, Transaction

pytestmark = pytest.mark.postgres

THREADS, ATTEMPTS = 50, 20
GRANT = Decimal("1000000.00")
DAY = dt.date(2020, 9, 1)


@pytest.fixture
def postgres_only(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what this test is about (make test-postgres)")


def test_concurrent_claims_never_overdraw_a_case(
    postgres_only: None, orebro: Any, alice: Any, make_case: Any, capsys: Any
) -> None:
    services.deposit_create(
        organisation=orebro,
        amount=GRANT,
        booked_on=dt.date(2020, 1, 1),
        reference="KF",
        actor=system_actor(),
    )
    case = make_case(orebro, start=dt.date(2020, 1, 1), end=dt.date(2022, 12, 31))
    services.commitment_create(
        case=case, amount=GRANT, booked_on=dt.date(2020, 1, 1), reference="KS", actor=system_actor()
    )
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(n)
        try:
            for i in range(ATTEMPTS):
                # Pairs of threads share keys: the second request of a pair is a retry.
                key = f"claim-{n // 2}-{i}"
                amount = Decimal(rng.randint(100_000, 500_000)) / 100
                try:
                    claim = services.claim_submit(
                        case=case,
                        period_code="delar2",
                        period_end=dt.date(2020, 8, 31),
                        amount=amount,
                        actor=system_actor(),
                        idempotency_key=key,
                        submitted_on=DAY,
                    )
                    services.claim_approve(
                        claim=claim, actor=alice, idempotency_key=f"approve-{key}", approved_on=DAY
                    )
                    services.payment_book(
                        claim=claim, booked_on=DAY, actor=alice, idempotency_key=f"pay-{key}"
                    )
                    result = "paid"
                except ValidationError:
                    result = "refused"
                with lock:
                    outcomes[result] += 1
        except (OperationalError, Exception) as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    assert not errors, errors[:3]
    money = sel.case_money(case)
    paid = money.paid
    overdrafts = int(paid > GRANT) + int(money.approved > GRANT)
    duplicates = (
        Transaction.objects.filter(kind=Kind.PAYMENT)
        .values("claim")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    duplicate_claims = (
        Claim.objects.values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    unbalanced = Entry.objects.values("transaction").annotate(s=Sum("amount")).exclude(s=0).count()
    paid_claims = Claim.objects.filter(case=case, status=Claim.Status.PAID)
    with capsys.disabled():
        print(
            f"\n{THREADS} threads × {ATTEMPTS} attempts in {elapsed:.1f} s: "
            f"{paid_claims.count()} claims paid ({paid} kr),"
            f" outcomes {dict(outcomes)}, overdrafts {overdrafts}, duplicates {duplicates}"
        )
    assert overdrafts == duplicates == duplicate_claims == unbalanced == 0
    assert paid == sum(c.amount for c in paid_claims)
    assert paid_claims.count() <= THREADS * ATTEMPTS // 2
    assert GRANT - paid < Decimal("5000")  # the case was claimed up to its last few kronor
