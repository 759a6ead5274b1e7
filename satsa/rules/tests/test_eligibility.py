"""The eligibility engine, preset by preset: consortia that pass and fail for the right reason."""

from __future__ import annotations

from typing import Any

import pytest

from satsa.rules import CaseError, Finding, Status, check_eligibility, get_preset, statuses

SOCIAL = {"type": "board", "name": "Socialnämnden", "area": "social"}
SOCIAL_2 = {"type": "board", "name": "Arbetsmarknadsnämnden", "area": "social"}
SCHOOL = {"type": "board", "name": "Grundskolenämnden", "area": "school"}
KULTIVERA = {"type": "civil_society", "name": "Föreningen Kultivera", "form": "forening"}
OBO = {"type": "municipal_company", "name": "ÖBO AB", "municipal_ownership": 1.0}
REGION = {"type": "other_public", "name": "Region Örebro län"}
KONSULT = {"type": "company", "name": "Konsult AB"}


def verdicts(preset_id: str, case: dict[str, Any]) -> dict[str, Status]:
    return statuses(check_eligibility(get_preset(preset_id), case).findings)


def finding(preset_id: str, case: dict[str, Any], rule: str) -> Finding:
    found = [f for f in check_eligibility(get_preset(preset_id), case).findings if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- Örebro ---------------------------------------------------------------------------


@pytest.mark.parametrize("preset_id", ["orebro-2016", "orebro-2020"])
def test_two_boards_of_the_same_area_fail_orebros_consortium_rule(preset_id: str) -> None:
    result = finding(preset_id, {"parties": [SOCIAL, SOCIAL_2]}, "consortium")
    assert result.status == "fails"
    assert "2 nämnder från 1 verksamhetsområde" in result.message_sv
    assert "2 boards from 1 area" in result.message_en


@pytest.mark.parametrize("preset_id", ["orebro-2016", "orebro-2020"])
def test_two_boards_of_different_areas_pass(preset_id: str) -> None:
    result = finding(preset_id, {"parties": [SOCIAL, SCHOOL]}, "consortium")
    assert result.status == "holds"
    assert "2 nämnder från 2 verksamhetsområden" in result.message_sv


@pytest.mark.parametrize("preset_id", ["orebro-2016", "orebro-2020"])
def test_a_civil_society_actor_and_one_board_pass(preset_id: str) -> None:
    result = finding(preset_id, {"parties": [SOCIAL, KULTIVERA]}, "consortium")
    assert result.status == "holds"
    assert "civila samhället tillsammans med minst 1 nämnd" in result.message_sv


@pytest.mark.parametrize("preset_id", ["orebro-2016", "orebro-2020"])
def test_a_profit_making_company_is_not_civil_society(preset_id: str) -> None:
    case = {"parties": [SOCIAL, KONSULT]}
    found = verdicts(preset_id, case)
    assert found["consortium"] == "fails"
    assert found["excluded_party_types"] == "fails"
    consortium = finding(preset_id, case, "consortium")
    assert "0 aktörer från civilsamhället" in consortium.message_sv
    assert "vinstdrivande företag räknas inte som civilsamhälle" in consortium.message_sv
    excluded = finding(preset_id, case, "excluded_party_types")
    assert "Konsult AB" in excluded.message_sv and "Konsult AB" in excluded.message_en
    assert not check_eligibility(get_preset(preset_id), case).eligible


def test_a_company_calling_itself_civil_society_by_form_is_not_counted_as_certain() -> None:
    fake = {"type": "civil_society", "name": "Vinst AB", "form": "aktiebolag"}
    found = verdicts("orebro-2020", {"parties": [SOCIAL, fake]})
    assert found["consortium"] == "review"
    assert found["applicant_types"] == "review"


def test_a_company_next_to_a_valid_consortium_still_makes_the_case_ineligible() -> None:
    result = check_eligibility(get_preset("orebro-2020"), {"parties": [SOCIAL, SCHOOL, KONSULT]})
    assert statuses(result.findings)["consortium"] == "holds"
    assert not result.eligible
    assert [f.rule for f in result.with_status("fails")] == ["excluded_party_types"]


def test_a_municipal_company_must_be_majority_owned() -> None:
    half = {**OBO, "municipal_ownership": 0.5}
    result = finding("orebro-2020", {"parties": [SOCIAL, SCHOOL, half]}, "applicant_types")
    assert result.status == "fails"
    assert "ÖBO AB ägs till 50\u00a0% av kommunen" in result.message_sv
    assert "more than 50%" in result.message_en
    assert verdicts("orebro-2020", {"parties": [SOCIAL, SCHOOL, OBO]})["applicant_types"] == (
        "holds"
    )
    unknown = {"type": "municipal_company", "name": "ÖBO AB"}
    assert verdicts("orebro-2020", {"parties": [SOCIAL, SCHOOL, unknown]})["applicant_types"] == (
        "review"
    )


def test_another_public_actor_needs_a_board() -> None:
    alone = finding("orebro-2020", {"parties": [REGION, KULTIVERA]}, "applicant_types")
    assert alone.status == "fails"
    assert "Region Örebro län" in alone.message_sv and "minst en kommunal nämnd" in alone.message_sv
    with_board = verdicts("orebro-2020", {"parties": [REGION, SOCIAL, KULTIVERA]})
    assert with_board["applicant_types"] == "holds"
    assert with_board["consortium"] == "holds"


def test_a_board_without_an_area_leaves_the_consortium_to_review() -> None:
    no_area = {"type": "board", "name": "Kulturnämnden"}
    result = finding("orebro-2020", {"parties": [SOCIAL, no_area]}, "consortium")
    assert result.status == "review"
    assert "verksamhetsområde för Kulturnämnden" in result.message_sv


def test_the_same_board_listed_twice_counts_once() -> None:
    result = finding("orebro-2020", {"parties": [SOCIAL, dict(SOCIAL)]}, "consortium")
    assert result.status == "fails"
    assert "1 nämnd från 1 verksamhetsområde" in result.message_sv


def test_orebro_2020_duration_project_leader_and_approval_rule() -> None:
    base = {"parties": [SOCIAL, SCHOOL]}
    assert verdicts("orebro-2020", {**base, "duration_years": 1})["duration"] == "fails"
    assert verdicts("orebro-2020", {**base, "duration_years": 4})["duration"] == "holds"
    too_long = finding("orebro-2020", {**base, "duration_years": 5}, "duration")
    assert too_long.message_sv == "Satsningen pågår 5 år men regelboken tillåter högst 4 år."
    leader = finding("orebro-2020", {**base, "project_leader_share": 0.2}, "project_leader_share")
    assert leader.status == "fails"
    assert "20\u00a0%" in leader.message_sv and "25\u00a0%" in leader.message_sv
    savings = {**base, "total_cost": 3_000_000, "expected_savings": 2_500_000}
    approval = finding("orebro-2020", savings, "approval_rule")
    assert approval.status == "fails"
    assert "inom 10 år efter avslut" in approval.message_sv
    assert (
        "2\u00a0500\u00a0000\u00a0kr" in approval.message_sv
        and "3\u00a0000\u00a0000\u00a0kr" in approval.message_sv
    )


def test_the_duration_is_counted_from_the_dates_with_the_end_date_inclusive() -> None:
    dates = {"parties": [SOCIAL, SCHOOL], "start_date": "2016-01-01", "end_date": "2019-12-31"}
    result = finding("orebro-2020", dates, "duration")
    assert result.status == "holds" and "4 år" in result.message_sv
    backwards = {**dates, "end_date": "2015-06-30"}
    assert finding("orebro-2020", backwards, "duration").status == "review"


def test_orebro_limits_new_grants_per_year() -> None:
    base = {"parties": [SOCIAL, SCHOOL]}
    assert verdicts("orebro-2016", {**base, "new_grants_this_year": 2})["grants_per_year"] == (
        "holds"
    )
    full = finding("orebro-2016", {**base, "new_grants_this_year": 3}, "grants_per_year")
    assert full.status == "fails" and "högst 3" in full.message_sv
    assert verdicts("orebro-2016", base)["grants_per_year"] == "review"


def test_the_product_owners_example_case_is_explained_rule_by_rule() -> None:
    case = {
        "parties": [
            {"type": "board", "name": "Socialnämnden", "area": "social"},
            {"type": "civil_society", "name": "Föreningen Kultivera", "form": "stiftelse"},
            {"type": "municipal_company", "name": "ÖBO AB", "municipal_ownership": 1.0},
            {"type": "other_public", "name": "Region Örebro län"},
            {"type": "company", "name": "Konsult AB"},
        ],
        "duration_years": 3,
        "co_financing_share": 0.0,
        "requested_amount": 2000000,
        "start_date": "2026-09-01",
    }
    found = verdicts("orebro-2020", case)
    assert found["consortium"] == "holds"
    assert found["excluded_party_types"] == "fails"
    assert found["duration"] == "holds"
    assert found["project_leader_share"] == "review"
    # Gävleborg judges the same parties differently: no exclusion, but 0 % co-financing.
    gavle = verdicts("gavleborg-2018", case)
    assert "excluded_party_types" not in gavle
    assert gavle["co_financing"] == "fails"


# --- Gävleborg ----------------------------------------------------------------------------

GAVLE_OK: dict[str, Any] = {
    "parties": [
        {"type": "board", "name": "Hälso- och sjukvårdsnämnden"},
        {"type": "other_public", "name": "Sandvikens kommun"},
    ],
    "duration_years": 3,
    "co_financing_share": 0.5,
    "intake_round": "2018",
    "submitted_date": "2018-11-30",
}


def test_gavleborg_accepts_two_organisations_three_years_and_half_co_financing() -> None:
    result = check_eligibility(get_preset("gavleborg-2018"), GAVLE_OK)
    assert result.eligible
    assert {f.status for f in result.findings} == {"holds"}


def test_gavleborg_refuses_40_percent_co_financing() -> None:
    result = finding("gavleborg-2018", {**GAVLE_OK, "co_financing_share": 0.4}, "co_financing")
    assert result.status == "fails"
    assert (
        result.message_sv == "Samfinansieringen är 40\u00a0% men regelboken kräver minst 50\u00a0%."
    )
    assert result.message_en == "The co-financing is 40% but the rulebook requires at least 50%."


def test_gavleborg_refuses_a_four_year_project() -> None:
    result = finding("gavleborg-2018", {**GAVLE_OK, "duration_years": 4}, "duration")
    assert result.status == "fails"
    assert result.message_sv == "Satsningen pågår 4 år men regelboken tillåter högst 3 år."


def test_gavleborg_derives_co_financing_from_cost_and_request() -> None:
    case = {**GAVLE_OK, "co_financing_share": None, "total_cost": 1_000_000}
    low = finding("gavleborg-2018", {**case, "requested_amount": 600_000}, "co_financing")
    assert low.status == "fails" and "40\u00a0%" in low.message_sv
    assert "600\u00a0000\u00a0kr" in low.message_sv
    ok = finding("gavleborg-2018", {**case, "requested_amount": 500_000}, "co_financing")
    assert ok.status == "holds"
    odd = finding("gavleborg-2018", {**case, "requested_amount": 2_000_000}, "co_financing")
    assert odd.status == "review"


def test_gavleborg_needs_two_organisations() -> None:
    alone = {**GAVLE_OK, "parties": GAVLE_OK["parties"][:1]}
    result = finding("gavleborg-2018", alone, "consortium")
    assert result.status == "fails"
    assert "1 organisation" in result.message_sv


def test_a_company_does_not_count_as_an_organisation_in_gavleborg() -> None:
    case = {**GAVLE_OK, "parties": [GAVLE_OK["parties"][0], KONSULT]}
    found = verdicts("gavleborg-2018", case)
    assert found["consortium"] == "fails"
    assert found["applicant_types"] == "review"
    contracted = {"type": "contracted_operator", "name": "Omsorg AB"}
    case = {**GAVLE_OK, "parties": [GAVLE_OK["parties"][0], contracted]}
    assert verdicts("gavleborg-2018", case)["consortium"] == "holds"


def test_gavleborg_applications_must_arrive_by_the_round_deadline() -> None:
    late = finding("gavleborg-2018", {**GAVLE_OK, "submitted_date": "2018-12-01"}, "intake_round")
    assert late.status == "fails"
    assert "2018-12-01" in late.message_sv and "2018-11-30" in late.message_sv
    # A later year follows the yearly deadline.
    next_year = {**GAVLE_OK, "intake_round": "2019", "submitted_date": "2019-11-29"}
    assert verdicts("gavleborg-2018", next_year)["intake_round"] == "holds"
    unknown = {**GAVLE_OK, "intake_round": "spring"}
    assert verdicts("gavleborg-2018", unknown)["intake_round"] == "review"
    no_round = {**GAVLE_OK, "intake_round": None}
    assert "30 november" in finding("gavleborg-2018", no_round, "intake_round").message_sv


# --- Uppsala ------------------------------------------------------------------------------


def test_uppsala_accepts_a_single_department_and_needs_the_period_stated() -> None:
    case = {"parties": [SOCIAL]}
    found = verdicts("uppsala-2016", case)
    assert found["consortium"] == "holds"
    assert found["duration"] == "review"
    assert verdicts("uppsala-2016", {**case, "duration_years": 5})["duration"] == "holds"
    assert "co_financing" not in found and "grants_per_year" not in found


def test_uppsala_leaves_parties_it_does_not_name_to_review() -> None:
    case = {"parties": [SOCIAL, KULTIVERA], "duration_years": 2}
    result = check_eligibility(get_preset("uppsala-2016"), case)
    assert result.eligible
    [review] = result.with_status("review")
    assert review.rule == "applicant_types"
    assert "Föreningen Kultivera" in review.message_sv


def test_uppsala_with_no_applicant_fails_the_consortium() -> None:
    assert verdicts("uppsala-2016", {"parties": []})["consortium"] == "fails"


# --- missing and wrong input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "preset_id", ["gavleborg-2018", "orebro-2016", "orebro-2020", "uppsala-2016"]
)
def test_an_empty_case_is_all_review_and_never_fails(preset_id: str) -> None:
    result = check_eligibility(get_preset(preset_id), {})
    assert result.eligible
    assert result.with_status("fails") == []
    assert "consortium" in statuses(result.with_status("review"))


