"""The service-level permission matrix: every app's state-changing services, called
directly (no view in front), by a person holding each single role of the organisation,
by the case's own project leader, and by the coordinator of another organisation.

A service must refuse (``NotPermitted``) exactly those the permission table and the case's
people do not allow; what it does for the others (succeed, or refuse for a reason of
state or input) is the subject of each app's own tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.orgs.models import Board, Membership, Organisation
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import ROLE_PERMISSIONS, Perm, Role

MEMBER = "member"  # the case's project leader (holding the project-leader role)
FOREIGN = "foreign"  # the coordinator of another organisation
ACTORS = [*Role.values, MEMBER, FOREIGN]


def roles_with(*perms: str) -> frozenset[str]:
    """The roles granted any of ``perms``; the case's project leader holds that role too."""
    roles = {r for r, granted in ROLE_PERMISSIONS.items() if set(perms) & granted}
    return frozenset(roles | ({MEMBER} if Role.PROJECT_LEADER in roles else set()))


@dataclass(frozen=True)
class Service:
    name: str
    call: Callable[[Any, SimpleNamespace], Any]
    allowed: frozenset[str]


def _case(org: Organisation, creator: Any, stage: str, **extra: Any) -> Case:
    fields: dict[str, Any] = {
        "organisation": org,
        "title": "Familjestöd",
        "rulebook_key": "orebro-2016",
        "stage": stage,
        "created_by": creator,
        "start_date": dt.date(2016, 1, 1),
        "end_date": dt.date(2018, 12, 31),
    }
    fields.update(extra)
    return Case.objects.create(**fields)


@pytest.fixture
def world(orebro: Organisation, uppsala: Organisation, make_person: Any) -> SimpleNamespace:
    from satsa.funds import services as funds

    system = system_actor()
    applicant = make_person("sam", (orebro, Role.APPLICANT))
    leader = make_person("lina", (orebro, Role.PROJECT_LEADER))
    running = _case(
        orebro,
        applicant,
        Stage.RUNNING,
        granted_amount=Decimal("1000000"),
        decided_on=dt.date(2015, 12, 1),
        diarienummer="KS 2015/1",
        outcome=Case.Outcome.GRANTED,
        project_leader=leader,
    )
    funds.deposit_create(
        organisation=orebro,
        amount=Decimal("5000000"),
        booked_on=dt.date(2015, 1, 1),
        reference="KF",
        actor=system,
    )
    funds.commitment_create(
        case=running,
        amount=Decimal("1000000"),
        booked_on=dt.date(2015, 12, 1),
        reference="KS 2015/1",
        actor=system,
    )
    preparing = _case(orebro, applicant, Stage.PREPARATION, step="decision", project_leader=leader)
    people = {role: make_person(f"p_{role}", (orebro, role)) for role in Role.values}
    people[MEMBER] = leader
    people[FOREIGN] = make_person("ulla", (uppsala, Role.COORDINATOR))
    return SimpleNamespace(
        org=orebro,
        running=running,
        preparing=preparing,
        board=Board.objects.filter(organisation=orebro).first(),
        people=people,
    )


def _orgs() -> list[Service]:
    from satsa.orgs import services as s

    return [
        Service(
            "orgs.board_create",
            lambda a, w: s.board_create(organisation=w.org, name="Ny", area="social", actor=a),
            roles_with(Perm.MANAGE_ORGANISATION),
        ),
        Service(
            "orgs.membership_grant",
            lambda a, w: s.membership_grant(
                user=w.people[Role.VIEWER], organisation=w.org, role=Role.ECONOMIST, actor=a
            ),
            roles_with(Perm.MANAGE_MEMBERSHIPS),
        ),
        Service(
            "orgs.membership_revoke",
            lambda a, w: s.membership_revoke(
                membership=Membership.objects.get(user=w.people[Role.VIEWER]), actor=a
            ),
            roles_with(Perm.MANAGE_MEMBERSHIPS),
        ),
        Service(
            "orgs.organisation_set_two_factor",
            lambda a, w: s.organisation_set_two_factor(organisation=w.org, required=True, actor=a),
            roles_with(Perm.MANAGE_ORGANISATION),
        ),
        Service(
            "orgs.party_create",
            lambda a, w: s.party_create(
                organisation=w.org, name="Föreningen", kind="civil_society", actor=a
            ),
            roles_with(Perm.MANAGE_PARTIES),
        ),
    ]


def _rulebooks() -> list[Service]:
    from satsa.rulebooks import services as s

    return [
        Service(
            "rulebooks.rulebook_presets_install",
            lambda a, w: s.rulebook_presets_install(organisation=w.org, actor=a),
            roles_with(Perm.MANAGE_RULEBOOKS),
        ),
    ]


