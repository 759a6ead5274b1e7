"""People in every role of Örebro's and Uppsala's pipelines, and helpers that walk a case
along the decision chain so that each test starts at the step it is about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satsa.cases import services
from satsa.cases.models import Case
from satsa.decisions import services as decision_services
from satsa.funds.services import deposit_create
from satsa.orgs.models import Board, Department, Membership, Organisation
from satsa.orgs.roles import Role

IDEA_2020 = {
    "need": "Skolfrånvaron i Vivalla har fördubblats sedan 2015 (elevhälsans statistik).",
    "target_group": "Elever i årskurs 7–9 med hög frånvaro.",
    "content": "Brobyggare som möter eleverna och familjerna.",
    "actors": "Socialnämnden och Grundskolenämnden.",
    "expected_effects": "Högre närvaro och färre placeringar.",
}
SECTIONS_2020 = {
    "problem": "Hög frånvaro.",
    "evidence": "Studier av brobyggare i Göteborg.",
    "target_group": "Elever i årskurs 7–9.",
    "method": "Två brobyggare på heltid.",
    "duration": "Tre år.",
    "goals_effects_evaluation": "Närvaro mäts varje månad mot basmätning.",
    "costs": "3 000 000 kr.",
    "implementation": "Ersätter delar av elevhälsans uppsökande arbete.",
    "comparison": "Ordinarie elevhälsa.",
}
FIGURES_2020 = {
    "duration_years": "3",
    "requested_amount": "3000000",
    "total_cost": "3000000",
    "project_leader_share": "0.5",
    "expected_savings": "4500000",
}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(orebro: Organisation, alice: Any, bob: Any, make_person: Callable[..., Any]) -> Any:
    social = Board.objects.get(organisation=orebro, name="Socialnämnden")
    school = Board.objects.get(organisation=orebro, name="Grundskolenämnden")
    social_dept = Department.objects.get(organisation=orebro, name="Socialförvaltningen")
    school_dept = Department.objects.get(
        organisation=orebro, name="Förvaltningen förskola och skola"
    )

    def person(name: str, role: str, **unit: Any) -> Any:
        user = make_person(name)
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
        Membership.objects.create(user=user, organisation=orebro, role=role, **unit)
        return user

    for user in (alice, bob):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    fund_deposit(orebro, alice, Decimal("50000000"))
    return SimpleNamespace(
        org=orebro,
        coordinator=alice,
        applicant=bob,
        preparation=person("petra", Role.PREPARATION_GROUP),
        management=person("magnus", Role.MANAGEMENT_GROUP),
        economist=person("erik", Role.ECONOMIST),
        steering=person("sara", Role.STEERING_GROUP),
        recorder=person("karin", Role.DECISION_RECORDER),
        social_head=person("sven", Role.DEPARTMENT_HEAD, department=social_dept),
        school_head=person("david", Role.DEPARTMENT_HEAD, department=school_dept),
        social_secretary=person("nils", Role.BOARD_SECRETARY, board=social),
        school_secretary=person("greta", Role.BOARD_SECRETARY, board=school),
        viewer=person("vera", Role.VIEWER),
        other_applicant=person("ali", Role.APPLICANT),
        boards=[social, school],
        departments=[social_dept, school_dept],
    )


def fund_deposit(organisation: Organisation, actor: Any, amount: Decimal) -> None:
    """Put money in the fund."""
    deposit_create(
        organisation=organisation,
        amount=amount,
        booked_on=timezone.localdate() - dt.timedelta(days=30),
        reference="KF § 12",
        actor=actor,
    )


def new_idea(p: Any, *, title: str = "Brobyggare", submit: bool = True) -> Case:
    case = services.idea_create(
        organisation=p.org,
        title=title,
        actor=p.applicant,
        idea=IDEA_2020,
        boards=p.boards,
        departments=p.departments,
        rulebook_key="orebro-2020",
    )
    if submit:
        services.idea_submit(case=case, actor=p.applicant)
    return case


def through_idea(p: Any, case: Case) -> Case:
    services.idea_assess(
        case=case,
        actor=p.preparation,
        verdicts={
            c: {"met": True, "comment": "Ja."}
            for c in (
                "real_need",
                "new_methods",
                "several_actors",
                "outcome_and_savings",
                "leadership_priorities",
            )
        },
    )
    services.case_advance(case=case, actor=p.preparation)
    services.case_advance(case=case, actor=p.management, comment="Ledningsgruppen tillstyrker.")
    comment_all(p, case)
    services.case_advance(case=case, actor=p.coordinator)
    return case


def comment_all(p: Any, case: Case) -> None:
    for board, secretary in zip(p.boards, (p.social_secretary, p.school_secretary), strict=True):
        services.board_comment_add(
            case=case, board=board, actor=secretary, comment="Nämnden tillstyrker.", backs=True
        )


def write_application(p: Any, case: Case, **figures: str) -> None:
    services.application_save(
        case=case,
        actor=p.applicant,
        sections=SECTIONS_2020,
        figures={**FIGURES_2020, **figures},
    )
    from satsa.cases.demo import evaluation_schema_build
    from satsa.cases.selectors import uploaded_attachment_kinds
    from satsa.followup.models import EvaluationSchema
    from satsa.rulebooks.selectors import rulebook_for

    if not EvaluationSchema.objects.filter(case=case).exists():
        evaluation_schema_build(case=case, actor=p.applicant)
    for attachment in uploaded_attachment_kinds(rulebook_for(case)):
        kind = attachment.id
        if attachment.required and not case.attachments.filter(kind=kind).exists():
            services.attachment_add(
                case=case,
                actor=p.applicant,
                kind=kind,
                file=SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 demo"),
            )


def to_signatures(p: Any, case: Case) -> Case:
    through_idea(p, case)
    write_application(p, case)
    services.application_submit(case=case, actor=p.applicant)
    services.case_advance(
        case=case, actor=p.economist, confirmations=["economic_calculation_checked"]
    )
    services.case_advance(case=case, actor=p.preparation)
    services.case_advance(case=case, actor=p.management)
    comment_all(p, case)
    services.case_advance(case=case, actor=p.coordinator)
    return case


def sign_all(p: Any, case: Case) -> None:
    services.signature_add(case=case, actor=p.social_head, department=p.departments[0])
    services.signature_add(case=case, actor=p.school_head, department=p.departments[1])


def to_decision(p: Any, case: Case) -> Case:
    to_signatures(p, case)
    sign_all(p, case)
    services.case_advance(case=case, actor=p.coordinator)
    decision_services.steering_rank(organisation=p.org, actor=p.steering)
    services.case_advance(case=case, actor=p.steering, confirmations=["comments_considered"])
    case.refresh_from_db()
    return case


def grant(p: Any, case: Case, **kwargs: Any) -> Case:
    values = {
        "outcome": Case.Outcome.GRANTED,
        "amount": Decimal("3000000"),
        "decided_on": timezone.localdate(),
        "diarienummer": "KS 2026/123",
        "minutes_reference": "KS § 45",
        "conditions": "Rapport två gånger per år.",
    }
    if values["outcome"] == Case.Outcome.GRANTED and case.start_date is None:
        # A grant states the project's period.
        values["start_date"] = timezone.localdate() + dt.timedelta(days=30)
        values["end_date"] = timezone.localdate() + dt.timedelta(days=30 + 3 * 365)
    values.update(kwargs)
    return decision_services.decision_record(case=case, actor=p.recorder, **values)


@pytest.fixture
def walk() -> Any:
    return SimpleNamespace(
        new_idea=new_idea,
        through_idea=through_idea,
        comment_all=comment_all,
        write_application=write_application,
        to_signatures=to_signatures,
        sign_all=sign_all,
        to_decision=to_decision,
        grant=grant,
    )
