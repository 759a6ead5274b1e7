"""Region Gävleborg's co-financing (≥ 50 % of the cost) holds for every claim, not only
for the application: the fund pays at most its share of each period's costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.funds import services
from satsa.funds.models import Claim
from satsa.orgs.models import Area, Board, Organisation
from satsa.orgs.roles import Role


@pytest.fixture
def gavleborg(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="21"
    )
    Board.objects.create(organisation=org, name="Hälso- och sjukvårdsnämnden", area=Area.HEALTH)
    services.deposit_create(
        organisation=org,
        amount=Decimal("5000000"),
        booked_on=dt.date(2019, 1, 1),
        reference="RF § 1",
        actor=system_actor(),
    )
    return org


@pytest.fixture
def running(gavleborg: Organisation, make_case: Any, make_person: Any) -> Any:
    gustav = make_person("gustav", (gavleborg, Role.PROJECT_LEADER))
    case = make_case(
        gavleborg,
        title="Unga vuxna i arbete",
        rulebook_key="gavleborg-2018",
        start=dt.date(2019, 1, 1),
        end=dt.date(2021, 12, 31),
        created_by=gustav,
    )
    services.commitment_create(
        case=case,
        amount=Decimal("1000000"),
        booked_on=dt.date(2019, 1, 1),
        reference="RS 2019/1",
        actor=system_actor(),
    )
    case.project_leader = gustav
    case.save(update_fields=["project_leader"])
    case.gustav = gustav
    return case


def claim(case: Any, amount: str, costs: str | None, key: str) -> Claim:
    return services.claim_submit(
        case=case,
        period_code="helar",
        period_end=dt.date(2019, 12, 31),
        amount=Decimal(amount),
        costs_incurred=None if costs is None else Decimal(costs),
        actor=case.gustav,
        idempotency_key=key,
    )


def test_a_claim_over_half_the_periods_costs_is_refused(running: Any) -> None:
    with pytest.raises(ValidationError, match="högst 50"):
        claim(running, "300000", "400000", "a")
    with pytest.raises(ValidationError, match="medfinansierar minst 50"):
        claim(running, "300000", None, "b")
    assert not Claim.objects.filter(case=running).exists()
    made = claim(running, "200000", "400000", "c")
    assert made.costs_incurred == Decimal("400000")


def test_orebro_claims_ask_no_co_financing(funded: Any, make_case: Any, make_person: Any) -> None:
    case = make_case(funded)
    services.commitment_create(
        case=case,
        amount=Decimal("1000000"),
        booked_on=dt.date(2016, 1, 1),
        reference="KS 1",
        actor=system_actor(),
    )
    services.claim_submit(
        case=case,
        period_code="delar2",
        period_end=dt.date(2016, 8, 31),
        amount=Decimal("300000"),
        actor=system_actor(),
        idempotency_key="o",
    )


def test_the_claim_form_tells_the_rule_before_it_is_filled_in(running: Any, client_as: Any) -> None:
    client = client_as(running.gustav)
    url = reverse("funds:case", kwargs={"org_slug": "gavleborg", "pk": running.pk})
    html = client.get(url).content.decode()
    assert "medfinansiera minst 50" in html
    assert "Periodens totala kostnader" in html and "Helår 2019" in html
    response = client.post(
        reverse("funds:case", kwargs={"org_slug": "gavleborg", "pk": running.pk}),
        {
            "period": "helar:2019-12-31",
            "costs_incurred": "100000",
            "amount": "80000",
            "idempotency_key": "k1",
        },
    )
    assert "Fonden betalar högst 50" in response.content.decode()
    assert not Claim.objects.filter(case=running).exists()


def test_the_first_claim_moves_a_decided_case_to_running(running: Any) -> None:
    """Gävleborg has no report before the final one: the first claim for costs incurred is
    what shows the intervention has started."""
    from satsa.cases.models import Stage
    from satsa.events.models import Event

    running.stage = Stage.DECIDED
    running.save(update_fields=["stage"])
    claim(running, "200000", "400000", "first")
    running.refresh_from_db()
    assert running.stage == Stage.RUNNING
    assert Event.objects.filter(verb="case.stage_changed", data__to=Stage.RUNNING).exists()
