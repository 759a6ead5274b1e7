"""The cast of each rulebook's journey: one person in each role, as a new organisation
would set them up, and money in the fund. Everything after this is done in the browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from satsa.events.actors import system_actor
from satsa.funds.services import deposit_create
from satsa.orgs.models import Board, Department, Membership, Organisation
from satsa.orgs.roles import Role


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def deposit(organisation: Organisation, amount: str) -> None:
    deposit_create(
        organisation=organisation,
        amount=Decimal(amount),
        booked_on=timezone.localdate() - dt.timedelta(days=30),
        reference="KF § 12",
        actor=system_actor(),
    )


@pytest.fixture
def orebro_cast(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    social = Board.objects.get(organisation=orebro, name="Socialnämnden")
    school = Board.objects.get(organisation=orebro, name="Grundskolenämnden")
    social_dept = Department.objects.get(organisation=orebro, name="Socialförvaltningen")
    school_dept = Department.objects.get(
        organisation=orebro, name="Förvaltningen förskola och skola"
    )

    def person(name: str, role: str, **unit: Any) -> Any:
        user = make_person(name)
        user.first_name = name.capitalize()
        user.email = f"{name}@example.org"
        user.save(update_fields=["first_name", "email"])
        Membership.objects.create(user=user, organisation=orebro, role=role, **unit)
        return user

    deposit(orebro, "50000000")
    return SimpleNamespace(
        org=orebro,
        coordinator=person("alice", Role.COORDINATOR),
        applicant=person("bob", Role.APPLICANT),
        preparation=person("petra", Role.PREPARATION_GROUP),
        management=person("magnus", Role.MANAGEMENT_GROUP),
        economist=person("erik", Role.ECONOMIST),
        steering=person("sara", Role.STEERING_GROUP),
        recorder=person("karin", Role.DECISION_RECORDER),
        social_head=person("sven", Role.DEPARTMENT_HEAD, department=social_dept),
        school_head=person("david", Role.DEPARTMENT_HEAD, department=school_dept),
        social_secretary=person("nils", Role.BOARD_SECRETARY, board=social),
        school_secretary=person("greta", Role.BOARD_SECRETARY, board=school),
        leader=person("lina", Role.PROJECT_LEADER),
    )


@pytest.fixture
def gavleborg_cast(make_person: Callable[..., Any]) -> Any:
    """Region Gävleborg: the regional fund, its coordinator and support group, and a
    municipality's project applying together with the region's primary care."""
    from satsa.orgs.models import Area

    org = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="21"
    )
    health = Board.objects.create(
        organisation=org, name="Hälso- och sjukvårdsnämnden", area=Area.HEALTH
    )
    Board.objects.create(organisation=org, name="Regionala utvecklingsnämnden", area=Area.LABOUR)
    care = Department.objects.create(organisation=org, name="Primärvården")
    care.boards.set([health])
    deposit(org, "20000000")

    def person(name: str, role: str, **unit: Any) -> Any:
        user = make_person(name)
        Membership.objects.create(user=user, organisation=org, role=role, **unit)
        return user

    return SimpleNamespace(
        org=org,
        coordinator=person("gun", Role.COORDINATOR),
        applicant=person("gustav", Role.APPLICANT),
        support=person("stig", Role.PREPARATION_GROUP),
        recorder=person("rut", Role.DECISION_RECORDER),
        head=person("hedda", Role.DEPARTMENT_HEAD, department=care),
        finance=person("frans", Role.FINANCE_OFFICER),
        economist=person("ebba", Role.ECONOMIST),
        leader=person("linnea", Role.PROJECT_LEADER),
    )


@pytest.fixture
def uppsala_cast(uppsala: Organisation, make_person: Callable[..., Any]) -> Any:
    """Uppsala: the coordinator, the officials' steering group, the economists, a
    department head, finance, the decision recorder and an applicant who will lead."""
    social = Board.objects.get(organisation=uppsala, name="Socialnämnden")
    department = Department.objects.create(organisation=uppsala, name="Socialförvaltningen")
    department.boards.set([social])
    deposit(uppsala, "10000000")

    def person(name: str, role: str, **unit: Any) -> Any:
        user = make_person(name)
        Membership.objects.create(user=user, organisation=uppsala, role=role, **unit)
        return user

    applicant = person("ulf", Role.APPLICANT)
    Membership.objects.create(user=applicant, organisation=uppsala, role=Role.PROJECT_LEADER)
    return SimpleNamespace(
        org=uppsala,
        coordinator=person("charlie", Role.COORDINATOR),
        applicant=applicant,
        head=person("hanna", Role.DEPARTMENT_HEAD, department=department),
        economist=person("ola", Role.ECONOMIST),
        steering=person("stina", Role.STEERING_GROUP),
        recorder=person("kerstin", Role.DECISION_RECORDER),
        finance=person("fia", Role.FINANCE_OFFICER),
    )
