"""Power at planning on the evaluation schema: each effect measure with an expected
effect and planned groups shows its power, and a warning when it is too weak."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from satsa.cases.models import Case
from satsa.followup import selectors, services
from satsa.followup.models import EvaluationSchema, MeasureKind


@pytest.fixture
def planned(case: Case, alice: Any, lina: Any) -> EvaluationSchema:
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Fler elever klarar skolan",
        target_group="Elever i årskurs 7–9 i Oxhagen",
        comparison_group="Elever i Vivalla",
        project_leader=lina,
    )
    common = {
        "schema": schema,
        "actor": alice,
        "kind": MeasureKind.OUTCOME,
        "baseline_date": dt.date(2024, 10, 1),
    }
    services.schema_measure_add(
        **common,
        name="Godkänt i alla ämnen",
        unit="procent",
        baseline_value=Decimal(40),
        target_value=Decimal(55),
        planned_n=100,
        planned_comparison_n=100,
    )
    services.schema_measure_add(
        **common,
        name="Skolnärvaro",
        unit="procent",
        baseline_value=Decimal(40),
        target_value=Decimal(55),
        planned_n=400,
        planned_comparison_n=400,
    )
    services.schema_measure_add(
        **common,
        name="Läsförståelse",
        unit="poäng",
        baseline_value=Decimal(50),
        target_value=Decimal(55),
        planned_n=50,
    )
    return schema


def test_each_measure_with_planned_groups_shows_its_power(planned: EvaluationSchema) -> None:
    weak, strong, no_sd = (selectors.planned_power(m) for m in planned.measures.all())
    assert weak is not None and strong is not None
    assert weak.power == pytest.approx(0.334, abs=0.002) and weak.too_weak
    assert weak.n_needed == 335
    assert strong.power > 0.8 and not strong.too_weak
    # a mean without its expected standard deviation: no power can be computed
    assert no_sd is None


def test_the_schema_screen_warns_when_the_design_cannot_detect_the_effect(
    client_as: Any, planned: EvaluationSchema, alice: Any
) -> None:
    page = client_as(alice).get(f"/o/orebro/uppfoljning/arende/{planned.case.pk}/schema/")
    text = page.content.decode()
    assert "Styrka att upptäcka den förväntade effekten" in text
    assert "33 %" in text and "335" in text
    assert text.count("Varning: med de planerade grupperna") == 1
    assert "”Godkänt i alla ämnen”" in text


def test_an_expected_sd_must_be_positive(planned: EvaluationSchema, alice: Any) -> None:
    with pytest.raises(ValidationError):
        services.schema_measure_add(
            schema=planned,
            actor=alice,
            kind=MeasureKind.OUTCOME,
            name="Trivsel",
            unit="poäng",
            expected_sd=Decimal(0),
        )
