"""A report's claim under Region Gävleborg's rulebook: no reporting points of its own (the
fund pays at each year's end) and co-financing of at least half of every period's cost,
which the report's claim states as a claim made in the fund does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.followup import services
from satsa.followup.forms import ReportForm
from satsa.followup.models import Report, ReportKind, ReportStatus
from satsa.followup.tests.conftest import fund, make_case
from satsa.funds.models import Claim
from satsa.orgs.models import Area, Board, Organisation
from satsa.orgs.roles import Role


@pytest.fixture
def gavleborg(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="21"
    )
    Board.objects.create(organisation=org, name="Hälso- och sjukvårdsnämnden", area=Area.HEALTH)
    return org


@pytest.fixture
def linnea(gavleborg: Organisation, make_person: Any) -> Any:
    return make_person("linnea", (gavleborg, Role.PROJECT_LEADER))


@pytest.fixture
def final_report(gavleborg: Organisation, linnea: Any) -> Report:
    case = make_case(
        gavleborg,
        linnea,
        title="Hälsolotsar i Hofors",
        rulebook_key="gavleborg-2018",
        stage=Stage.RUNNING,
        start_date=dt.date(2028, 1, 1),
        end_date=dt.date(2029, 12, 31),
        granted_amount=Decimal("1000000"),
        decided_on=dt.date(2027, 12, 10),
        project_leader=linnea,
    )
    fund(case)
    services.reports_schedule(case=case, actor=system_actor())
    # The rulebook names no reporting points: the final report is the one it asks for.
    (report,) = Report.objects.filter(case=case)
    assert report.kind == ReportKind.FINAL
    return report


def submit(report: Report, actor: Any, claim: str, costs: str | None) -> Report:
    return services.report_submit(
        report=report,
        actor=actor,
        activities="Hälsosamtal med 200 invånare",
        ways_of_working="Hälsolotsar i vårdcentralen och kommunen",
        effects="Fler söker vård tidigt",
        spent_to_date=Decimal("1000000"),
        claim_amount=Decimal(claim),
        costs_incurred=None if costs is None else Decimal(costs),
    )


@time_machine.travel(dt.datetime(2030, 1, 20, 9, 0, tzinfo=dt.UTC))
def test_the_final_reports_claim_states_the_cost_and_is_paid_at_the_years_end(
    final_report: Report, linnea: Any
) -> None:
    submit(final_report, linnea, "350000", "700000")
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.costs_incurred == Decimal("700000")
    claim = Claim.objects.get(pk=final_report.claim_reference)
    assert (claim.period_code, claim.period_end) == ("helar", dt.date(2029, 12, 31))
    assert (claim.amount, claim.costs_incurred) == (Decimal("350000"), Decimal("700000"))


@time_machine.travel(dt.datetime(2030, 1, 20, 9, 0, tzinfo=dt.UTC))
def test_a_claim_without_the_whole_cost_or_over_the_funds_share_is_refused_on_the_report(
    final_report: Report, linnea: Any
) -> None:
    with pytest.raises(ValidationError) as missing:
        submit(final_report, linnea, "350000", None)
    assert "medfinansierar minst 50" in str(missing.value.message_dict["costs_incurred"])
    with pytest.raises(ValidationError) as over:
        submit(final_report, linnea, "400000", "700000")
    assert "högst 50" in str(over.value.message_dict["claim_amount"])
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SCHEDULED
    assert not Claim.objects.filter(case=final_report.case).exists()


def test_the_report_form_asks_for_the_whole_cost_only_where_the_rulebook_co_finances() -> None:
    assert "costs_incurred" in ReportForm(co_financing="50 %").fields
    assert "costs_incurred" not in ReportForm().fields


def test_a_case_without_co_financing_claims_on_its_report_as_before(case: Case, lina: Any) -> None:
    case.project_leader = lina
    case.save(update_fields=["project_leader"])
    report = Report.objects.filter(case=case).order_by("due_date").first()
    assert report is not None
    with time_machine.travel(report.period_end + dt.timedelta(days=5)):
        submit(report, lina, "100000", None)
    assert Claim.objects.get(case=case).costs_incurred is None
