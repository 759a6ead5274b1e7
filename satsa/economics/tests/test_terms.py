"""A rulebook's calculation terms in the engine (issue 16, item 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from satsa.economics import calculate
from satsa.economics.cli import main
from satsa.economics.terms import apply_terms, calculate_under, cap_horizon, terms_of
from satsa.rules import get_preset


def long_case() -> dict[str, Any]:
    """2 MSEK in 2026–2027, then Socialnämnden saves 100 000 kr a year for 25 years."""
    return {
        "start_year": 2026,
        "project_years": 2,
        "horizon_years_after_end": 25,
        "costs": [{"year": 2026, "amount": 1_000_000}, {"year": 2027, "amount": 1_000_000}],
        "effects": [
            {"actor": "Socialnämnden", "unit_cost": 100_000, "volume_after_end": 1},
            {
                "actor": "Socialnämnden",
                "unit_cost": 50_000,
                "volume": {"2030": 1, "2045": 1},
                "uncertainty": {"volume.2045": [0, 1, 2]},
            },
        ],
    }


def test_a_25_year_horizon_under_orebro_2020_counts_10_years_and_warns() -> None:
    result = calculate_under(long_case(), terms_of(get_preset("orebro-2020")))
    assert result["parameters"]["horizon_years_after_end"] == 10
    assert result["parameters"]["horizon_end"] == 2037
    assert result["flows"][-1]["year"] == 2037
    # ten years of 100 000 kr and the 50 000 kr of 2030; not the 2045 one
    assert result["totals"]["savings"] == 1_050_000
    assert result["approval"]["holds"] is False
    warning = result["warnings"][0]
    assert warning["path"] == "horizon_years_after_end"
    assert "högst 10 år" in warning["sv"] and "25 år" in warning["sv"]
    assert "at most 10 years" in warning["en"]
    assert result["rulebook"]["id"] == "orebro-2020"
    # without the rulebook all 25 years count
    assert calculate(long_case())["totals"]["savings"] == 2_600_000


def test_a_horizon_within_the_cap_is_left_alone() -> None:
    case = dict(long_case(), horizon_years_after_end=8)
    case["effects"] = case["effects"][:1]
    data, warnings = cap_horizon(case, 10)
    assert data == case and warnings == []


def test_the_cap_leaves_the_given_data_unchanged() -> None:
    case = long_case()
    cap_horizon(case, 10)
    assert case == long_case()


def test_a_profile_is_cut_at_the_cap() -> None:
    case = long_case()
    case["effects"] = [
        {
            "actor": "Socialnämnden",
            "unit_cost": 10,
            "volume_profile": {"first_year": 2030, "per_year": 1, "years": 20},
        },
        {
            "actor": "Socialnämnden",
            "unit_cost": 10,
            "volume_profile": {"first_year": 2040, "per_year": 1},
        },
    ]
    result = calculate_under(case, terms_of(get_preset("orebro-2020")))
    # 2030–2037
    assert result["totals"]["savings"] == 80


def test_the_rulebook_terms_set_basis_perspective_and_repayment() -> None:
    terms = terms_of(get_preset("orebro-2016"))
    data = apply_terms(
        dict(long_case(), approval={"basis": "discounted"}, repayment={"floor": 0.1}), terms
    )
    assert data["approval"] == {"basis": "nominal"}
    assert data["repayment"] == {"floor": 0.3, "fee": 0.05, "shared_by": "plan"}
    assert terms.perspectives == ("organisation",)
    assert terms_of(get_preset("uppsala-2016")).perspectives == ("organisation",)


def test_a_rulebook_naming_more_perspectives_counts_them() -> None:
    rulebook = get_preset("orebro-2020")
    approval = rulebook.approval.model_copy(
        update={"perspectives": ["organisation", "other_public"], "project_savings": False}
    )
    terms = terms_of(rulebook.model_copy(update={"approval": approval}))
    assert apply_terms({}, terms)["approval"] == {
        "basis": "nominal",
        "perspectives": ["organisation", "other_public"],
        "project_savings": False,
    }


def test_satsa_calc_applies_the_rulebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(long_case()), encoding="utf-8")
    assert main([str(path), "--rulebook", "orebro-2020", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["parameters"]["horizon_end"] == 2037
    assert result["rulebook"]["id"] == "orebro-2020"
    assert "horizon_years_after_end" in err
    # the same figures as the product's function
    assert result == calculate_under(long_case(), terms_of(get_preset("orebro-2020")))


def test_satsa_calc_text_names_the_rulebook_and_the_perspective(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(long_case()), encoding="utf-8")
    assert main([str(path), "--rulebook", "orebro-2020"]) == 0
    out = capsys.readouterr().out
    assert "Regelverk: Riktlinjer för sociala investeringar (2020) (orebro-2020)." in out
    assert "Beslutsregeln räknar besparingar för: organisationen" in out
    assert "Vem betalar, vem sparar" in out
    assert "högst 10 år efter projektets slut" in out


def test_satsa_calc_refuses_an_unknown_rulebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(long_case()), encoding="utf-8")
    assert main([str(path), "--rulebook", "stockholm-2030"]) == 2
    assert "stockholm-2030" in capsys.readouterr().err
