from __future__ import annotations

from typing import Any

from satsa.core.demo import load_all
from satsa.followup import demo
from satsa.followup.models import EvaluationSchema, MeasureValue, PersonValue, Report, ReportStatus


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
