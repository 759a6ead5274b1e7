"""The decision rests on the case's calculation (issue 16, item 3): the approval rule's
savings are the calculation's, and where the rulebook requires a calculation a grant
without a computed one is refused unless the approval rule is exempted with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from satsa.calculations import services as calculations
from satsa.calculations.selectors import calculation_of_record
from satsa.cases import selectors as case_selectors
from satsa.cases import services
from satsa.cases.models import Case
from satsa.cases.tests.conftest import (
    grant,
    new_idea,
    through_idea,
    to_decision,
    write_application,
)
from satsa.events.actors import system_actor
from satsa.rulebooks.services import rulebook_version_upload
from satsa.rules import preset_path

# Socialnämnden saves 600 000 kr, Försäkringskassan 2 500 000 kr, for 2 000 000 kr.
CALCULATION = {
    "name": "Brobyggare",
    "start_year": 2026,
    "project_years": 2,
    "horizon_years_after_end": 5,
    "actors": ["Socialnämnden", {"name": "Försäkringskassan", "perspective": "other_public"}],
    "costs": [{"year": 2026, "amount": 1_000_000}, {"year": 2027, "amount": 1_000_000}],
    "effects": [
        {"actor": "Socialnämnden", "unit_cost": 120_000, "volume_after_end": 1},
        {"actor": "Försäkringskassan", "unit_cost": 500_000, "volume_after_end": 1},
    ],
}


def calculated(case: Case, data: dict[str, Any] | None = None) -> None:
    calculation = calculations.calculation_create(case=case, actor=system_actor())
    calculations.calculation_update(
        calculation=calculation, data=data or CALCULATION, actor=system_actor()
    )


def approval_finding(case: Case) -> Any:
    result = case_selectors.eligibility_for(case)
    return next(f for f in result.findings if f.rule == "approval_rule")


def test_the_approval_rule_reads_the_calculation_not_the_typed_figure(people: Any) -> None:
    case = through_idea(people, new_idea(people))
    write_application(people, case)  # types 4 500 000 kr of expected savings
    assert approval_finding(case).status == "holds"
    calculated(case)
    finding = approval_finding(case)
    assert finding.status == "fails"
    assert (
        "är 600\u00a0000\u00a0kr men kostnaden är 2\u00a0000\u00a0000\u00a0kr" in finding.message_sv
    )


def test_the_submitted_snapshot_is_what_the_case_is_judged_on(people: Any) -> None:
    case = new_idea(people)
    calculated(case)
    calculations.calculation_snapshot(case=case, reason="submitted", actor=system_actor())
    # a later edit of the live calculation does not change what was handed in
    richer = dict(CALCULATION, actors=["Socialnämnden", "Försäkringskassan"])
    calculations.calculation_update(calculation=case.calculation, data=richer, actor=system_actor())
    result, snapshot = calculation_of_record(case)
    assert snapshot is not None and snapshot.reason == "submitted"
    assert result is not None and result["approval"]["savings"] == 600_000


def required_rulebook(people: Any) -> str:
    """Örebro 2020 as an uploaded version whose decision must rest on a calculation."""
    text = preset_path("orebro-2020").read_text(encoding="utf-8")
    text = text.replace('id = "orebro-2020"', 'id = "orebro-2030"', 1)
    text = text.replace(
        'rule = "savings_cover_cost"\n',
        'rule = "savings_cover_cost"\ncalculation_required = true\n',
    )
    version = rulebook_version_upload(organisation=people.org, toml_text=text, actor=system_actor())
    return version.key


def at_decision_under_required(people: Any) -> Case:
    case = to_decision(people, new_idea(people))
    Case.objects.filter(pk=case.pk).update(rulebook_key=required_rulebook(people))
    case.refresh_from_db()
    return case


def test_a_grant_without_a_computed_calculation_is_refused(people: Any) -> None:
    case = at_decision_under_required(people)
    with pytest.raises(ValidationError) as refused:
        grant(people, case)
    assert "beräknad kalkyl" in str(refused.value)
    case.refresh_from_db()
    assert case.outcome == ""


def test_a_grant_with_an_exemption_from_the_approval_rule_goes_through(people: Any) -> None:
    case = at_decision_under_required(people)
    services.exemption_grant(
        case=case,
        actor=people.coordinator,
        rule="approval_rule",
        reason="Effekterna går inte att prissätta förrän basmätningen är klar.",
    )
    grant(people, case)
    case.refresh_from_db()
    assert case.outcome == Case.Outcome.GRANTED


def test_a_grant_with_a_computed_calculation_goes_through(people: Any) -> None:
    case = at_decision_under_required(people)
    calculated(case)
    grant(people, case)
    case.refresh_from_db()
    assert case.outcome == Case.Outcome.GRANTED
    _result, snapshot = calculation_of_record(case)
    assert snapshot is not None and snapshot.reason == "decided"