def _cases() -> list[Service]:
    from satsa.cases import services as s

    return [
        Service(
            "cases.needs_create",
            lambda a, w: s.needs_create(
                organisation=w.org,
                title="Skolfrånvaro",
                target_group="Elever",
                statistics="Fördubblad frånvaro",
                actor=a,
            ),
            roles_with(Perm.SUBMIT_IDEA),
        ),
        Service(
            "cases.exemption_grant",
            lambda a, w: s.exemption_grant(
                case=w.preparing, actor=a, rule="co_financing", reason="Särskilda skäl finns här."
            ),
            roles_with(Perm.GRANT_EXEMPTION),
        ),
        Service(
            "cases.board_comment_add",
            lambda a, w: s.board_comment_add(
                case=w.preparing, board=w.board, actor=a, comment="Ja.", backs=True
            ),
            # The coordinator on the board's behalf; a secretary of no board of the case
            # is refused like anyone else (the board's own secretary: satsa/cases tests).
            roles_with(Perm.REGISTER_ON_BEHALF),
        ),
        Service(
            "cases.case_advance",
            lambda a, w: s.case_advance(case=w.preparing, actor=a),
            # The decision step is the executive board's; everyone else is refused.
            frozenset({Role.DECISION_RECORDER}),
        ),
    ]


def _decisions() -> list[Service]:
    from satsa.decisions import services as s

    return [
        Service(
            "decisions.decision_record",
            lambda a, w: s.decision_record(
                case=w.preparing,
                actor=a,
                outcome=Case.Outcome.REJECTED,
                decided_on=dt.date(2016, 3, 1),
                diarienummer="KS 2016/9",
                minutes_reference="KS § 9",
                reasons="Ryms inte i fonden.",
            ),
            roles_with(Perm.RECORD_DECISION),
        ),
        Service(
            "decisions.case_period_change",
            lambda a, w: s.case_period_change(
                case=w.running,
                actor=a,
                start_date=dt.date(2016, 3, 1),
                end_date=dt.date(2019, 6, 30),
                decided_on=dt.date(2016, 2, 1),
                minutes_reference="KS § 3",
                reason="Starten försenades.",
            ),
            roles_with(Perm.RECORD_DECISION),
        ),
        Service(
            "decisions.steering_rank",
            lambda a, w: s.steering_rank(organisation=w.org, actor=a),
            roles_with(Perm.STEERING_APPROVE),
        ),
    ]


def _calculations() -> list[Service]:
    from satsa.calculations import services as s

    return [
        Service(
            "calculations.calculation_create",
            lambda a, w: s.calculation_create(case=w.preparing, actor=a),
            # Staff who edit calculations; an applicant only on their own case.
            roles_with(Perm.EDIT_CALCULATION) & roles_with(Perm.VIEW_ALL_CASES),
        ),
        Service(
            "calculations.price_index_create",
            lambda a, w: s.price_index_create(
                organisation=w.org, name="Eget index", source="SCB", actor=a
            ),
            roles_with(Perm.MANAGE_UNIT_COSTS),
        ),
        Service(
            "calculations.national_price_index_create",
            lambda a, w: s.price_index_create(
                organisation=None, name="Nationellt", source="SCB", actor=a
            ),
            frozenset(),
        ),
    ]


def _funds() -> list[Service]:
    from satsa.funds import services as s

    return [
        Service(
            "funds.deposit_create",
            lambda a, w: s.deposit_create(
                organisation=w.org,
                amount=Decimal(1000),
                booked_on=dt.date(2016, 1, 1),
                reference="KF",
                actor=a,
            ),
            roles_with(Perm.MANAGE_FUND),
        ),
        Service(
            "funds.withdrawal_create",
            lambda a, w: s.withdrawal_create(
                organisation=w.org,
                amount=Decimal(1000),
                booked_on=dt.date(2016, 1, 1),
                reference="KF",
                actor=a,
            ),
            roles_with(Perm.MANAGE_FUND),
        ),
        Service(
            "funds.claim_submit",
            lambda a, w: s.claim_submit(
                case=w.running,
                period_code="delar1",
                period_end=dt.date(2016, 6, 30),
                amount=Decimal(1000),
                actor=a,
                idempotency_key="k",
            ),
            roles_with(Perm.MANAGE_FUND) | {MEMBER},
        ),
        Service(
            "funds.commitment_release",
            lambda a, w: s.commitment_release(
                case=w.running, booked_on=dt.date(2016, 1, 1), reason="Avslutad", actor=a
            ),
            roles_with(Perm.MANAGE_FUND),
        ),
        Service(
            "funds.commitment_create",
            lambda a, w: s.commitment_create(
                case=w.preparing,
                amount=Decimal(1000),
                booked_on=dt.date(2016, 1, 1),
                reference="KS",
                actor=a,
            ),
            # The grant decision books it; the fund's managers book historical grants.
            roles_with(Perm.RECORD_DECISION, Perm.MANAGE_FUND),
        ),
        Service(
            "funds.repayment_plan_manual",
            lambda a, w: s.repayment_plan_manual(
                case=w.running,
                lines=[s.ManualLine(board=w.board, year=2019, amount=Decimal("1000000"))],
                reason="Beslutad före Satsa.",
                decided_on=dt.date(2015, 12, 1),
                actor=a,
            ),
            roles_with(Perm.MANAGE_FUND),
        ),
        Service(
            "funds.repayment_choice_record",
            lambda a, w: s.repayment_choice_record(
                case=w.running, applies=True, reason="Startade 2016.", actor=a
            ),
            roles_with(Perm.MANAGE_FUND),
        ),
        Service(
            "funds.repayment_settle",
            lambda a, w: s.repayment_settle(
                case=w.running,
                realised_savings={w.board: Decimal("100000")},
                settled_on=dt.date(2019, 6, 1),
                actor=a,
            ),
            roles_with(Perm.MANAGE_EVALUATION, Perm.MANAGE_FUND),
        ),
    ]


