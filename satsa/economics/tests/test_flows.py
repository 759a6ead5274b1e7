"""Perspectives, cash-releasing savings and who pays, who saves (issue 16, items 1, 3, 4)."""

from __future__ import annotations

from typing import Any

import pytest
from numpy.testing import assert_allclose

from satsa.economics import CalculationError, calculate


def two_actors(**overrides: Any) -> dict[str, Any]:
    """2 MSEK cost; Socialnämnden saves 600 000 kr, Försäkringskassan 2,5 MSEK."""
    case: dict[str, Any] = {
        "start_year": 2026,
        "project_years": 2,
        "horizon_years_after_end": 3,
        "discount_rate": 0.035,
        "actors": [
            "Socialnämnden",
            {"name": "Försäkringskassan", "perspective": "other_public"},
        ],
        "costs": [
            {"year": 2026, "amount": 1_000_000},
            {"year": 2027, "amount": 800_000},
            {"year": 2027, "amount": 200_000, "financier": "Socialnämnden"},
        ],
        "effects": [
            {
                "name": "Färre placeringar",
                "actor": "Socialnämnden",
                "unit_cost": 200_000,
                "volume": {"2028": 1, "2029": 1, "2030": 1},
            },
            {
                "name": "Färre dagar med sjukpenning",
                "actor": "Försäkringskassan",
                "unit_cost": 625_000,
                "volume_after_end": 1,
                "volume": {"2027": 1},
            },
        ],
    }
    case.update(overrides)
    return case


def test_savings_of_other_public_actors_do_not_satisfy_an_organisation_rule() -> None:
    result = calculate(two_actors())
    approval = result["approval"]
    assert result["totals"]["savings"] == 3_100_000
    assert approval["perspective"] == ["organisation"]
    assert approval["savings"] == 600_000
    assert approval["cost"] == 2_000_000
    assert approval["margin"] == -1_400_000
    assert approval["savings_not_counted"] == 2_500_000
    assert approval["holds"] is False


def test_the_approval_rule_counts_the_perspectives_it_names() -> None:
    case = two_actors(approval={"perspectives": ["organisation", "other_public"]})
    approval = calculate(case)["approval"]
    assert approval["savings"] == 3_100_000
    assert approval["holds"] is True


def test_savings_are_reported_by_perspective() -> None:
    totals = calculate(two_actors())["totals"]
    assert totals["savings_by_perspective"] == {
        "organisation": 600_000,
        "other_public": 2_500_000,
        "individual": 0,
        "society": 0,
    }
    assert_allclose(
        sum(totals["pv_savings_by_perspective"].values()), totals["pv_savings"], atol=0.02
    )
    assert totals["pv_savings_by_perspective"]["other_public"] < 2_500_000


def test_plain_actor_names_are_the_organisations_own() -> None:
    result = calculate(two_actors(actors=["Socialnämnden", "Försäkringskassan"]))
    assert result["perspectives"] == {
        "Socialnämnden": "organisation",
        "Försäkringskassan": "organisation",
    }
    assert result["approval"]["holds"] is True


def test_the_monte_carlo_approval_probability_counts_the_same_perspectives() -> None:
    case = two_actors()
    case["effects"][1]["uncertainty"] = {"unit_cost": [500_000, 625_000, 700_000]}
    result = calculate(case, draws=2000, seed=4)
    assert result["monte_carlo"]["p_approval_holds"] == 0
    assert result["monte_carlo"]["p_npv_nonnegative"] == 1


def test_savings_in_the_project_years_can_be_left_out_of_the_rule() -> None:
    case = two_actors(approval={"perspectives": ["other_public"], "project_savings": False})
    approval = calculate(case)["approval"]
    # Försäkringskassan's 625 000 kr of 2027 falls in the project
    assert approval["savings"] == 1_875_000
    assert approval["project_savings"] is False
    assert approval["holds"] is False


def test_an_unknown_perspective_is_an_error() -> None:
    with pytest.raises(CalculationError) as caught:
        calculate(two_actors(actors=[{"name": "Region Örebro län", "perspective": "region"}]))
    assert [issue.path for issue in caught.value.issues][0] == "actors[0].perspective"


def test_a_capacity_releasing_line_moves_exactly_its_savings_and_nothing_else() -> None:
    before = calculate(two_actors())
    case = two_actors()
    case["effects"][0]["cashable"] = False
    after = calculate(case)
    moved = before["effects"][0]["savings"]
    assert moved == 600_000
    assert before["totals"]["savings_non_cashable"] == 0
    assert after["totals"]["savings_cashable"] == before["totals"]["savings_cashable"] - moved
    assert after["totals"]["savings_non_cashable"] == moved
    assert after["totals"]["savings_non_cashable_by_actor"] == {
        "Socialnämnden": moved,
        "Försäkringskassan": 0,
    }
    assert [row["savings_non_cashable"] for row in after["flows"]] == [
        row["savings_by_actor"]["Socialnämnden"] for row in before["flows"]
    ]
    changed = {
        "savings_cashable",
        "savings_non_cashable",
        "pv_savings_cashable",
        "pv_savings_non_cashable",
        "savings_cashable_by_actor",
        "savings_non_cashable_by_actor",
    }
    for key in before["totals"].keys() - changed:
        assert after["totals"][key] == before["totals"][key], key
    assert after["approval"] == before["approval"]
    assert after["effects"][0]["cashable"] is False


