"""The case's rulebook sets the approval basis and the repayment terms of its calculation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from satsa.calculations import engine, selectors, services
from satsa.calculations.terms import apply_terms, terms_of
from satsa.calculations.tests.test_editor import DATA, editor_post
from satsa.cases.models import ApplicationVersion, Case
from satsa.economics import calculate
from satsa.events.actors import system_actor
from satsa.rulebooks.services import rulebook_version_upload
from satsa.rules import get_preset, preset_path


def make_case(org: Any, rulebook_key: str, **fields: Any) -> Case:
    return Case.objects.create(
        organisation=org,
        title="Familjestöd i Oxhagen",
        rulebook_key=rulebook_key,
        stage="application",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2028, 12, 31),
        **fields,
    )


def discounted_rulebook(org: Any) -> str:
    """Örebro 2016 as an uploaded version whose approval rule is judged discounted at 4 %."""
    text = preset_path("orebro-2016").read_text(encoding="utf-8")
    text = text.replace('id = "orebro-2016"', 'id = "orebro-2026"', 1)
    text = text.replace(
        'basis = "nominal"\ndiscount_rate = 0.035', 'basis = "discounted"\ndiscount_rate = 0.04', 1
    )
    return rulebook_version_upload(organisation=org, toml_text=text, actor=system_actor()).key


def test_a_new_calculation_takes_the_rulebook_terms(orebro: Any, uppsala: Any) -> None:
    started = engine.starting_data(make_case(orebro, "orebro-2016"))
    assert started["approval"] == {"basis": "nominal"}
    assert started["discount_rate"] == 0.035
    assert started["repayment"] == {"floor": 0.3, "fee": 0.05, "shared_by": "plan"}
    assert (started["start_year"], started["project_years"]) == (2026, 3)
    # The whole block is what the engine reads.
    assert calculate(started)["repayment"]["floor"] == 0.3

    # Örebro 2020 has no repayment model, and counts savings for ten years after the end.
    started = engine.starting_data(make_case(orebro, "orebro-2020"))
    assert "repayment" not in started and started["horizon_years_after_end"] == 10

    # Uppsala repays the whole cost through the budget frame; it states no discount rate,
    # so the Green Book's stays.
    started = engine.starting_data(make_case(uppsala, "uppsala-2016"))
    assert started["repayment"] == {"floor": 1.0, "fee": 0.0, "shared_by": "plan"}
    assert started["discount_rate"] == 0.035

    started = engine.starting_data(make_case(orebro, discounted_rulebook(orebro)))
    assert started["approval"] == {"basis": "discounted"} and started["discount_rate"] == 0.04


def test_a_case_without_a_rulebook_keeps_the_defaults(orebro: Any) -> None:
    case = make_case(orebro, "stockholm-2030")
    assert selectors.rulebook_terms(case) is None
    started = engine.starting_data(case)
    assert started["approval"] == {"basis": "nominal"} and started["discount_rate"] == 0.035
    assert "repayment" not in started
    # Saving keeps whatever the calculation says.
    calculation = services.calculation_create(case=case, actor=system_actor())
    data = dict(DATA, approval={"basis": "discounted"}, repayment={"floor": 0.2, "fee": 0.0})
    calculation = services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    assert calculation.data == data


def test_the_calculation_is_created_with_the_terms(client_as: Any, alice: Any, orebro: Any) -> None:
    case = make_case(orebro, "orebro-2016")
    url = reverse("calculations:editor", args=["orebro", case.pk])
    assert client_as(alice).post(url).status_code == 302
    calculation = selectors.calculation_of(case)
    assert calculation is not None
    assert calculation.data["repayment"] == {"floor": 0.3, "fee": 0.05, "shared_by": "plan"}


def test_every_save_applies_the_terms_again_and_keeps_realised_savings(orebro: Any) -> None:
    case = make_case(orebro, "orebro-2016")
    calculation = services.calculation_create(case=case, actor=system_actor())
    realised = {"Socialnämnden": 900000}
    data = dict(
        DATA,
        approval={"basis": "discounted"},
        repayment={
            "floor": 0.1,
            "fee": 0.0,
            "boards": ["Socialnämnden"],
            "realised_savings": realised,
            "shared_by": "realised_savings",
        },
    )
    calculation = services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    assert calculation.data["approval"] == {"basis": "nominal"}
    assert calculation.data["repayment"] == {
        "floor": 0.3,
        "fee": 0.05,
        "boards": ["Socialnämnden"],
        "realised_savings": realised,
        "shared_by": "plan",
    }
    assert calculation.result["approval"]["basis"] == "nominal"
    assert calculation.result["repayment"]["floor"] == 0.3
    assert calculation.result["repayment"]["fee_rate"] == 0.05
    assert calculation.result["repayment"]["settlement"]["shared_by"] == "plan"
    # The caller's data is not changed behind its back.
    assert data["repayment"]["floor"] == 0.1


def test_a_rulebook_without_repayment_leaves_no_repayment_block(orebro: Any) -> None:
    case = make_case(orebro, "orebro-2020")
    calculation = services.calculation_create(case=case, actor=system_actor())
    data = dict(DATA, repayment={"floor": 0.3, "fee": 0.05})
    calculation = services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    assert "repayment" not in calculation.data and "repayment" not in calculation.result


def test_the_editor_shows_the_terms_and_saving_applies_them(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    case = make_case(orebro, "orebro-2016")
    calculation = services.calculation_create(case=case, actor=system_actor())
    calculation = services.calculation_update(
        calculation=calculation,
        data=dict(DATA, repayment={"realised_savings": {"Socialnämnden": 300000}}),
        actor=system_actor(),
    )
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    html = client.get(url).content.decode()
    assert "Enligt regelverket ”Riktlinjer för sociala investeringar (revidering 2016)”:" in html
    assert "Beslutsregeln prövas nominellt (odiskonterat)." in html
    assert "Återföring till fonden: minst 30\u00a0% av fondens kostnad" in html
    assert "plus en avgift på 5\u00a0% av kostnaden." in html
    assert "efter återföringsplanen" in html
    # Not the applicant's to choose: no field for the basis.
    assert 'name="calc-approval_basis"' not in html
    assert 'name="calc-discount_rate"' in html

    post = editor_post(client, url)
    post["calc-approval_basis"] = "discounted"  # a forged field is ignored
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["approval"] == {"basis": "nominal"}
    assert calculation.data["repayment"] == {
        "floor": 0.3,
        "fee": 0.05,
        "realised_savings": {"Socialnämnden": 300000},
        "shared_by": "plan",
    }
    # 300 000 kr realised of 2 400 000 kr: the floor of 30 % is due, and the 5 % fee.
    settlement = calculation.result["repayment"]["settlement"]
    assert settlement["principal"] == pytest.approx(720000)
    assert settlement["fee"] == pytest.approx(120000)


def test_a_discounted_rule_fixes_the_rate_too(client_as: Any, alice: Any, orebro: Any) -> None:
    case = make_case(orebro, discounted_rulebook(orebro))
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(
        calculation=calculation, data=dict(DATA, discount_rate=0.01), actor=system_actor()
    )
    calculation.refresh_from_db()
    assert calculation.data["discount_rate"] == 0.04
    assert calculation.data["approval"] == {"basis": "discounted"}
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    html = client.get(url).content.decode()
    assert "Beslutsregeln prövas diskonterat, med diskonteringsräntan 4,0\u00a0%." in html
    assert 'name="calc-discount_rate"' not in html
    # The live results are computed on the rulebook's terms as well.
    post = editor_post(client, url)
    post["calc-discount_rate"] = "0"
    partial = client.post(reverse("calculations:results", args=["orebro", case.pk]), post)
    assert "Diskonterat med 4,0\u00a0% till 2026" in partial.content.decode()


def test_a_case_without_a_rulebook_chooses_its_basis_in_the_editor(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    case = make_case(orebro, "stockholm-2030")
    services.calculation_create(case=case, actor=system_actor())
    html = client_as(alice).get(reverse("calculations:editor", args=["orebro", case.pk]))
    page = html.content.decode()
    assert 'name="calc-approval_basis"' in page and "Enligt regelverket" not in page


def test_apply_terms_is_pure() -> None:
    terms = terms_of(get_preset("orebro-2016"))
    data = {"approval": {"basis": "discounted"}, "repayment": {"floor": 0.0, "notes": "x"}}
    applied = apply_terms(data, terms)
    assert applied["repayment"] == {"floor": 0.3, "fee": 0.05, "shared_by": "plan"}
    assert data == {"approval": {"basis": "discounted"}, "repayment": {"floor": 0.0, "notes": "x"}}
    assert apply_terms(data, None) == data


def test_a_25_year_horizon_is_computed_at_the_rulebooks_cap(orebro: Any) -> None:
    case = make_case(orebro, "orebro-2020")
    calculation = services.calculation_create(case=case, actor=system_actor())
    data = dict(DATA, horizon_years_after_end=25)
    calculation = services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    # What was typed is kept; the result counts ten years and says so.
    assert calculation.data["horizon_years_after_end"] == 25
    assert calculation.result["parameters"]["horizon_end"] == 2038
    assert calculation.result["warnings"][0]["path"] == "horizon_years_after_end"
    # The very function satsa calc --rulebook runs.
    from satsa.economics.terms import calculate_under

    expected = calculate_under(
        apply_terms(data, terms_of(get_preset("orebro-2020"))),
        terms_of(get_preset("orebro-2020")),
    )
    assert calculation.result["totals"] == expected["totals"]
    snapshot = services.calculation_snapshot(case=case, reason="submitted", actor=system_actor())
    assert snapshot.result is not None
    assert snapshot.result["parameters"]["horizon_end"] == 2038


def test_the_editor_refuses_a_horizon_beyond_the_cap(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    case = make_case(orebro, "orebro-2020")
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    html = client.get(url).content.decode()
    assert "Regelverket räknar högst 10 år efter projektets slut." in html
    post = editor_post(client, url)
    post["calc-horizon_years_after_end"] = "25"
    response = client.post(url, post)
    assert response.status_code == 200
    calculation.refresh_from_db()
    assert calculation.data["horizon_years_after_end"] == 10


def test_a_capacity_releasing_line_is_kept_from_the_editor(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    case = make_case(orebro, "orebro-2020")
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    assert post["effects-0-cashable"] == ""
    post["effects-0-cashable"] = "capacity"
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["effects"][0]["cashable"] is False
    totals = calculation.result["totals"]
    assert totals["savings_cashable"] == 0
    assert totals["savings_non_cashable"] == totals["savings"]
    assert 'value="capacity" selected' in client.get(url).content.decode()


def test_the_editor_sets_an_actors_perspective_and_the_rule_leaves_it_out(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    case = make_case(orebro, "orebro-2020")
    calculation = services.calculation_create(case=case, actor=system_actor())
    services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    assert post["effects-0-perspective"] == ""
    post["effects-0-perspective"] = "other_public"
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["actors"] == [{"name": "Socialnämnden", "perspective": "other_public"}]
    approval = calculation.result["approval"]
    assert approval["savings"] == 0 and approval["holds"] is False
    assert approval["savings_not_counted"] == calculation.result["totals"]["savings"]
    page = client.get(url).content.decode()
    assert 'value="other_public" selected' in page
    # back to the organisation's own
    post = editor_post(client, url)
    post["effects-0-perspective"] = ""
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["actors"] == ["Socialnämnden"]
    assert calculation.result["approval"]["savings_not_counted"] == 0


@time_machine.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
def test_a_calculation_begun_before_the_decision_spans_the_applications_stated_duration(
    uppsala: Any,
) -> None:
    case = Case.objects.create(
        organisation=uppsala, title="Unga vuxna i arbete", rulebook_key="uppsala-2016"
    )
    started = engine.starting_data(case)
    assert (started["start_year"], started["project_years"]) == (2027, 3)
    # The application says two years: the repayment plan drawn from the calculation must
    # not count a third project year without savings.
    ApplicationVersion.objects.create(case=case, number=1, figures={"duration_years": "2"})
    started = engine.starting_data(case)
    assert (started["start_year"], started["project_years"]) == (2027, 2)
