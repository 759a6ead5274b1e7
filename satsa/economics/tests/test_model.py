"""Validation: every problem is reported with the path of the field and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from satsa.economics import CalculationError, calculate
from satsa.economics.model import parse_case


def valid_case(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "start_year": 2026,
        "project_years": 3,
        "horizon_years_after_end": 10,
        "costs": [{"year": 2026, "amount": 1_000_000, "financier": "fund"}],
        "effects": [
            {
                "name": "Färre placeringar",
                "actor": "Socialnämnden",
                "unit_cost": 420_000,
                "volume": {"2027": 1},
                "volume_after_end": 2,
                "deadweight": 0.2,
            }
        ],
    }
    case.update(overrides)
    return case


def with_effect(**fields: Any) -> dict[str, Any]:
    case = valid_case()
    case["effects"][0].update(fields)
    return case


def issues_of(case: Any) -> dict[str, str]:
    with pytest.raises(CalculationError) as caught:
        calculate(case)
    return {issue.path: issue.en for issue in caught.value.issues}


def test_a_valid_case_passes() -> None:
    assert parse_case(valid_case()).intervention.effects[0].name == "Färre placeringar"


def test_it_rejects_a_negative_volume() -> None:
    issues = issues_of(with_effect(volume={"2027": -1}))
    assert issues == {"effects[0].volume.2027": "must not be negative, got \u22121"}


def test_it_rejects_a_share_outside_zero_to_one() -> None:
    issues = issues_of(with_effect(deadweight=1.2, drop_off=-0.1))
    assert issues["effects[0].deadweight"] == "must be between 0 and 1, got 1.2"
    assert "effects[0].drop_off" in issues


def test_it_rejects_low_above_mode() -> None:
    issues = issues_of(with_effect(uncertainty={"deadweight": [0.3, 0.2, 0.4]}))
    assert issues == {"effects[0].uncertainty.deadweight": "low (0.3) is greater than mode (0.2)"}


def test_it_rejects_mode_above_high() -> None:
    issues = issues_of(with_effect(uncertainty={"volume_after_end": [1, 2, 1.5]}))
    assert issues == {
        "effects[0].uncertainty.volume_after_end": "mode (2) is greater than high (1.5)"
    }


def test_it_rejects_a_range_outside_the_fields_limits() -> None:
    issues = issues_of(with_effect(uncertainty={"deadweight": [0.1, 0.2, 1.4]}))
    assert issues == {"effects[0].uncertainty.deadweight": "high must be between 0 and 1, got 1.4"}


def test_it_rejects_a_mode_that_differs_from_the_value() -> None:
    issues = issues_of(with_effect(uncertainty={"deadweight": [0.1, 0.25, 0.4]}))
    assert "differs from the value 0.2" in issues["effects[0].uncertainty.deadweight"]


def test_a_range_alone_gives_the_value() -> None:
    case = with_effect(uncertainty={"attribution": [0.0, 0.1, 0.3]})
    assert parse_case(case).intervention.effects[0].attribution.value == 0.1


def test_it_rejects_an_uncertain_field_that_does_not_exist() -> None:
    issues = issues_of(with_effect(uncertainty={"colour": [1, 2, 3]}))
    assert list(issues) == ["effects[0].uncertainty.colour"]


def test_it_rejects_a_range_that_is_not_three_numbers() -> None:
    issues = issues_of(with_effect(uncertainty={"deadweight": [0.1, 0.2]}))
    assert issues["effects[0].uncertainty.deadweight"].startswith(
        "must be a list [low, mode, high]"
    )


def test_it_rejects_years_outside_the_horizon() -> None:
    case = valid_case(costs=[{"year": 2025, "amount": 1}])
    case["effects"][0]["volume"] = {"2039": 1}
    issues = issues_of(case)
    assert issues == {
        "costs[0].year": "the year 2025 is outside the calculation's years 2026–2038",
        "effects[0].volume.2039": "the year 2039 is outside the calculation's years 2026–2038",
    }


def test_it_rejects_a_volume_key_that_is_not_a_year() -> None:
    assert list(issues_of(with_effect(volume={"next year": 1}))) == ["effects[0].volume.next year"]


def test_it_rejects_an_actor_missing_from_the_listed_actors() -> None:
    issues = issues_of(valid_case(actors=["Grundskolenämnden"]))
    assert issues == {
        "effects[0].actor": "the actor 'Socialnämnden' is not among the case's actors "
        "(Grundskolenämnden)"
    }


def test_without_a_list_any_actor_is_accepted() -> None:
    assert parse_case(valid_case()).actors == ("Socialnämnden",)


def test_it_reports_missing_required_fields() -> None:
    case = valid_case(costs=[{"amount": 5}])
    del case["effects"][0]["unit_cost"]
    del case["effects"][0]["actor"]
    issues = issues_of(case)
    assert set(issues) == {"costs[0].year", "effects[0].unit_cost", "effects[0].actor"}
    assert issues["costs[0].year"] == "is missing (required field)"


def test_it_stops_early_when_the_years_are_unusable() -> None:
    case = valid_case()
    del case["start_year"]
    case["project_years"] = 0
    assert issues_of(case) == {
        "start_year": "is missing (required field)",
        "project_years": "must be at least 1, got 0",
    }


def test_it_rejects_wrong_types() -> None:
    case = valid_case(discount_rate="3,5 %", costs={"year": 2026})
    case["effects"][0]["unit_cost"] = "420000"
    case["effects"][0]["volume"] = [1, 2]
    issues = issues_of(case)
    assert issues["discount_rate"] == "must be a number, got the string '3,5 %'"
    assert issues["costs"] == "must be a list […], got an object"
    assert issues["effects[0].unit_cost"] == "must be a number, got the string '420000'"
    assert issues["effects[0].volume"] == "must be an object {…}, got a list"


def test_it_rejects_booleans_as_numbers_and_fractions_as_years() -> None:
    issues = issues_of(valid_case(start_year=2026.5, project_years=True))
    assert issues["start_year"] == "must be a whole number, got the number 2,026.5"
    assert issues["project_years"] == "must be a whole number, got the boolean true"


def test_it_names_unknown_fields_and_suggests_the_right_one() -> None:
    issues = issues_of(with_effect(deadwieght=0.3))
    assert issues == {"effects[0].deadwieght": "unknown field (did you mean 'deadweight'?)"}


def test_descriptive_fields_are_allowed_anywhere() -> None:
    case = valid_case(description="Beskrivning", notes=["a", "b"])
    case["effects"][0]["source"] = "Socialstyrelsen 2020"
    assert parse_case(case).name == ""


def test_it_reports_every_problem_at_once_in_input_order() -> None:
    case = valid_case(discount_rate=2)
    case["effects"][0].update(deadweight=-1, attribution=3)
    with pytest.raises(CalculationError) as caught:
        calculate(case)
    assert caught.value.paths() == [
        "discount_rate",
        "effects[0].deadweight",
        "effects[0].attribution",
    ]


def test_a_case_that_is_not_an_object_is_one_issue_on_the_whole_case() -> None:
    assert issues_of([1, 2]) == {"": "the case must be a JSON object {…}, got a list"}


def test_messages_come_in_swedish_too() -> None:
    with pytest.raises(CalculationError) as caught:
        calculate(with_effect(deadweight=1.5))
    # the number as Satsa writes it in Swedish: a decimal comma (satsa.rules.numbers)
    assert str(caught.value) == "effects[0].deadweight: måste ligga mellan 0 och 1, fick 1,5"
    assert caught.value.issues[0].en == "must be between 0 and 1, got 1.5"


def test_a_unit_cost_year_missing_from_the_index_is_an_error() -> None:
    case = with_effect(unit_cost_price_year=2023)
    case["price_index"] = {"2024": 100, "2026": 104.3}
    assert issues_of(case) == {
        "effects[0].unit_cost_price_year": "the year 2023 is not in price_index (2024, 2026)"
    }


def test_the_price_year_missing_from_the_index_is_an_error() -> None:
    case = with_effect(unit_cost_price_year=2024)
    case["price_index"] = {"2024": 100, "2025": 102}
    assert list(issues_of(case)) == ["price_index"]


def test_a_price_index_must_be_positive() -> None:
    issues = issues_of(valid_case(price_index={"2024": 0}))
    assert issues == {"price_index.2024": "must be greater than 0, got 0"}


def test_volume_and_profile_cannot_be_combined() -> None:
    issues = issues_of(with_effect(volume_profile={"first_year": 2027, "per_year": 1}))
    assert list(issues) == ["effects[0].volume_profile"]


def test_a_profile_must_end_within_the_horizon() -> None:
    case = valid_case()
    case["effects"][0] = {
        "actor": "Socialnämnden",
        "unit_cost": 1,
        "volume_profile": {"first_year": 2030, "per_year": 1, "years": 20},
    }
    assert list(issues_of(case)) == ["effects[0].volume_profile.years"]


def test_repayment_fields_are_checked() -> None:
    case = valid_case(
        actors=["Socialnämnden"],
        repayment={"floor": 1.3, "realised_savings": {"Socialnämnden": -5, "Okänd": 3}},
    )
    issues = issues_of(case)
    assert set(issues) == {
        "repayment.floor",
        "repayment.realised_savings.Socialnämnden",
        "repayment.realised_savings.Okänd",
    }


def test_alternatives_are_checked_with_their_own_paths() -> None:
    case = valid_case(alternatives={"ordinary": {"costs": [{"year": 2026, "amount": -1}]}})
    assert issues_of(case) == {
        "alternatives.ordinary.costs[0].amount": "must not be negative, got \u22121"
    }


def test_approval_basis_must_be_known() -> None:
    issues = issues_of(valid_case(approval={"basis": "real"}))
    assert issues == {
        "approval.basis": "must be one of 'nominal', 'discounted', got the string 'real'"
    }


@pytest.mark.parametrize(
    ("draws", "seed", "path"),
    [(-1, None, "draws"), (1.5, None, "draws"), (10, -3, "seed"), (True, None, "draws")],
)
def test_draws_and_seed_are_checked(draws: Any, seed: Any, path: str) -> None:
    with pytest.raises(CalculationError) as caught:
        calculate(valid_case(), draws=draws, seed=seed)
    assert caught.value.paths() == [path]
