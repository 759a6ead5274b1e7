"""Decisions and advances racing each other on PostgreSQL: lock, then check.

Each test starts real threads, each with its own database connection, that call the
services at the same moment (a barrier), and then counts what the database holds.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from satsa.cases import services
from satsa.cases.models import Case, Stage, StepRecord
from satsa.decisions import services as decisions
from satsa.events.models import Event
from satsa.funds.models import Kind, Transaction
from satsa.rulebooks.selectors import rulebook_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what this test is about (make test-postgres)")


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _grant(people: Any, case: Case, key: str, dnr: str) -> Callable[[], Any]:
    def call() -> Any:
        # Each thread holds its own copy of the case, as two browsers would.
        return decisions.decision_record(
            case=Case.objects.get(pk=case.pk),
            actor=people.recorder,
            outcome=Case.Outcome.GRANTED,
            amount=Decimal("1000000"),
            decided_on=timezone.localdate(),
            diarienummer=dnr,
            minutes_reference="KS § 1",
            idempotency_key=key,
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2029, 12, 31),
        )

    return call


def test_two_concurrent_decisions_on_one_case_book_one_commitment(
    postgres_only: None, people: Any, walk: Any
) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    results = _at_once(
        _grant(people, case, "form-a", "KS 2026/1"), _grant(people, case, "form-b", "KS 2026/2")
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "redan avgjort" in " ".join(refused[0].messages)
    assert Transaction.objects.filter(case=case, kind=Kind.COMMITMENT).count() == 1
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED


def test_the_same_decision_form_sent_twice_at_once_records_one_decision(
    postgres_only: None, people: Any, walk: Any
) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    results = _at_once(
        _grant(people, case, "form-a", "KS 2026/1"), _grant(people, case, "form-a", "KS 2026/1")
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Transaction.objects.filter(case=case, kind=Kind.COMMITMENT).count() == 1
    assert Event.objects.filter(verb="case.decided", target_id=str(case.pk)).count() == 1


def test_a_decision_racing_the_yearly_cap_needs_a_reason(
    postgres_only: None, people: Any, walk: Any
) -> None:
    first = walk.to_decision(people, walk.new_idea(people, title="Första"))
    second = walk.to_decision(people, walk.new_idea(people, title="Andra"))
    # Örebro 2020 grants at most 3 new interventions a year: fill two of the places.
    for n in range(2):
        Case.objects.create(
            organisation=people.org,
            title=f"Tidigare {n}",
            rulebook_key=first.rulebook_key,
            stage=Stage.DECIDED,
            outcome=Case.Outcome.GRANTED,
            decided_on=timezone.localdate() - dt.timedelta(days=n),
            granted_amount=Decimal("1"),
        )
    results = _at_once(
        _grant(people, first, "form-1", "KS 2026/11"),
        _grant(people, second, "form-2", "KS 2026/12"),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "override_reason" in refused[0].message_dict
    granted_this_year = Case.objects.filter(
        organisation=people.org,
        outcome=Case.Outcome.GRANTED,
        decided_on__year=timezone.localdate().year,
    )
    assert granted_this_year.count() == 3


def test_two_concurrent_advances_move_the_case_one_step(
    postgres_only: None, people: Any, walk: Any
) -> None:
    case = walk.new_idea(people)
    services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={c.id: {"met": True} for c in rulebook_for(case).criteria.idea.items},
    )
    step = case.step

    def advance() -> Any:
        return services.case_advance(
            case=Case.objects.get(pk=case.pk), actor=people.preparation, expected_step=step
        )

    results = _at_once(advance, advance)
    moved = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(moved), len(refused)) == (1, 1), results
    assert "redan gått vidare" in " ".join(refused[0].messages)
    assert StepRecord.objects.filter(case=case, step=step).count() == 1
    case.refresh_from_db()
    assert case.step != step
