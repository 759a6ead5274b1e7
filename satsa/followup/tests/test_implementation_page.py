"""The implementation decision's page says why it cannot be made, and who can, before any
form; a case measured in aggregate reaches it; every path to implementation schedules the
follow-up evaluation 1–3 years after the end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from satsa.cases.models import Case, Stage
from satsa.followup import services
from satsa.followup.models import (
    EvaluationSchema,
    Group,
    ImplementationDecision,
    ImplementationOutcome,
    Report,
    ReportKind,
)
from satsa.followup.tests.test_aggregate_evaluation import aggregate_schema, record  # noqa: F401
from satsa.orgs.permissions import NotPermitted

URL = "/o/orebro/uppfoljning/arende/{pk}/implementering/"


def test_the_coordinator_is_told_who_decides_instead_of_a_bare_403(
    case: Case, alice: Any, karin: Any, client_as: Any
) -> None:
    response = client_as(alice).get(URL.format(pk=case.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "registreras av den som registrerar kommunstyrelsens beslut" in page
    assert "Kan registreras av: Karin" in page
    assert 'name="reasons"' not in page


def test_the_recorder_is_refused_before_the_form_without_an_evaluation(
    case: Case, karin: Any, client_as: Any
) -> None:
    page = client_as(karin).get(URL.format(pk=case.pk)).content.decode()
    assert "registrera den först" in page
    assert 'name="reasons"' not in page
    # The case page says it too, where the button would be.
    case_page = client_as(karin).get(f"/o/orebro/uppfoljning/arende/{case.pk}/").content.decode()
    assert "Implementeringsbeslut:" in case_page and "registrera den först" in case_page


def test_a_post_against_the_refusal_changes_nothing(case: Case, alice: Any, client_as: Any) -> None:
    response = client_as(alice).post(
        URL.format(pk=case.pk),
        {
            "outcome": "whole",
            "reasons": "Bra.",
            "replaces": "inget",
            "decided_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert not ImplementationDecision.objects.filter(case=case).exists()
    with pytest.raises(NotPermitted):
        services.implementation_decide(
            case=case,
            actor=alice,
            outcome=ImplementationOutcome.WHOLE,
            reasons="Bra.",
            decided_on=dt.date(2026, 11, 1),
            replaces="inget",
        )


def test_a_case_measured_in_aggregate_is_implemented_through_the_page(
    aggregate_schema: EvaluationSchema,  # noqa: F811
    erik: Any,
    karin: Any,
    lina: Any,
    client_as: Any,
) -> None:
    case = aggregate_schema.case
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    services.effect_evaluation_record(case=case, actor=erik)
    client = client_as(karin)
    page = client.get(URL.format(pk=case.pk)).content.decode()
    assert 'name="reasons"' in page
    response = client.post(
        URL.format(pk=case.pk),
        {
            "outcome": "whole",
            "reasons": "Fler barn når kunskapskraven.",
            "replaces": "inget",
            "decided_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTED


def test_implementing_straight_from_running_schedules_the_follow_up_evaluation(
    aggregate_schema: EvaluationSchema,  # noqa: F811
    erik: Any,
    karin: Any,
    lina: Any,
) -> None:
    case = aggregate_schema.case
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    services.effect_evaluation_record(case=case, actor=erik)
    services.implementation_decide(
        case=case,
        actor=karin,
        outcome=ImplementationOutcome.PARTS,
        parts="Läxhjälpen",
        reasons="Fler barn når kunskapskraven.",
        decided_on=dt.date(2026, 11, 1),
        replaces="inget",
    )
    follow_up = Report.objects.get(case=case, kind=ReportKind.FOLLOW_UP)
    assert case.end_date is not None
    years = follow_up.period_end.year - case.end_date.year
    assert 1 <= years <= 3


def test_the_implementation_decision_is_refused_twice(
    aggregate_schema: EvaluationSchema,  # noqa: F811
    erik: Any,
    karin: Any,
    lina: Any,
) -> None:
    case = aggregate_schema.case
    record(aggregate_schema, lina, Group.TREATMENT, dt.date(2026, 6, 30), 49, 30)
    services.effect_evaluation_record(case=case, actor=erik)
    values: dict[str, Any] = {
        "outcome": ImplementationOutcome.NONE,
        "reasons": "Effekterna uteblev.",
        "decided_on": dt.date(2026, 11, 1),
    }
    services.implementation_decide(case=case, actor=karin, **values)
    with pytest.raises(ValidationError, match="redan fattat"):
        services.implementation_decide(case=Case.objects.get(pk=case.pk), actor=karin, **values)
