"""The schema refuses rulebooks that contradict themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from satsa.rules import RulebookError, get_preset, rulebook_from_dict, rulebook_to_dict
from satsa.rules.schema import (
    ApplicantRule,
    CriteriaList,
    IntakeRule,
    MonthDay,
    RepaymentRule,
    ReportingRule,
)


def edited(preset_id: str, path: list[str | int], value: Any) -> dict[str, Any]:
    """A preset's dict with one value replaced."""
    data = rulebook_to_dict(get_preset(preset_id))
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def problem_paths(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RulebookError) as info:
        rulebook_from_dict(data)
    return [p.path for p in info.value.problems]


def test_a_type_cannot_be_both_allowed_and_excluded() -> None:
    with pytest.raises(ValidationError, match="both allowed and excluded: company"):
        ApplicantRule(allowed=["board", "company"], excluded=["company"], text_sv="x", text_en="x")


def test_weighted_criteria_need_a_weight_on_every_item() -> None:
    items = [{"id": "a", "text_sv": "A", "weight": 2.0}, {"id": "b", "text_sv": "B"}]
    with pytest.raises(ValidationError, match="'b' has no weight"):
        CriteriaList.model_validate(
            {
                "title_sv": "Urval",
                "title_en": "Selection",
                "use": "score",
                "weighted": True,
                "scale": {"min": 1, "max": 5},
                "items": items,
            }
        )


def test_unweighted_criteria_refuse_weights_and_scores_need_a_scale() -> None:
    base = {"title_sv": "Urval", "title_en": "Selection", "use": "score"}
    with pytest.raises(ValidationError, match="need a scale"):
        CriteriaList.model_validate({**base, "items": [{"id": "a", "text_sv": "A"}]})
    with pytest.raises(ValidationError, match="must not have a weight"):
        CriteriaList.model_validate(
            {
                **base,
                "scale": {"min": 1, "max": 5},
                "items": [{"id": "a", "text_sv": "A", "weight": 1.0}],
            }
        )


def test_criterion_ids_are_unique_within_a_list() -> None:
    data = edited("uppsala-2016", ["criteria", "basic", "items", 1, "id"], "purpose_and_goals")
    assert problem_paths(data) == ["criteria.basic"]


def test_repayment_off_takes_no_floor_or_fee() -> None:
    with pytest.raises(ValidationError, match="takes no floor_share"):
        RepaymentRule(model="off", floor_share=0.3)
    assert RepaymentRule(model="to_fund", floor_share=0.3, fee_share=0.05).fee_share == 0.05


def test_shares_must_lie_between_0_and_1() -> None:
    data = edited("gavleborg-2018", ["co_financing", "min_share"], 1.5)
    assert problem_paths(data) == ["co_financing.min_share"]


def test_reporting_periods_are_real_days_in_calendar_order() -> None:
    helar = {"code": "helar", "name_sv": "Helår", "name_en": "Year", "month": 12, "day": 31}
    delar = {"code": "delar2", "name_sv": "Delår 2", "name_en": "Interim", "month": 8, "day": 31}
    with pytest.raises(ValidationError, match="calendar order"):
        ReportingRule.model_validate({"periods": [helar, delar]})
    with pytest.raises(ValidationError, match="31/2 is not a day of the year"):
        ReportingRule.model_validate({"periods": [{**delar, "month": 2}]})


def test_intake_by_rounds_needs_a_deadline_and_continuous_intake_has_none() -> None:
    with pytest.raises(ValidationError, match="needs a yearly_deadline"):
        IntakeRule(mode="rounds")
    with pytest.raises(ValidationError, match="continuous intake has no deadlines"):
        IntakeRule(mode="continuous", yearly_deadline=MonthDay(month=11, day=30))


def test_a_yearly_deadline_on_29_february_falls_back_in_common_years() -> None:
    day = MonthDay(month=2, day=29)
    assert day.in_year(2024) == dt.date(2024, 2, 29)
    assert day.in_year(2025) == dt.date(2025, 2, 28)


def test_a_discounted_approval_rule_needs_a_rate() -> None:
    data = edited("orebro-2020", ["approval", "basis"], "discounted")
    data["approval"]["discount_rate"] = 0.0
    assert problem_paths(data) == ["approval"]


def test_decision_stage_ids_are_unique() -> None:
    data = edited("gavleborg-2018", ["decision_chain", 1, "id"], "submission")
    assert problem_paths(data) == ["decision_chain[1].id"]


def test_a_stage_needing_a_grant_limit_needs_the_limit() -> None:
    data = edited("orebro-2020", ["grants", "max_new_per_year"], None)
    paths = problem_paths(data)
    assert paths == ["decision_chain[9].guards[2]"]


def test_rulebooks_are_frozen() -> None:
    rb = get_preset("orebro-2020")
    with pytest.raises(ValidationError):
        rb.version = 2
    assert rb.model_copy(update={"version": 2}).version == 2
