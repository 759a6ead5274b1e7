"""On PostgreSQL the database itself keeps the journal balanced and append-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from satsa.funds.models import Entry, Kind, Transaction

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the guards are triggers installed only there")


def test_it_refuses_an_unbalanced_transaction_at_commit(postgres_only: None, orebro: Any) -> None:
    with pytest.raises(DatabaseError, match="unbalanced"), transaction.atomic():
        tx = Transaction.objects.create(
            organisation=orebro, kind=Kind.DEPOSIT, booked_on=dt.date(2020, 1, 1)
        )
        Entry.objects.create(transaction=tx, account="2090", amount=Decimal("10"))
        Entry.objects.create(transaction=tx, account="2091", amount=Decimal("-9"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_it_refuses_update_and_delete_of_posted_rows(postgres_only: None, funded: Any) -> None:
    for sql in (
        "UPDATE funds_entry SET amount = amount * 2",
        "DELETE FROM funds_entry",
        "UPDATE funds_transaction SET reference = 'x'",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
