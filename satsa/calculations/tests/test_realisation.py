"""The realisation plan (effekthemtagningsplan): how each board takes its cash-releasing
savings home, year by year, kept in the calculation and shown on the case's tab."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.calculations import services
from satsa.calculations.models import Calculation
from satsa.cases.access import AccessDenied
from satsa.cases.models import Case
from satsa.core.concurrency import StaleEdit
from satsa.events.models import Event

DATA: dict[str, Any] = {
    "name": "Familjestöd",
    "start_year": 2026,
    "project_years": 2,
    "horizon_years_after_end": 3,
    "costs": [{"year": 2026, "amount": 500000, "financier": "fund"}],
    "effects": [
        {
            "name": "Placeringar",
            "actor": "Socialnämnden",
            "unit": "år",
            "unit_cost": 200000,
            "volume": {"2027": 1, "2028": 1},
        },
        {
            "name": "Stöd i skolan",
            "actor": "Grundskolenämnden",
            "unit": "elever",
            "unit_cost": 100000,
            "volume": {"2028": 1},
            "cashable": False,
        },
    ],
}


@pytest.fixture
def calculation(case: Case) -> Calculation:
    from satsa.calculations import engine

    return Calculation.objects.create(
        case=case, organisation=case.organisation, data=DATA, result=engine.run(DATA)
    )


def entry(board: str = "Socialnämnden", year: int = 2027, amount: int = 150000, **kw: Any) -> Any:
    return services.RealisationEntry(board=board, year=year, amount=amount, **kw)


def test_the_applicant_sets_the_plan_and_it_is_computed_and_recorded(
    calculation: Calculation, bob: Any
) -> None:
    services.calculation_realisation_set(
        calculation=calculation,
        entries=[entry(measure="reduced_purchases"), entry(year=2028, measure="fewer_posts")],
        actor=bob,
    )
    calculation.refresh_from_db()
    assert calculation.data["realisation_plan"] == [
        {"board": "Socialnämnden", "year": 2027, "amount": 150000, "measure": "reduced_purchases"},
        {"board": "Socialnämnden", "year": 2028, "amount": 150000, "measure": "fewer_posts"},
    ]
    realisation = calculation.result["realisation"]
    assert realisation["planned"] == 300000
    # Grundskolenämnden's saving frees capacity only: it is not counted as cash
    assert realisation["cashable_savings"] == 400000
    assert realisation["unplanned"] == 100000
    event = Event.objects.get(verb="calculation.realisation_planned")
    assert event.actor == bob and event.data["entries"] == 2


def test_an_empty_plan_removes_it(calculation: Calculation, bob: Any) -> None:
    services.calculation_realisation_set(calculation=calculation, entries=[entry()], actor=bob)
    services.calculation_realisation_set(calculation=calculation, entries=[], actor=bob)
    calculation.refresh_from_db()
    assert "realisation_plan" not in calculation.data
    assert "realisation" not in calculation.result


def test_it_refuses_another_organisations_user(calculation: Calculation, charlie: Any) -> None:
    with pytest.raises(AccessDenied):
        services.calculation_realisation_set(
            calculation=calculation, entries=[entry()], actor=charlie
        )
    calculation.refresh_from_db()
    assert "realisation_plan" not in calculation.data
    assert not Event.objects.filter(verb="calculation.realisation_planned").exists()


def test_it_refuses_once_the_case_is_decided(calculation: Calculation, bob: Any) -> None:
    Case.objects.filter(pk=calculation.case_id).update(stage="decided")
    calculation.case.refresh_from_db()
    with pytest.raises(AccessDenied, match="avgjort"):
        services.calculation_realisation_set(calculation=calculation, entries=[entry()], actor=bob)


def test_it_refuses_a_board_outside_the_organisation_and_a_year_outside_the_calculation(
    calculation: Calculation, bob: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.calculation_realisation_set(
            calculation=calculation, entries=[entry(board="Kulturnämnden")], actor=bob
        )
    assert "Rad 1" in refused.value.messages[0]
    assert "Kulturnämnden" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        services.calculation_realisation_set(
            calculation=calculation, entries=[entry(), entry(year=2040)], actor=bob
        )
    assert refused.value.messages[0].startswith("Rad 2")
    calculation.refresh_from_db()
    assert "realisation_plan" not in calculation.data


def test_a_stale_form_changes_nothing(calculation: Calculation, bob: Any) -> None:
    with pytest.raises(StaleEdit):
        services.calculation_realisation_set(
            calculation=calculation, entries=[entry()], actor=bob, version="old"
        )


def test_a_plan_beyond_the_cash_savings_is_kept_with_a_warning(
    calculation: Calculation, bob: Any
) -> None:
    services.calculation_realisation_set(
        calculation=calculation, entries=[entry(amount=250000)], actor=bob
    )
    calculation.refresh_from_db()
    assert any(w["path"] == "realisation_plan[0]" for w in calculation.result["warnings"])


def test_the_editor_keeps_the_plan_when_the_calculation_is_saved(
    calculation: Calculation, bob: Any
) -> None:
    services.calculation_realisation_set(calculation=calculation, entries=[entry()], actor=bob)
    calculation.refresh_from_db()
    data = dict(calculation.data)
    data["costs"] = [{"year": 2026, "amount": 400000, "financier": "fund"}]
    services.calculation_update(calculation=calculation, data=data, actor=bob)
    calculation.refresh_from_db()
    assert calculation.data["realisation_plan"][0]["amount"] == 150000


# --- through the pages ---------------------------------------------------------------


def test_the_applicant_walks_the_plan_through_the_pages(
    client_as: Any, calculation: Calculation, bob: Any
) -> None:
    client = client_as(bob)
    tab = reverse("case_calculation:tab", kwargs={"org_slug": "orebro", "pk": calculation.case_id})
    page = client.get(tab).content.decode()
    assert "Ingen effekthemtagningsplan är upprättad än." in page
    url = reverse("calculations:realisation", args=["orebro", calculation.case_id])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    # what there is to take home: Socialnämnden's cash savings; the school's frees capacity
    assert form.context["cash"] == [
        {
            "board": "Socialnämnden",
            "total": 400000,
            "years": [{"year": 2027, "amount": 200000}, {"year": 2028, "amount": 200000}],
        }
    ]
    assert 'id="cashable-by-board"' in form.content.decode()
    version = form.context["version"]
    post = {
        "version": version,
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-0-board": "Socialnämnden",
        "plan-0-year": "2027",
        "plan-0-amount": "150 000",
        "plan-0-measure": "budget_frame",
        "plan-1-board": "Socialnämnden",
        "plan-1-year": "2028",
        "plan-1-amount": "200000",
        "plan-1-measure": "reduced_purchases",
        "plan-2-measure": "other",
    }
    response = client.post(url, post)
    assert response.status_code == 302 and response["Location"] == tab
    calculation.refresh_from_db()
    assert [e["amount"] for e in calculation.data["realisation_plan"]] == [150000, 200000]
    page = client.get(tab).content.decode()
    assert "Justerad budgetram" in page and "Minskade köp" in page
    assert "350\u00a0000\u00a0kr" in page  # planned
    # a row with a board but no amount is refused on the page, nothing stored
    version = client.get(url).context["version"]
    bad = {**post, "version": version, "plan-0-amount": ""}
    response = client.post(url, bad)
    assert response.status_code == 200 and "Ange belopp." in response.content.decode()
    # a year outside the calculation is refused by the engine, with the row named
    response = client.post(url, {**post, "version": version, "plan-0-year": "2045"})
    assert "Rad 1" in response.content.decode()
    # the page keeps the version it was loaded from, so a save in between is noticed
    assert response.context["version"] == version
    services.calculation_realisation_set(calculation=calculation, entries=[entry()], actor=bob)
    response = client.post(url, {**post, "version": version})
    assert response.status_code == 409
    calculation.refresh_from_db()
    assert len(calculation.data["realisation_plan"]) == 1


def test_another_organisations_user_cannot_see_or_post_the_plan(
    client_as: Any, calculation: Calculation, charlie: Any
) -> None:
    url = reverse("calculations:realisation", args=["orebro", calculation.case_id])
    assert client_as(charlie).get(url).status_code in (403, 404)
    assert client_as(charlie).post(url, {}).status_code in (403, 404)


def test_a_reader_without_edit_rights_sees_the_plan_but_no_form(
    client_as: Any, calculation: Calculation, bob: Any, alice: Any
) -> None:
    services.calculation_realisation_set(calculation=calculation, entries=[entry()], actor=bob)
    Case.objects.filter(pk=calculation.case_id).update(stage="decided")
    url = reverse("calculations:realisation", args=["orebro", calculation.case_id])
    page = client_as(alice).get(url).content.decode()
    assert 'id="realisation-plan"' in page and 'id="realisation-form"' not in page
    assert client_as(bob).post(url, {}).status_code == 403
