from __future__ import annotations

from typing import Any

from satsa.cases.models import Case, Stage
from satsa.core.demo import load_all
from satsa.events.models import Event
from satsa.followup import demo
from satsa.followup.models import EvaluationSchema, MeasureValue, PersonValue, Report, ReportStatus
from satsa.funds.selectors import case_money


def test_the_demo_gives_two_cases_a_followup_and_is_idempotent(db: Any) -> None:
    load_all()
    schemas = EvaluationSchema.objects.filter(case__title__in=list(demo.CASES))
    assert schemas.count() == 2
    assert all(
        s.case.evaluation_schema.measures.filter(baseline_value__isnull=False).exists()
        for s in schemas
    )
    assert Report.objects.filter(status=ReportStatus.APPROVED).exists()
    counts = (MeasureValue.objects.count(), PersonValue.objects.count(), Report.objects.count())
    assert counts[1] == 120
    demo.load()
    assert (
        MeasureValue.objects.count(),
        PersonValue.objects.count(),
        Report.objects.count(),
    ) == counts
    assert all("demovärden" in v.period_label for v in MeasureValue.objects.all())


def test_the_demo_ends_the_portfolio_projects_that_have_ended_once(db: Any) -> None:
    load_all()
    portfolio = Case.objects.filter(organisation__slug="orebro", rulebook_key="orebro-2016")
    stages = dict(portfolio.values_list("title", "stage"))
    # Seed 001: Samverkan and the three Partnerskap Varberga/Oxhagen interventions were
    # implemented in ordinary operations; the others ended when their time ran out.
    implemented = {
        "Samverkan för teckenspråkiga",
        "El Sistema",
        "Team Oxhagen",
        "Specialpedagogisk kompetensutveckling",
    }
    assert {t for t, s in stages.items() if s == Stage.IMPLEMENTED} == implemented
    assert {s for t, s in stages.items() if t not in implemented} == {Stage.CLOSED}
    moves = Event.objects.filter(
        verb="case.stage_changed", data__to__in=[Stage.CLOSED, Stage.IMPLEMENTED]
    )
    assert moves.count() == 9
    assert all(e.data["reason"].startswith("Demo:") for e in moves)
    demo.close_finished()
    load_all()
    assert moves.count() == 9
    # Each project claimed its whole grant before it ended, so nothing is left to release.
    for case in portfolio:
        money = case_money(case)
        assert money.committed == money.paid, case.title