def test_a_party_without_a_type_is_reviewed_not_refused() -> None:
    result = finding("orebro-2020", {"parties": [SOCIAL, {"name": "Något"}]}, "applicant_types")
    assert result.status == "review" and "Något saknar typ" in result.message_sv


def test_wrong_types_in_the_case_are_precise_errors() -> None:
    with pytest.raises(CaseError) as info:
        check_eligibility(
            get_preset("orebro-2020"),
            {
                "duration_years": "3 år",
                "co_financing_share": 1.5,
                "requested_amount": "två miljoner",
                "start_date": 20260901,
                "parties": [{"type": "kommun"}],
            },
        )
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "parties[0].type",
        "duration_years",
        "start_date",
        "co_financing_share",
        "requested_amount",
    ]
    assert "expected a number, got str 'två miljoner'" in str(info.value)


def test_a_case_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(CaseError, match="not list"):
        check_eligibility(get_preset("orebro-2020"), [SOCIAL])  # type: ignore[arg-type]


def test_unknown_keys_in_a_case_are_ignored() -> None:
    case = {"parties": [{**SOCIAL, "org_nr": "212000-1967"}, SCHOOL], "diarienummer": "KS 1/2026"}
    assert verdicts("orebro-2020", case)["consortium"] == "holds"


def test_findings_serialise_to_the_documented_json_shape() -> None:
    result = check_eligibility(get_preset("gavleborg-2018"), GAVLE_OK)
    data = result.to_dict()
    assert data["eligible"] is True
    assert all(
        set(item) == {"rule", "status", "message_sv", "message_en"} for item in data["findings"]
    )
