from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from satsa.evaluation import Measurement
from satsa.events.actors import system_actor
from satsa.followup import selectors, services
from satsa.followup.models import Group, MeasureKind, Report
from satsa.followup.tests.conftest import on_plan


def test_a_complete_schema_lacks_nothing(schema: Any) -> None:
    assert selectors.schema_is_complete(schema.case) == []


def test_it_lists_what_the_schema_lacks(case: Any, alice: Any) -> None:
    assert selectors.schema_is_complete(case) == ["Utvärderingsschema saknas."]
    schema = services.schema_save(case=case, actor=alice, overall_goal="Mål", target_group="Barn")
    services.schema_measure_add(
        schema=schema, actor=alice, kind=MeasureKind.OUTCOME, name="Frånvaro", unit="%"
    )
    missing = selectors.schema_is_complete(case)
    assert "Jämförelsegrupp saknas (eller skälet till att den saknas)." in missing
    assert "Minst ett aktivitetsmått behövs." in missing
    assert "Basmätning (värde och datum) saknas för måttet ”Frånvaro”." in missing
    assert "Målvärde saknas för måttet ”Frånvaro”." in missing


def test_the_aggregate_table_suppresses_groups_below_five() -> None:
    rows = [Measurement(f"t{i}", "treatment", "baseline", 10.0) for i in range(5)]
    rows += [Measurement(f"c{i}", "control", "baseline", 99.0) for i in range(4)]
    table = selectors.aggregate_table(rows)
    assert {"group": "treatment", "occasion": "baseline", "n": 5, "mean": 10.0} in table
    assert {"group": "control", "occasion": "baseline", "n": "<5", "mean": None} in table
    assert {"group": "control", "occasion": "follow_up", "n": "<5", "mean": None} in table


def test_a_measure_well_behind_target_flags_the_case(schema: Any, alice: Any) -> None:
    measure = schema.measures.get(name="KASAM hos föräldrar")  # 55 → 62
    services.measure_value_record(
        measure=measure,
        actor=alice,
        group=Group.TREATMENT,
        period_label="H 2025",
        measured_on=dt.date(2025, 12, 31),
        value=Decimal(56),
        n=30,
    )
    on = dt.date(2026, 1, 15)  # 55 % of the time gone, 14 % of the way
    codes = [s.code for s in selectors.off_plan_signals(schema.case, on)]
    assert "behind_target" in codes
    services.measure_value_record(
        measure=measure,
        actor=alice,
        group=Group.TREATMENT,
        period_label="D 2026",
        measured_on=dt.date(2026, 1, 10),
        value=Decimal(60),
        n=30,
    )
    assert "behind_target" not in [
        s.code for s in selectors.off_plan_signals(schema.case, on) if "KASAM" in s.text
    ]


def test_spending_off_budget_and_late_reports_flag_the_case(schema: Any, lina: Any) -> None:
    case = schema.case
    services.reports_schedule(case=case, actor=system_actor())
    first = Report.objects.filter(case=case).order_by("due_date").first()
    assert "report_late" in [s.code for s in selectors.off_plan_signals(case, dt.date(2025, 10, 1))]
    # the calculation budgets 1 000 000 for 2025; 1 500 000 spent is 50 % over
    services.report_submit(
        report=first,
        plan_status=on_plan(first.case),
        actor=lina,
        activities="a",
        ways_of_working="b",
        effects="c",
        spent_to_date=Decimal(1500000),
    )
    codes = [s.code for s in selectors.off_plan_signals(case, dt.date(2025, 10, 1))]
    assert "off_budget" in codes and "report_late" not in codes


def test_a_complete_schema_satisfies_the_pipelines_schema_guard(schema: Any, alice: Any) -> None:
    from satsa.cases import selectors as case_selectors
    from satsa.cases.models import Case as CaseModel

    case = schema.case
    assert case_selectors.evaluation_schema_ready(case)
    other = CaseModel.objects.create(
        organisation=case.organisation, title="Utan schema", rulebook_key="orebro-2020"
    )
    assert not case_selectors.evaluation_schema_ready(other)


def test_a_closed_projects_unsent_periodic_reports_are_neither_due_nor_late(
    case: Any, alice: Any
) -> None:
    from satsa.cases.models import Case, Stage
    from satsa.events.actors import system_actor
    from satsa.followup.models import Report, ReportKind
    from satsa.followup.overview import reports_panel

    services.reports_schedule(case=case, actor=system_actor())
    periodic = Report.objects.filter(case=case, kind=ReportKind.PERIODIC)
    assert periodic.exists()
    assert set(selectors.reports_to_write()) >= set(periodic)
    panel = reports_panel(alice, case.organisation)
    assert panel is not None and panel.data["count"] >= periodic.count()
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)
    assert not set(selectors.reports_to_write()) & set(periodic)
    panel = reports_panel(alice, case.organisation)
    counted = panel.data["count"] if panel is not None else 0
    assert counted == selectors.reports_to_write().filter(case=case).count()
    assert all(r.kind == ReportKind.FOLLOW_UP for r in selectors.reports_to_write())
