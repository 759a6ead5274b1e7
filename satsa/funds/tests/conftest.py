"""Fixtures for the fund's tests: a funded Örebro with a granted case, and a granted
Uppsala case waiting for its payment and repayment plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from satsa.events.actors import system_actor
from satsa.funds import services
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role


@pytest.fixture
def make_case(db: Any) -> Callable[..., Any]:
    from satsa.cases.models import Case, Stage

    def make(
        organisation: Organisation,
        *,
        title: str = "Familjestöd",
        granted: Decimal | None = Decimal("1000000"),
        rulebook_key: str = "orebro-2016",
        start: dt.date = dt.date(2016, 1, 1),
        end: dt.date = dt.date(2018, 12, 31),
        created_by: Any = None,
        diarienummer: str | None = None,
    ) -> Any:
        case = Case.objects.create(
            organisation=organisation,
            title=title,
            rulebook_key=rulebook_key,
            stage=Stage.RUNNING if granted else Stage.APPLICATION,
            granted_amount=granted,
            decided_on=start if granted else None,
            start_date=start,
            end_date=end,
            created_by=created_by,
            diarienummer=diarienummer or (f"KS {title[:20]}" if granted else None),
        )
        case.boards.set(organisation.boards.all())
        return case

    return make


@pytest.fixture
def funded(orebro: Organisation) -> Organisation:
    services.deposit_create(
        organisation=orebro,
        amount=Decimal("10000000"),
        booked_on=dt.date(2015, 5, 1),
        reference="KF § 1",
        actor=system_actor(),
    )
    return orebro


@pytest.fixture
def leader(orebro: Organisation, make_person: Callable[..., Any]) -> Any:
    return make_person("lena", (orebro, Role.PROJECT_LEADER))


@pytest.fixture
def granted_case(funded: Organisation, make_case: Callable[..., Any], leader: Any) -> Any:
    case = make_case(funded, created_by=leader)
    services.commitment_create(
        case=case,
        amount=case.granted_amount,
        booked_on=dt.date(2016, 1, 1),
        reference=case.diarienummer,
        actor=system_actor(),
    )
    return case


@pytest.fixture
def up(uppsala: Any, charlie: Any, make_person: Any, make_case: Any) -> Any:
    """Uppsala with a granted case at the step where the steering group approves the plans."""
    from satsa.cases.models import Case, Stage

    services.deposit_create(
        organisation=uppsala,
        amount=Decimal("5000000"),
        booked_on=dt.date(2016, 1, 1),
        reference="KF",
        actor=system_actor(),
    )
    # The applicant leads the project too, and so claims its money.
    applicant = make_person("ulf", (uppsala, Role.APPLICANT), (uppsala, Role.PROJECT_LEADER))
    case = make_case(
        uppsala,
        rulebook_key="uppsala-2016",
        granted=Decimal("600000"),
        start=dt.date(2017, 1, 1),
        end=dt.date(2018, 12, 31),
        created_by=applicant,
    )
    Case.objects.filter(pk=case.pk).update(
        outcome=Case.Outcome.GRANTED, stage=Stage.DECIDED, step="plans"
    )
    case.refresh_from_db()
    services.commitment_create(
        case=case,
        amount=Decimal("600000"),
        booked_on=dt.date(2017, 1, 1),
        reference="KS",
        actor=system_actor(),
    )
    return SimpleNamespace(
        org=uppsala,
        case=case,
        coordinator=charlie,
        applicant=applicant,
        co_applicant=make_person("ylva", (uppsala, Role.APPLICANT)),
        outsider=make_person("ali", (uppsala, Role.APPLICANT)),
        steering=make_person("stina", (uppsala, Role.STEERING_GROUP)),
        board=uppsala.boards.get(),
    )
