"""On PostgreSQL a case's money page finds its transactions through indexes, so it does not
slow down as other organisations' ledgers grow (issue #17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from satsa.funds import selectors as sel

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the plan is PostgreSQL's")


def test_a_cases_transactions_are_found_through_indexes(
    postgres_only: None, granted_case: Any
) -> None:
    transactions = sel.case_transactions(granted_case)
    assert transactions.exists()
    with connection.cursor() as cursor:
        # The test tables are tiny, where a scan is cheapest: ask for the plan as if they
        # were large.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = transactions.explain()
    assert "Seq Scan" not in plan, plan
    # Both the transactions booked on the case and the entries on it are looked up by the
    # case, not filtered after reading every row (what the OR across the join did).
    assert plan.count("Cond: (case_id = ") >= 2, plan
