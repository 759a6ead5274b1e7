"""The pipeline's columns: each phase's first cases in the board's order, and its count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from satsa.cases import selectors
from satsa.cases.models import Case, Stage


def _case(org: Any, title: str, stage: str, due: dt.date | None = None) -> Case:
    return Case.objects.create(
        organisation=org, title=title, rulebook_key="orebro-2016", stage=stage, step_due_on=due
    )


def test_it_shows_each_phases_first_cases_in_the_boards_order(orebro: Any, alice: Any) -> None:
    late = _case(orebro, "Sen", Stage.PREPARATION, dt.date(2026, 6, 1))
    early = _case(orebro, "Tidig", Stage.PREPARATION, dt.date(2026, 1, 1))
    _case(orebro, "Senast", Stage.PREPARATION, dt.date(2026, 9, 1))
    running = _case(orebro, "Pågår", Stage.RUNNING)
    columns = {
        value: (cases, n) for value, _, cases, n in selectors.pipeline(alice, orebro, shown=2)
    }
    assert columns[Stage.PREPARATION] == ([early, late], 3)
    assert columns[Stage.RUNNING] == ([running], 1)
    assert columns[Stage.CLOSED] == ([], 0)
    assert list(columns) == list(Stage.values)


def test_it_reads_every_phase_in_two_queries(orebro: Any, alice: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.pipeline(alice, orebro, shown=2)
        return len(ctx.captured_queries)

    _case(orebro, "Förberedelse", Stage.PREPARATION)
    queries()  # the first fills the person's roles for the process
    one_phase = queries()
    for stage in (Stage.RUNNING, Stage.CLOSED, Stage.DECIDED, Stage.RUNNING):
        _case(orebro, f"Fall {stage}", stage)
    assert queries() == one_phase
