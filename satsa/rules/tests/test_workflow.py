"""The decision chain: stages in order, and the guards that still stop a case."""

from __future__ import annotations

import pytest

from satsa.rules import GUARDS, get_preset, guard_text, missing_guards


def test_a_stage_lists_the_guards_that_do_not_yet_hold_in_order() -> None:
    rb = get_preset("uppsala-2016")
    assert missing_guards(rb, "plans", []) == ["payment_plan_approved", "repayment_plan_approved"]
    assert missing_guards(rb, "plans", {"repayment_plan_approved"}) == ["payment_plan_approved"]
    assert missing_guards(rb, "plans", {"payment_plan_approved", "repayment_plan_approved"}) == []


def test_a_stage_without_guards_never_blocks() -> None:
    assert missing_guards(get_preset("orebro-2020"), "application", []) == []


def test_stages_follow_each_other_and_the_last_has_no_next() -> None:
    rb = get_preset("gavleborg-2018")
    assert [s.id for s in rb.decision_chain] == ["submission", "assessment", "decision"]
    next_stage = rb.next_stage("submission")
    assert next_stage is not None and next_stage.id == "assessment"
    assert rb.next_stage("decision") is None
    with pytest.raises(KeyError):
        rb.next_stage("appeal")
    with pytest.raises(KeyError):
        missing_guards(rb, "appeal", [])


def test_uppsala_answers_ideas_within_a_month() -> None:
    first = get_preset("uppsala-2016").decision_chain[0]
    assert (first.id, first.role, first.deadline_days) == ("idea_description", "coordinator", 30)


def test_every_guard_is_explained_in_both_languages() -> None:
    for code, (sv, en) in GUARDS.items():
        assert guard_text(code) == sv and guard_text(code, "en") == en
        assert sv.endswith(".") and en.endswith(".")
