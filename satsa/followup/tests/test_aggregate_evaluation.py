"""A case followed only in aggregate (a share per group and period) gets an effect
evaluation, and with it an implementation decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from satsa.cases.models import Case, Stage
from satsa.followup import selectors, services
from satsa.followup.models import EvaluationSchema, Group, ImplementationOutcome, MeasureKind


@pytest.fixture
def aggregate_schema(case: Case, alice: Any, lina: Any) -> EvaluationSchema:
    """Pupils reaching the goals in Swedish, in percent, for the target group and the
    whole municipality (a comparison series); nothing measured person by person."""
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Familjehemsplacerade barn når kunskapskraven",
        target_group="Familjehemsplacerade barn i grundskolan",
        comparison_group="Alla elever i kommunen",
        project_leader=lina,
    )
    services.schema_measure_add(
        schema=schema,
        actor=alice,
        kind=MeasureKind.OUTCOME,
        name="Når kunskapskraven i svenska",
        unit="procent",
        baseline_value=Decimal(42),
        baseline_date=dt.date(2024, 10, 1),
        comparison_baseline_value=Decimal(80),
        target_value=Decimal(60),
        source="Skolverket",
        responsible="Lina",
    )
    return schema


def record(
    schema: EvaluationSchema, actor: Any, group: str, on: dt.date, value: int, n: int
) -> None:
    services.measure_value_record(
        measure=schema.measures.get(),
        actor=actor,
        group=group,
        period_label=f"{on:%Y-%m}",
        measured_on=on,
        value=Decimal(value),
        n=n,
    )


def test_an_aggregate_measure_is_evaluated_against_the_comparison_series(
    aggregate_schema: EvaluationSchema, erik: Any, lina: Any
) -> None:
    for group, values in ((Group.TREATMENT, (42, 55)), (Group.CONTROL, (80, 82))):
        record(
            aggregate_schema,
            lina,
            group,
            dt.date(2024, 9, 30),
            values[0],
            30 if group == Group.TREATMENT else 2400,
        )
        record(
            aggregate_schema,
            lina,
            group,
            dt.date(2026, 6, 30),
            values[1],
            32 if group == Group.TREATMENT else 2450,
        )
    evaluation = services.effect_evaluation_record(case=aggregate_schema.case, actor=erik)
    assert evaluation.results["measures"] == []
    [part] = evaluation.results["aggregates"]
    report = part["report"]
    assert report["kind"] == "percent" and report["method"] == "aggregate_did"
    did = report["difference_in_differences"]
    assert did["estimate"] == pytest.approx(11.0)
    assert did["ci_low"] < 11.0 < did["ci_high"]
    assert report["counts"]["treatment"] == {"baseline": 30, "follow_up": 32}
    assert report["confidence_rating"]["level"] == 3


def test_without_a_recorded_baseline_the_schema_s_value_gives_a_point_estimate(
    aggregate_schema: EvaluationSchema, erik: Any, lina: Any
) -> None:
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    report = selectors.aggregate_evaluation_of(aggregate_schema.measures.get())
    assert report is not None
    assert report["changes"]["treatment"]["estimate"] == pytest.approx(7.0)
    assert report["point_estimate_only"] is True
    assert report["counts"]["treatment"] == {"baseline": None, "follow_up": 30}


def test_a_value_resting_on_fewer_than_5_shows_nothing(
    aggregate_schema: EvaluationSchema, erik: Any, lina: Any
) -> None:
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2024, 9, 30), 50, 4)
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 75, 4)
    evaluation = services.effect_evaluation_record(case=aggregate_schema.case, actor=erik)
    report = evaluation.results["aggregates"][0]["report"]
    assert report["changes"]["treatment"] is None
    assert report["counts"]["treatment"] == {"baseline": "<5", "follow_up": "<5"}
    assert "75" not in str(report["changes"])


def test_the_implementation_decision_follows_an_aggregate_evaluation(
    aggregate_schema: EvaluationSchema, erik: Any, karin: Any, lina: Any
) -> None:
    case = aggregate_schema.case
    with pytest.raises(ValidationError, match="inga mått med basvärde och uppföljningsvärde"):
        services.effect_evaluation_record(case=case, actor=erik)
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    services.effect_evaluation_record(case=case, actor=erik)
    services.implementation_decide(
        case=case,
        actor=karin,
        outcome=ImplementationOutcome.WHOLE,
        reasons="Fler barn når kunskapskraven",
        decided_on=dt.date(2026, 11, 1),
        replaces="inget",
    )
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTED


def test_each_economic_line_shows_expected_against_realised_volume(schema: Any, erik: Any) -> None:
    placements = schema.measures.get(name="Placerade barn")
    for group, value in ((Group.TREATMENT, 7), (Group.CONTROL, 8)):
        services.measure_value_record(
            measure=placements,
            actor=erik,
            group=group,
            period_label="Delår 2 2026",
            measured_on=dt.date(2026, 8, 31),
            value=Decimal(value),
        )
    evaluation = services.effect_evaluation_record(case=schema.case, actor=erik)
    [line] = evaluation.economic_lines
    # the calculation expected 1 + 2 placement years avoided at 420 000; realised
    # (10 − 7) − (9 − 8) = 2
    assert line["expected_volume_by_year"] == {"2025": "1", "2026": "2"}
    assert Decimal(line["expected_volume"]) == 3
    assert Decimal(line["expected_saving"]) == Decimal("1260000.00")
    assert Decimal(line["volume"]) == 2 and Decimal(line["saving"]) == Decimal("840000.00")


def test_a_mean_with_its_sd_gets_an_interval(case: Case, alice: Any, lina: Any) -> None:
    # Lina leads the project, so she records its values.
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Tryggare föräldrar",
        target_group="Föräldrar",
        project_leader=lina,
    )
    measure = services.schema_measure_add(
        schema=schema,
        actor=alice,
        kind=MeasureKind.SHORT_TERM,
        name="KASAM, gruppens medelvärde",
        unit="poäng",
    )
    for on, value in ((dt.date(2024, 9, 30), 54), (dt.date(2026, 6, 30), 60)):
        services.measure_value_record(
            measure=measure,
            actor=lina,
            group=Group.TREATMENT,
            period_label=f"{on:%Y}",
            measured_on=on,
            value=Decimal(value),
            n=25,
            sd=Decimal(10),
        )
    report = selectors.aggregate_evaluation_of(measure)
    assert report is not None and report["kind"] == "mean"
    change = report["changes"]["treatment"]
    assert change["std_error"] == pytest.approx((100 / 25 + 100 / 25) ** 0.5)
    assert change["cohens_d"] == pytest.approx(0.6)
    assert report["point_estimate_only"] is False


def test_the_measure_page_shows_the_effect_so_far_with_its_rating(
    client_as: Any, aggregate_schema: EvaluationSchema, alice: Any, lina: Any
) -> None:
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2024, 9, 30), 42, 30)
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    measure = aggregate_schema.measures.get()
    page = client_as(alice).get(f"/o/orebro/uppfoljning/matt/{measure.pk}/").content.decode()
    assert "Effekt hittills enligt de aggregerade värdena" in page
    assert "Tillförlitlighet (Maryland-skalan): 2/5." in page
    assert "7,00" in page


def test_a_long_monthly_series_gets_an_interrupted_time_series(
    client_as: Any, case: Case, alice: Any, erik: Any, lina: Any
) -> None:
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Färre hushåll med försörjningsstöd",
        target_group="Hushåll",
        project_leader=lina,
    )
    measure = services.schema_measure_add(
        schema=schema,
        actor=alice,
        kind=MeasureKind.OUTCOME,
        name="Hushåll med försörjningsstöd",
        unit="hushåll",
    )
    # monthly from 2024-03 to 2025-12 around the start 2025-01-01: a drop of 20 households
    for i in range(22):
        on = dt.date(2024 + (i + 2) // 12, (i + 2) % 12 + 1, 1)
        value = 300 + 2 * i + (i % 3) - (20 if on >= case.start_date else 0)
        services.measure_value_record(
            measure=measure,
            actor=lina,
            group=Group.TREATMENT,
            period_label=f"{on:%Y-%m}",
            measured_on=on,
            value=Decimal(value),
            # a count of households rests on that many households
            n=value,
        )
    evaluation = services.effect_evaluation_record(case=case, actor=erik)
    [part] = evaluation.results["series"]
    report = part["report"]
    assert report["method"] == "interrupted_time_series"
    assert report["counts"] == {"before": 10, "after": 12}
    assert report["level_change"]["estimate"] == pytest.approx(-20, abs=2)
    assert report["confidence_rating"]["level"] == 2
    assert [line["what"] for line in selectors.estimate_lines(evaluation.results)] == [
        "change",
        "level",
    ]
    page = client_as(erik).get(f"/o/orebro/uppfoljning/effektutvardering/{evaluation.pk}/")
    text = page.content.decode()
    assert "Nivåförändring vid starten" in text and "10 mätningar före och 12 efter" in text


def test_the_measure_page_plots_the_effect_per_measurement_with_a_table(
    client_as: Any, aggregate_schema: EvaluationSchema, alice: Any, lina: Any
) -> None:
    # case start 2025-01-01: three yearly values before, two after, for both groups
    for year, target, whole in (
        (2022, 40, 78),
        (2023, 41, 79),
        (2024, 42, 80),
        (2025, 52, 81),
        (2026, 55, 82),
    ):
        record(aggregate_schema, lina, Group.TREATMENT, dt.date(year, 6, 30), target, 60)
        record(aggregate_schema, lina, Group.CONTROL, dt.date(year, 6, 30), whole, 2400)
    measure = aggregate_schema.measures.get()
    study = selectors.aggregate_event_study_of(measure)
    assert study is not None and study["comparison"] is True
    assert [round(e["estimate"], 6) for e in study["event_study"]] == [0, 0, 0, 9, 11]
    page = client_as(alice).get(f"/o/orebro/uppfoljning/matt/{measure.pk}/").content.decode()
    assert "Effekt per mätning i förhållande till starten" in page
    assert 'aria-labelledby="es-title es-desc"' in page
    assert "Test av parallella trender före starten" in page
