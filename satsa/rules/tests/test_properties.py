"""Properties of the engine over random consortia: it never crashes and stays consistent."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from satsa.rules import (
    RULES,
    CaseError,
    EligibilityResult,
    check_eligibility,
    get_preset,
    statuses,
)
from satsa.rules.tests import strategies as s

ORDER = {"fails": 0, "review": 1, "holds": 2}

# No deadline: the first example of a run also builds pydantic's validators.
examples = settings(deadline=None, max_examples=150)


def check(preset_id: str, case: dict[str, Any]) -> EligibilityResult:
    return check_eligibility(get_preset(preset_id), case)


@examples
@given(s.rulebook_ids, s.cases)
def test_any_case_gives_findings_and_a_consistent_verdict(
    preset_id: str, case: dict[str, Any]
) -> None:
    result = check(preset_id, case)
    assert result.findings, "at least the consortium rule always speaks"
    assert result.eligible == all(f.status != "fails" for f in result.findings)
    for finding in result.findings:
        assert finding.rule in RULES
        assert finding.status in ("holds", "fails", "review")
        assert finding.message_sv.strip() and finding.message_en.strip()
    # Findings come in the documented rule order.
    positions = [RULES.index(f.rule) for f in result.findings]
    assert positions == sorted(positions)
    # The JSON the CLI prints can always be made.
    assert json.loads(json.dumps(result.to_dict()))["eligible"] == result.eligible


@examples
@given(s.rulebook_ids, s.junk_cases)
def test_junk_input_gives_a_case_error_or_a_result_never_anything_else(
    preset_id: str, junk: Any
) -> None:
    try:
        result = check(preset_id, junk)
    except CaseError as err:
        assert err.problems
        assert all(p.message for p in err.problems)
    else:
        assert isinstance(result.eligible, bool)


@examples
@given(s.rulebook_ids, s.cases, s.company)
def test_adding_a_profit_making_company_never_makes_a_failing_case_eligible(
    preset_id: str, case: dict[str, Any], company: dict[str, Any]
) -> None:
    before = check(preset_id, case)
    after = check(preset_id, {**case, "parties": [*(case.get("parties") or []), company]})
    if not before.eligible:
        assert not after.eligible
    # Nor does it help the consortium rule.
    old = statuses(before.findings)["consortium"]
    new = statuses(after.findings)["consortium"]
    assert ORDER[new] <= ORDER[old]


@examples
@given(s.rulebook_ids, s.cases, st.sampled_from(s.AREAS[:6]))
def test_adding_a_board_never_weakens_the_consortium(
    preset_id: str, case: dict[str, Any], area: str
) -> None:
    parties = case.get("parties")
    if parties is None:
        return
    board = {"type": "board", "name": f"Ny nämnd {area}", "area": area}
    before = statuses(check(preset_id, case).findings)["consortium"]
    after = statuses(check(preset_id, {**case, "parties": [*parties, board]}).findings)
    assert ORDER[after["consortium"]] >= ORDER[before]


@examples
@given(s.cases, s.shares, s.shares)
def test_more_co_financing_never_turns_a_pass_into_a_fail(
    case: dict[str, Any], low: float, high: float
) -> None:
    low, high = min(low, high), max(low, high)
    lower = statuses(check("gavleborg-2018", {**case, "co_financing_share": low}).findings)
    higher = statuses(check("gavleborg-2018", {**case, "co_financing_share": high}).findings)
    assert ORDER[higher["co_financing"]] >= ORDER[lower["co_financing"]]
    assert lower["co_financing"] != "review"


@examples
@given(s.rulebook_ids, s.cases)
def test_the_verdict_does_not_depend_on_the_order_of_the_parties(
    preset_id: str, case: dict[str, Any]
) -> None:
    parties = case.get("parties")
    if not parties:
        return
    forwards = statuses(check(preset_id, case).findings)
    backwards = statuses(check(preset_id, {**case, "parties": parties[::-1]}).findings)
    assert forwards == backwards
