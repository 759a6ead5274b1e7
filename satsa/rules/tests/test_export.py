"""Diffs between rulebook versions, plain dicts, and the calculation's parameters."""

from __future__ import annotations

from typing import Any

import pytest

from satsa.rules import (
    calculation_parameters,
    get_preset,
    rulebook_diff,
    rulebook_from_dict,
    rulebook_to_dict,
)


def by_path(changes: list[Any]) -> dict[str, Any]:
    return {c.path: c for c in changes}


def test_the_2020_revision_shows_as_the_changes_domain_md_lists() -> None:
    changes = by_path(rulebook_diff(get_preset("orebro-2016"), get_preset("orebro-2020")))
    assert (changes["repayment.model"].old, changes["repayment.model"].new) == ("to_fund", "off")
    assert changes["duration.max_years"].new == 4
    assert changes["approval.horizon_years_after_end"].new == 10
    assert changes["project_leader"].old is None
    assert changes["criteria.idea.items[leadership_priorities]"].kind == "added"
    assert changes["application.sections[repayment_plan]"].kind == "removed"
    # Unchanged rules do not show.
    assert "consortium.any_of[two_boards_different_areas].min_boards" not in changes
    assert "applicants.allowed" not in changes


def test_items_are_matched_by_id_so_an_insertion_changes_one_thing() -> None:
    old = get_preset("uppsala-2016")
    data = rulebook_to_dict(old)
    new_item = {"id": "new_first", "text_sv": "Ny", "text_en": "New"}
    data["criteria"]["selection"]["items"].insert(0, new_item)
    changes = rulebook_diff(old, rulebook_from_dict(data))
    assert [(c.path, c.kind) for c in changes] == [("criteria.selection.items[new_first]", "added")]


def test_a_changed_text_and_a_reordering_are_both_reported() -> None:
    old = get_preset("gavleborg-2018")
    data = rulebook_to_dict(old)
    items = data["criteria"]["assessment"]["items"]
    items[0], items[1] = items[1], items[0]
    items[0]["text_sv"] = "Trovärdig koppling"
    changes = rulebook_diff(old, rulebook_from_dict(data))
    assert [(c.path, c.kind) for c in changes] == [
        ("criteria.assessment.items[credible_link].text_sv", "changed"),
        ("criteria.assessment.items", "reordered"),
    ]
    assert changes[1].new[:2] == ["credible_link", "expected_results"]


def test_identical_rulebooks_have_no_diff() -> None:
    assert rulebook_diff(get_preset("uppsala-2016"), get_preset("uppsala-2016")) == []


def test_dicts_are_json_ready() -> None:
    data = rulebook_to_dict(get_preset("gavleborg-2018"))
    assert data["valid_from"] == "2018-01-01"
    assert data["intake"]["rounds"][0]["deadline"] == "2018-11-30"
    assert data["intake"]["yearly_deadline"] == {"month": 11, "day": 30}


@pytest.mark.parametrize(
    ("preset_id", "expected"),
    [
        ("orebro-2016", {"floor": 0.3, "fee": 0.05}),
        ("uppsala-2016", {"floor": 1.0, "fee": 0.0}),
        ("orebro-2020", None),
        ("gavleborg-2018", None),
    ],
)
def test_calculation_parameters_carry_the_repayment_model(
    preset_id: str, expected: dict[str, float] | None
) -> None:
    params = calculation_parameters(get_preset(preset_id))
    assert params.get("repayment") == expected
    assert params["approval"] == {"basis": "nominal"}
