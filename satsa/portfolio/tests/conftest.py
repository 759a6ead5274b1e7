"""A small portfolio: two granted Örebro cases, Örebro cases that are not public yet, and
one granted Uppsala case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from satsa.cases.models import Case, Stage
from satsa.orgs.models import Board, Department, Organisation


def make_case(org: Organisation, title: str, stage: str, **fields: Any) -> Case:
    case = Case.objects.create(
        organisation=org,
        title=title,
        rulebook_key=fields.pop("rulebook_key", "orebro-2016"),
        stage=stage,
        **fields,
    )
    return case


@pytest.fixture
def portfolio(orebro: Organisation, uppsala: Organisation, bob: Any) -> dict[str, Case]:
    social = Board.objects.get(organisation=orebro, name="Socialnämnden")
    school = Board.objects.get(organisation=orebro, name="Grundskolenämnden")
    soc_dep = Department.objects.get(organisation=orebro, name="Socialförvaltningen")
    school_dep = Department.objects.get(
        organisation=orebro, name="Förvaltningen förskola och skola"
    )
    oxhagen = make_case(
        orebro,
        "Team Oxhagen",
        Stage.RUNNING,
        target_group="Barn och unga i Oxhagen och Varberga",
        start_date=dt.date(2015, 2, 1),
        end_date=dt.date(2018, 1, 31),
        granted_amount=Decimal("5400000.00"),
        decided_on=dt.date(2014, 12, 1),
        diarienummer="KS 1304/2014",
        created_by=bob,
    )
    oxhagen.boards.add(social, school)
    oxhagen.departments.add(soc_dep, school_dep)
    sistema = make_case(
        orebro,
        "El Sistema",
        Stage.CLOSED,
        target_group="Barn i förskola och skola i Vivalla",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2017, 12, 31),
        granted_amount=Decimal("3000000.00"),
        decided_on=dt.date(2014, 11, 1),
        diarienummer="KS 1200/2014",
        created_by=bob,
    )
    sistema.boards.add(school)
    sistema.departments.add(school_dep)
    cases = {"oxhagen": oxhagen, "sistema": sistema}
    for key, stage in [
        ("idea", Stage.IDEA),
        ("application", Stage.APPLICATION),
        ("preparation", Stage.PREPARATION),
        ("rejected", Stage.REJECTED),
    ]:
        cases[key] = make_case(
            orebro,
            f"Hemlig {key}",
            stage,
            target_group="Internt utkast",
            granted_amount=Decimal("999999.00") if key == "rejected" else None,
            created_by=bob,
        )
    cases["uppsala"] = make_case(
        uppsala,
        "Uppsalas satsning",
        Stage.RUNNING,
        rulebook_key="uppsala-2016",
        start_date=dt.date(2017, 1, 1),
        end_date=dt.date(2019, 12, 31),
        granted_amount=Decimal("1000000.00"),
        decided_on=dt.date(2016, 12, 1),
    )
    return cases