def test_cashable_must_be_true_or_false() -> None:
    case = two_actors()
    case["effects"][0]["cashable"] = "nej"
    with pytest.raises(CalculationError) as caught:
        calculate(case)
    assert caught.value.issues[0].path == "effects[0].cashable"


def test_who_pays_who_saves_adds_up_to_the_totals() -> None:
    result = calculate(two_actors(optimism_bias={"costs": 0.1, "effects": 0.0}))
    matrix = result["flows_by_actor"]
    assert [(p["party"], p["perspective"]) for p in matrix] == [
        ("fund", None),
        ("Socialnämnden", "organisation"),
        ("Försäkringskassan", "other_public"),
    ]
    totals = result["totals"]
    for key in ("cost", "savings", "net"):
        assert_allclose(sum(p[key] for p in matrix), totals[key], atol=0.02)
    for i, row in enumerate(result["flows"]):
        for key in ("cost", "savings", "net", "savings_cashable"):
            assert_allclose(sum(p["years"][i][key] for p in matrix), row[key], atol=0.02)
    social = matrix[1]
    assert social["cost"] == 220_000
    assert social["savings"] == 600_000
    assert social["net"] == 380_000


def test_the_repayment_plan_draws_on_cash_releasing_savings_only() -> None:
    case = two_actors(
        actors=["Socialnämnden", "Arbetsmarknadsnämnden"],
        repayment={"floor": 0.3, "fee": 0.05},
    )
    case["effects"][1]["actor"] = "Arbetsmarknadsnämnden"
    plan = calculate(case)["repayment"]["plan"]
    assert [b["board"] for b in plan["boards"]] == ["Socialnämnden", "Arbetsmarknadsnämnden"]
    case["effects"][1]["cashable"] = False
    plan = calculate(case)["repayment"]["plan"]
    assert [b["board"] for b in plan["boards"]] == ["Socialnämnden"]
    assert plan["boards"][0]["share"] == 1


def test_economic_and_social_values_are_shown_beside_and_the_rule_uses_the_fiscal() -> None:
    before = calculate(two_actors())
    case = two_actors()
    case["effects"][0]["unit_cost_values"] = {"economic": 300_000, "social": 500_000}
    result = calculate(case)
    # a placement avoided: 200 000 kr of budget, 300 000 kr of resources, 500 000 kr to society
    assert result["effects"][0]["unit_cost_values"] == {"economic": 300_000, "social": 500_000}
    assert result["effects"][0]["savings_by_value_type"] == {
        "fiscal": 600_000,
        "economic": 900_000,
        "social": 1_500_000,
    }
    # a line without them keeps its fiscal value in every column
    assert result["effects"][1]["savings_by_value_type"] == {
        "fiscal": 2_500_000,
        "economic": 2_500_000,
        "social": 2_500_000,
    }
    assert result["savings_by_value_type"] == {
        "fiscal": 3_100_000,
        "economic": 3_400_000,
        "social": 4_000_000,
    }
    assert result["approval"] == before["approval"]
    assert result["totals"] == before["totals"]


def test_an_unknown_value_type_is_an_error() -> None:
    case = two_actors()
    case["effects"][0]["unit_cost_values"] = {"welfare": 1}
    with pytest.raises(CalculationError) as caught:
        calculate(case)
    assert caught.value.issues[0].path == "effects[0].unit_cost_values.welfare"


def test_the_realisation_plan_is_set_beside_the_cash_releasing_savings() -> None:
    case = two_actors(
        realisation_plan=[
            {"board": "Socialnämnden", "year": 2028, "amount": 150_000, "measure": "fewer_posts"},
            {"board": "Socialnämnden", "year": 2028, "amount": 50_000, "measure": "budget_frame"},
            {"board": "Socialnämnden", "year": 2029, "amount": 250_000},
        ]
    )
    result = calculate(case)
    plan = result["realisation"]
    assert plan["planned"] == 450_000
    # only Socialnämnden's savings free cash here (Försäkringskassan's too: 3 100 000 kr)
    assert plan["cashable_savings"] == 3_100_000
    assert plan["unplanned"] == 2_650_000
    board = plan["boards"][0]
    assert board["board"] == "Socialnämnden" and board["cashable_savings"] == 600_000
    year_2028 = next(y for y in board["years"] if y["year"] == 2028)
    assert year_2028 == {
        "year": 2028,
        "planned": 200_000,
        "cashable_savings": 200_000,
        "measures": {"fewer_posts": 150_000, "budget_frame": 50_000},
    }
    # 250 000 kr planned in 2029 against 200 000 kr saved: warned, by its entry
    assert [w["path"] for w in result["warnings"]] == ["realisation_plan[2]"]


def test_a_realisation_plan_for_an_unknown_board_is_an_error() -> None:
    case = two_actors(realisation_plan=[{"board": "Kulturnämnden", "year": 2028, "amount": 1}])
    with pytest.raises(CalculationError) as caught:
        calculate(case)
    assert caught.value.issues[0].path == "realisation_plan[0].board"