def _proposal_with_owner(w: SimpleNamespace) -> Any:
    from satsa.followup.models import TerminationProposal

    Case.objects.filter(pk=w.running.pk).update(project_owner=w.people[Role.DEPARTMENT_HEAD])
    w.running.refresh_from_db()
    return TerminationProposal.objects.create(
        organisation=w.org, case=w.running, reasons="Målgruppen nås inte."
    )


def _a_report(w: SimpleNamespace) -> Any:
    from satsa.followup.models import Report

    report, _ = Report.objects.get_or_create(
        organisation=w.org,
        case=w.running,
        kind="periodic",
        period_end=dt.date(2016, 8, 31),
        defaults={"period_name": "Delår 2 2016", "due_date": dt.date(2016, 9, 30)},
    )
    return report


def _followup() -> list[Service]:
    from satsa.followup import services as s

    return [
        Service(
            "followup.schema_save",
            lambda a, w: s.schema_save(
                case=w.running, actor=a, overall_goal="Mål", target_group="Familjer"
            ),
            roles_with(Perm.MANAGE_EVALUATION) | {MEMBER},
        ),
        Service(
            "followup.termination_propose",
            lambda a, w: s.termination_propose(case=w.running, actor=a, reasons="Inga effekter."),
            roles_with(Perm.SIGN_APPLICATION, Perm.MANAGE_EVALUATION),
        ),
        Service(
            "followup.termination_position",
            lambda a, w: s.termination_position(
                proposal=_proposal_with_owner(w), actor=a, supports=True, comment="Tillstyrks."
            ),
            # The case's project owner only (here a department head).
            frozenset({Role.DEPARTMENT_HEAD}),
        ),
        Service(
            "followup.implementation_decide",
            lambda a, w: s.implementation_decide(
                case=w.running,
                actor=a,
                outcome="no",
                reasons="Effekterna uteblev.",
                decided_on=dt.date(2019, 3, 1),
            ),
            roles_with(Perm.RECORD_DECISION),
        ),
        Service(
            "followup.report_save_draft",
            lambda a, w: s.report_save_draft(report=_a_report(w), actor=a, activities="Utkast"),
            roles_with(Perm.MANAGE_EVALUATION) | {MEMBER},
        ),
        Service(
            "followup.effect_evaluation_record",
            lambda a, w: s.effect_evaluation_record(case=w.running, actor=a),
            roles_with(Perm.MANAGE_EVALUATION),
        ),
    ]


def _eid() -> list[Service]:
    from satsa.eid import identity
    from satsa.eid import services as s

    return [
        Service(
            "eid.eid_settings_update",
            lambda a, w: s.eid_settings_update(actor=a, organisation=w.org, values={}),
            roles_with(Perm.MANAGE_ORGANISATION),
        ),
        Service(
            "eid.person_register",
            lambda a, w: identity.person_register(
                actor=a,
                organisation=w.org,
                first_name="Tolvan",
                last_name="Tolvansson",
                email="tolvan@example.org",
                personal_number="191212121212",
                roles=[],
            ),
            roles_with(Perm.MANAGE_MEMBERSHIPS),
        ),
    ]


def _files() -> list[Service]:
    from satsa.files import services as s

    return [
        Service(
            f"files.file_request[{kind}]",
            lambda a, w, kind=kind: s.file_request(
                organisation=w.org, kind=kind, params={}, actor=a
            ),
            roles_with(perm),
        )
        for kind, perm in (
            ("journal_sie", Perm.VIEW_FUND),
            ("portfolio_xlsx", Perm.VIEW_ALL_CASES),
        )
    ]


SERVICES = [
    *_orgs(),
    *_eid(),
    *_rulebooks(),
    *_cases(),
    *_decisions(),
    *_calculations(),
    *_funds(),
    *_followup(),
    *_files(),
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_each_service_refuses_exactly_whom_the_permissions_refuse(
    service: Service, who: str, world: SimpleNamespace
) -> None:
    actor = world.people[who]
    try:
        service.call(actor, world)
    except NotPermitted:
        refused = True
    except ValidationError:
        refused = False  # allowed to try: refused for state or input, not for who they are
    else:
        refused = False
    assert refused == (who not in service.allowed), (service.name, who)


def test_the_matrix_covers_every_app_with_services() -> None:
    apps = {s.name.split(".")[0] for s in SERVICES}
    assert apps == {
        "orgs",
        "eid",
        "rulebooks",
        "cases",
        "decisions",
        "calculations",
        "funds",
        "followup",
        "files",
    }
