"""The bundled presets load, validate, cite their sources and follow DOMAIN.md §4."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

import pytest

from satsa.rules import (
    GUARDS,
    ROLES,
    get_preset,
    preset_ids,
    preset_in_force,
    preset_path,
    rulebook_from_dict,
    rulebook_to_dict,
    split_citation,
)

PRESETS = ["gavleborg-2018", "orebro-2016", "orebro-2020", "uppsala-2016"]

# Sections of a rulebook that state a rule and must say where it comes from.
RULE_TABLES = [
    "applicants",
    "consortium",
    "duration",
    "co_financing",
    "intake",
    "grants",
    "reporting",
    "payment",
    "approval",
    "repayment",
    "project_leader",
    "idea",
    "application",
    "evaluation",
]


def raw(preset_id: str) -> dict[str, Any]:
    return tomllib.loads(preset_path(preset_id).read_text(encoding="utf-8"))


def test_it_bundles_the_four_presets() -> None:
    assert preset_ids() == PRESETS


@pytest.mark.parametrize("preset_id", PRESETS)
def test_each_preset_loads_and_its_id_matches_the_file_name(preset_id: str) -> None:
    rulebook = get_preset(preset_id)
    assert rulebook.id == preset_id
    assert preset_id.startswith(rulebook.organisation + "-")
    assert str(rulebook.valid_from.year) in preset_id


@pytest.mark.parametrize("preset_id", PRESETS)
def test_every_rule_in_a_preset_cites_a_listed_source(preset_id: str) -> None:
    data = raw(preset_id)
    present = [name for name in RULE_TABLES if name in data]
    assert present, "a preset states at least some rules"
    for name in present:
        assert "cite" in data[name], f"{preset_id}: [{name}] has no cite"
    for name, criteria in data.get("criteria", {}).items():
        assert "cite" in criteria, f"{preset_id}: [criteria.{name}] has no cite"
    for stage in data["decision_chain"]:
        assert "cite" in stage, f"{preset_id}: stage {stage['id']} has no cite"
    source_ids = {s["id"] for s in data["sources"]}
    for source in data["sources"]:
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", source["seed"]), source["seed"]
    rulebook = get_preset(preset_id)
    cites = [rulebook.applicants.cite, rulebook.consortium.cite, rulebook.approval.cite]
    for cite in cites:
        assert cite is not None
        for source_id, where in split_citation(cite):
            assert source_id in source_ids
            assert where


@pytest.mark.parametrize("preset_id", PRESETS)
def test_presets_round_trip_through_plain_dicts(preset_id: str) -> None:
    rulebook = get_preset(preset_id)
    assert rulebook_from_dict(rulebook_to_dict(rulebook)) == rulebook


@pytest.mark.parametrize("preset_id", PRESETS)
def test_decision_chains_use_known_roles_and_guards(preset_id: str) -> None:
    chain = get_preset(preset_id).decision_chain
    decisions = [s for s in chain if "decision_recorded" in s.guards]
    assert [s.role for s in decisions] == ["decision_recorder"]
    for stage in chain:
        assert stage.role in ROLES
        assert set(stage.guards) <= set(GUARDS)


def test_roles_are_the_codes_the_django_side_uses() -> None:
    assert ROLES == (
        "coordinator",
        "economist",
        "preparation_group",
        "management_group",
        "steering_group",
        "decision_recorder",
        "department_head",
        "project_leader",
        "applicant",
        "board_secretary",
        "finance_officer",
        "viewer",
    )


def test_orebro_2016_repays_to_the_fund_with_a_30_percent_floor_and_5_percent_fee() -> None:
    rb = get_preset("orebro-2016")
    assert rb.repayment.model == "to_fund"
    assert rb.repayment.floor_share == pytest.approx(0.30)
    assert rb.repayment.fee_share == pytest.approx(0.05)
    assert rb.repayment.plan_required
    assert rb.grants.max_new_per_year == 3 and not rb.grants.assumed
    assert rb.duration.typical_years == 3 and rb.duration.max_years is None
    assert rb.valid_until == dt.date(2019, 12, 31)
    assert rb.approval.rule == "savings_cover_cost"
    assert rb.approval.horizon_years_after_end is None


def test_orebro_2020_drops_repayment_and_counts_savings_ten_years_after_the_end() -> None:
    rb = get_preset("orebro-2020")
    assert rb.repayment.model == "off"
    assert (rb.duration.min_years, rb.duration.max_years) == (2, 4)
    assert rb.approval.rule == "savings_cover_cost"
    assert rb.approval.horizon_years_after_end == 10
    assert rb.approval.basis == "nominal"
    assert rb.project_leader is not None and rb.project_leader.min_post_share == 0.25
    # Not restated in 2020: kept as an editable default.
    assert rb.grants.max_new_per_year == 3 and rb.grants.assumed
    assert rb.supersedes == "orebro-2016"


@pytest.mark.parametrize("preset_id", ["orebro-2016", "orebro-2020"])
def test_orebro_reports_at_delar_2_and_helar_and_pays_in_arrears(preset_id: str) -> None:
    rb = get_preset(preset_id)
    periods = [(p.code, p.month, p.day) for p in rb.reporting.periods]
    assert periods == [("delar2", 8, 31), ("helar", 12, 31)]
    assert rb.payment is not None and rb.payment.in_arrears
    assert rb.payment.basis == "actual_costs"
    assert rb.intake.mode == "continuous"
    assert rb.applicants.excluded == ["company"]
    assert rb.applicants.municipal_company_ownership_above == 0.5
    assert rb.applicants.requires_board == ["other_public"]


def test_orebro_idea_criteria_are_the_five_questions_of_2020() -> None:
    criteria = get_preset("orebro-2020").criteria.idea
    assert criteria is not None and criteria.use == "tick"
    assert [c.id for c in criteria.items] == [
        "real_need",
        "new_methods",
        "several_actors",
        "outcome_and_savings",
        "leadership_priorities",
    ]
    assert criteria.items[0].text_sv.startswith("Finns ett reellt behov")


def test_orebro_2020_application_sections_and_mandatory_evaluation_schema() -> None:
    app = get_preset("orebro-2020").application
    ids = [s.id for s in app.sections if s.required]
    assert ids[:8] == [
        "problem",
        "evidence",
        "target_group",
        "method",
        "duration",
        "goals_effects_evaluation",
        "costs",
        "implementation",
    ]
    assert [(a.id, a.required) for a in app.attachments] == [("evaluation_schema", True)]


def test_uppsala_repays_through_the_budget_frame_and_reports_three_times() -> None:
    rb = get_preset("uppsala-2016")
    assert rb.repayment.model == "budget_frame"
    assert rb.repayment.plan_required
    periods = [(p.code, p.month, p.day) for p in rb.reporting.periods]
    assert periods == [("tertial1", 4, 30), ("tertial2", 8, 31), ("helar", 12, 31)]
    assert rb.reporting.per_year == 3
    assert rb.idea.answer_within_days == 30
    assert rb.decision_chain[0].deadline_days == 30
    assert rb.payment is not None and rb.payment.payment_plan_required
    assert rb.approval.rule == "judgement"


def test_uppsala_basic_criteria_must_all_hold_and_selection_is_unweighted() -> None:
    criteria = get_preset("uppsala-2016").criteria
    assert criteria.basic is not None and criteria.basic.use == "all_must_hold"
    assert len(criteria.basic.items) == 8
    assert criteria.selection is not None and criteria.selection.use == "score"
    assert not criteria.selection.weighted
    assert all(item.weight is None for item in criteria.selection.items)
    assert criteria.selection.scale is not None
    assert [c.id for c in criteria.selection.items] == [
        "efficiency",
        "results_follow_up",
        "durability",
        "implementability",
        "children_young_people",
    ]


def test_gavleborg_takes_rounds_and_asks_for_half_co_financing() -> None:
    rb = get_preset("gavleborg-2018")
    assert rb.intake.mode == "rounds"
    assert rb.intake.yearly_deadline is not None
    assert (rb.intake.yearly_deadline.month, rb.intake.yearly_deadline.day) == (11, 30)
    assert rb.intake.deadline_for("2019") == dt.date(2019, 11, 30)
    assert rb.duration.max_years == 3
    assert rb.co_financing.min_share == 0.5
    assert [c.min_organisations for c in rb.consortium.any_of] == [2]
    assert rb.repayment.model == "off"
    assert rb.criteria.assessment is not None
    assert len(rb.criteria.assessment.items) == 8
    assert rb.criteria.basic is not None and len(rb.criteria.basic.items) == 10


def test_the_rulebook_in_force_follows_the_dates() -> None:
    assert preset_in_force("orebro", dt.date(2019, 12, 31)).id == "orebro-2016"  # type: ignore[union-attr]
    assert preset_in_force("orebro", dt.date(2020, 1, 1)).id == "orebro-2020"  # type: ignore[union-attr]
    assert preset_in_force("gavleborg", dt.date(2017, 6, 1)) is None
    assert preset_in_force("malmo", dt.date(2020, 1, 1)) is None
