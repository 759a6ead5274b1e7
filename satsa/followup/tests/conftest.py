"""Fixtures of follow-up: a decided Örebro case with a calculation, its people and schema.

lina leads the case's project, erik is the economist (sees individual-level data), karin
records the executive board's decisions, dana applies for another case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.followup import services
from satsa.followup.models import EvaluationSchema, MeasureKind
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role

CALCULATION = {
    "name": "Familjestöd",
    "currency": "SEK",
    "start_year": 2025,
    "project_years": 2,
    "costs": [
        {"year": 2025, "amount": 1000000, "financier": "fund", "type": "personal"},
        {"year": 2026, "amount": 1000000, "financier": "fund", "type": "personal"},
    ],
    "effects": [
        {
            "name": "Färre placeringar i familjehem",
            "actor": "Socialnämnden",
            "unit": "placeringsår",
            "unit_cost": 420000,
            "volume": {"2025": 1, "2026": 2},
        },
        {
            "name": "Färre elever som går om",
            "actor": "Grundskolenämnden",
            "unit": "elever",
            "unit_cost": 110000,
            "volume": {"2026": 3},
        },
    ],
}


def make_case(
    org: Organisation, creator: Any, title: str = "Familjestöd i Oxhagen", **extra: Any
) -> Case:
    fields: dict[str, Any] = {
        "organisation": org,
        "title": title,
        # The 2016 rulebook has the repayment model, so the settlement can be tested.
        "rulebook_key": "orebro-2016",
        "stage": Stage.DECIDED,
        "start_date": dt.date(2025, 1, 1),
        "end_date": dt.date(2026, 6, 30),
        "granted_amount": Decimal("2000000"),
        "decided_on": dt.date(2024, 12, 1),
        "created_by": creator,
    }
    fields.update(extra)
    return Case.objects.create(**fields)


@pytest.fixture
def lina(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    user = make_person("lina", (orebro, Role.PROJECT_LEADER))
    user.email = "lina@example.org"
    user.save()
    return user


@pytest.fixture
def erik(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("erik", (orebro, Role.ECONOMIST))


@pytest.fixture
def karin(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("karin", (orebro, Role.DECISION_RECORDER))


@pytest.fixture
def dana(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("dana", (orebro, Role.APPLICANT))


def fund(case: Case) -> None:
    """Money in the fund and the case's grant committed, as the decision leaves them."""
    from satsa.funds.services import commitment_create, deposit_create

    deposit_create(
        organisation=case.organisation,
        amount=Decimal(10_000_000),
        booked_on=dt.date(2024, 1, 2),
        reference="KF 2013",
        actor=system_actor(),
    )
    commitment_create(
        case=case,
        amount=case.granted_amount,
        booked_on=case.decided_on,
        reference="KS",
        actor=system_actor(),
    )


@pytest.fixture
def case(orebro: Organisation, bob: Any, lina: Any) -> Case:
    from satsa.calculations.models import Calculation

    case = make_case(orebro, bob)
    Calculation.objects.create(case=case, organisation=orebro, data=CALCULATION)
    fund(case)
    # As the decision leaves it: its reports scheduled.
    services.reports_schedule(case=case, actor=system_actor())
    return case


@pytest.fixture
def schema(case: Case, alice: Any, lina: Any) -> EvaluationSchema:
    """A complete schema: goal, groups, a sub-goal with an activity and four measures."""
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Fler barn bor kvar hemma",
        target_group="Familjer med barn 6–12 år i Oxhagen",
        comparison_group="Familjer i Vivalla",
        project_leader=lina,
    )
    subgoal = services.schema_subgoal_add(
        schema=schema, actor=alice, text="Tidigt stöd till föräldrar"
    )
    activity = services.schema_activity_add(subgoal=subgoal, actor=alice, text="Föräldragrupper")
    common = {
        "schema": schema,
        "actor": alice,
        "baseline_date": dt.date(2024, 10, 1),
        "source": "Procapita",
        "responsible": "Lina",
    }
    services.schema_measure_add(
        **common,
        kind=MeasureKind.ACTIVITY,
        name="Föräldragrupper",
        unit="grupper",
        baseline_value=Decimal(0),
        target_value=Decimal(8),
        subgoal=subgoal,
        activity=activity,
    )
    services.schema_measure_add(
        **common,
        kind=MeasureKind.SHORT_TERM,
        name="KASAM hos föräldrar",
        unit="poäng",
        baseline_value=Decimal(55),
        target_value=Decimal(62),
        subgoal=subgoal,
    )
    services.schema_measure_add(
        **common,
        kind=MeasureKind.ECONOMIC,
        name="Placerade barn",
        unit="placeringsår",
        baseline_value=Decimal(10),
        comparison_baseline_value=Decimal(9),
        target_value=Decimal(7),
        effect_line_index=0,
    )
    services.schema_measure_add(
        **common,
        kind=MeasureKind.ECONOMIC,
        name="Elever som går om",
        unit="elever",
        baseline_value=Decimal(6),
        target_value=Decimal(3),
        effect_line_index=1,
    )
    return schema


def csv_bytes(rows: list[tuple[str, str, str, float]]) -> bytes:
    lines = ["person,group,period,value"] + [f"{p},{g},{o},{v}" for p, g, o, v in rows]
    return ("\n".join(lines) + "\n").encode()


def personnummer(i: int) -> str:
    """Made-up 12-digit identifiers (never real people)."""
    return f"20{10 + i % 10:02d}0{1 + i % 9}1{i % 10}-{1000 + i:04d}"


def pay_claims(case: Case, approver: Any) -> None:
    """The fund approves and pays every claim of the case (the ledger's own steps)."""
    from satsa.funds.models import Claim
    from satsa.funds.services import claim_approve, new_idempotency_key, payment_book

    for claim in Claim.objects.filter(case=case, status=Claim.Status.SUBMITTED):
        claim_approve(claim=claim, actor=approver, idempotency_key=new_idempotency_key())
        payment_book(
            claim=claim,
            booked_on=timezone.localdate(),
            actor=approver,
            idempotency_key=new_idempotency_key(),
        )


@pytest.fixture
def sven(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    """The head of the leading department: the project owner when a test names one."""
    return make_person("sven", (orebro, Role.DEPARTMENT_HEAD))


def propose_termination(case: Case, proposer: Any, owner: Any, reasons: str) -> Any:
    """Propose termination (one of the rulebook's conditions no longer holds) and record
    the project owner's supporting position, so the executive board may decide."""
    case.project_owner = owner
    case.save(update_fields=["project_owner"])
    proposal = services.termination_propose(
        case=case,
        actor=proposer,
        reasons=reasons,
        assessment={
            cid: {"met": cid != "better_outcome", "comment": ""}
            for cid, _text in services.termination_conditions(case)
        },
    )
    services.termination_position(
        proposal=proposal, actor=owner, supports=True, comment="Projektägaren tillstyrker."
    )
    return proposal


def on_plan(case: Case) -> dict[str, dict[str, str]]:
    """Every planned activity of the case reported as going to plan."""
    from satsa.followup.selectors import report_plan

    return {str(a.id): {"status": "ongoing", "comment": ""} for a in report_plan(case).activities}
