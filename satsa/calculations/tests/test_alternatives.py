"""Comparison alternatives in the calculation editor: ordinary intervention and none."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from satsa.calculations import engine, services
from satsa.calculations.models import Calculation, UnitCost
from satsa.calculations.tests.test_editor import DATA, editor_post
from satsa.cases.models import Case
from satsa.core.money import kr, percent
from satsa.economics import calculate
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.orgs.roles import Role

ORDINARY = {
    "name": "Ordinarie insats",
    "costs": [{"year": 2026, "amount": 400000, "financier": "Socialnämnden", "type": "personal"}],
    "effects": [
        {
            "name": "Färre placeringar i familjehem",
            "actor": "Socialnämnden",
            "unit": "placeringsår",
            "unit_cost": 420000,
            "unit_cost_price_year": 2026,
            "volume": {"2027": 0.5},
            "deadweight": 0.0,
            "attribution": 0.0,
            "displacement": 0.0,
            "drop_off": 0.0,
        }
    ],
}
NONE = {"name": "Ingen insats", "costs": [], "effects": []}


@pytest.fixture
def calculation(case: Case) -> Calculation:
    calculation = services.calculation_create(case=case, actor=system_actor())
    return services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())


def editor_url(case: Case) -> str:
    return reverse("calculations:editor", args=["orebro", case.pk])


def results_url(case: Case) -> str:
    return reverse("calculations:results", args=["orebro", case.pk])


def fill_ordinary(post: dict[str, str]) -> dict[str, str]:
    """The ordinary intervention's lines (ORDINARY) typed into the editor's empty rows."""
    post.update(
        {
            "ordinary-costs-0-y2026": "400 000",
            "ordinary-costs-0-financier": "Socialnämnden",
            "ordinary-costs-0-type": "personal",
            "ordinary-effects-0-name": "Färre placeringar i familjehem",
            "ordinary-effects-0-actor": "Socialnämnden",
            "ordinary-effects-0-unit": "placeringsår",
            "ordinary-effects-0-unit_cost": "420000",
            "ordinary-effects-0-unit_cost_price_year": "2026",
            "ordinary-effects-0-y2027": "0,5",
        }
    )
    return post


def test_the_editor_offers_both_alternatives_empty(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    html = client_as(alice).get(editor_url(case)).content.decode()
    assert '<h3 id="alternative-ordinary-heading">Ordinarie insats</h3>' in html
    assert '<h3 id="alternative-none-heading">Ingen insats</h3>' in html
    assert '<caption id="ordinary-costs-caption">Ordinarie insats: kostnader per år (kr)' in html
    assert '<caption id="none-effects-caption">Ingen insats: effekter' in html
    for prefix in ("ordinary-costs", "ordinary-effects", "none-costs", "none-effects"):
        assert f'name="{prefix}-TOTAL_FORMS" value="1"' in html
    # Nothing typed into them: saving leaves them out of the data.
    client = client_as(alice)
    assert client.post(editor_url(case), editor_post(client, editor_url(case))).status_code == 302
    calculation.refresh_from_db()
    assert "alternatives" not in calculation.data


def test_alternative_lines_are_saved_in_the_exchange_format(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = fill_ordinary(editor_post(client, editor_url(case)))
    response = client.post(editor_url(case), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    calculation.refresh_from_db()
    assert calculation.data["alternatives"] == {"ordinary": ORDINARY}
    expected = calculate(dict(DATA, alternatives={"ordinary": ORDINARY}))
    assert calculation.result["alternatives"] == expected["alternatives"]
    event = Event.objects.filter(verb="calculation.updated").latest("pk")
    assert event.actor == alice and event.data["alternatives"] == ["ordinary"]

    html = client.get(editor_url(case)).content.decode()
    # The saved lines come back into their rows; no empty row is added after them.
    assert 'name="ordinary-costs-0-y2026" value="400\xa0000"' in html
    assert 'name="ordinary-effects-0-y2027" value="0,5"' in html
    assert 'name="ordinary-costs-TOTAL_FORMS" value="1"' in html
    # The results show the intervention's NPV relative to the ordinary intervention.
    relative = expected["alternatives"][0]["relative"]["npv"]
    assert relative > 0
    assert "Insatsen jämförd med alternativet ”Ordinarie insats”" in html
    assert f'<td class="num relative-npv">{kr(relative)}</td>' in html


def test_removing_an_alternatives_lines_leaves_it_out(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    data = dict(DATA, alternatives={"ordinary": ORDINARY, "none": NONE})
    data["alternatives"]["none"] = dict(NONE, costs=[{"year": 2026, "amount": 1000}])
    services.calculation_update(calculation=calculation, data=data, actor=system_actor())
    client = client_as(alice)
    post = editor_post(client, editor_url(case))
    assert post["none-costs-0-y2026"] == "1\xa0000"
    post["ordinary-costs-0-DELETE"] = "on"
    post["ordinary-effects-0-DELETE"] = "on"
    assert client.post(editor_url(case), post).status_code == 302
    calculation.refresh_from_db()
    assert list(calculation.data["alternatives"]) == ["none"]
    assert calculation.data["alternatives"]["none"]["costs"] == [
        {"year": 2026, "amount": 1000, "financier": "fund"}
    ]
    assert [a["key"] for a in calculation.result["alternatives"]] == ["none"]

    post = editor_post(client, editor_url(case))
    post["none-costs-0-DELETE"] = "on"
    assert client.post(editor_url(case), post).status_code == 302
    calculation.refresh_from_db()
    assert "alternatives" not in calculation.data
    assert "alternatives" not in calculation.result


def test_alternatives_under_other_keys_are_kept(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    pilot = {
        "name": "Pilot i Vivalla",
        "description": "Från en importerad kalkyl",
        "costs": [{"year": 2027, "amount": 250000, "financier": "fund"}],
    }
    data = dict(DATA, alternatives={"pilot": pilot, "ordinary": ORDINARY})
    services.calculation_update(calculation=calculation, data=data, actor=system_actor())
    client = client_as(alice)
    post = editor_post(client, editor_url(case))
    post["ordinary-costs-0-y2026"] = "500000"
    assert client.post(editor_url(case), post).status_code == 302
    calculation.refresh_from_db()
    alternatives = calculation.data["alternatives"]
    assert alternatives["pilot"] == pilot
    assert alternatives["ordinary"]["costs"][0]["amount"] == 500000
    assert [a["key"] for a in calculation.result["alternatives"]] == ["ordinary", "pilot"]
    # Shown in the results under its own name.
    html = client.get(editor_url(case)).content.decode()
    assert "Insatsen jämförd med alternativet ”Pilot i Vivalla”" in html


def test_the_results_partial_shows_the_comparison_without_saving(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = fill_ordinary(editor_post(client, editor_url(case)))
    post["none-effects-0-name"] = "Ingen förändring"
    post["none-effects-0-actor"] = "Socialnämnden"
    post["none-effects-0-unit_cost"] = "0"
    html = client.post(results_url(case), post).content.decode()
    none = dict(NONE, effects=[dict(ORDINARY["effects"][0], name="Ingen förändring")])
    none["effects"][0].update(unit="", volume={}, unit_cost=0, unit_cost_price_year=2026)
    expected = calculate(
        dict(DATA, alternatives={"ordinary": ORDINARY, "none": none}),
        draws=engine.DRAWS,
        seed=calculation.pk,
    )
    assert html.count('<table class="alternative"') == 2
    for alt in expected["alternatives"]:
        start = html.index(f'data-alternative="{alt["key"]}"')
        table = html[start : html.index("</table>", start)]
        assert '<th scope="col">Mått</th>' in table
        assert '<th scope="row">Nuvärde netto (NPV)</th>' in table
        assert f'<td class="num">{kr(alt["totals"]["pv_cost"])}</td>' in table
        assert f'<td class="num">{kr(alt["totals"]["pv_savings"])}</td>' in table
        assert f'<td class="num relative-npv">{kr(alt["relative"]["npv"])}</td>' in table
        chance = expected["monte_carlo"]["alternatives"][alt["key"]]["p_relative_npv_nonnegative"]
        assert f'<td class="num relative-chance">{percent(chance, decimals=0)}</td>' in table
    assert (
        '<caption id="alternative-2-caption">Insatsen jämförd med alternativet ”Ingen insats”'
        in html
    )
    calculation.refresh_from_db()
    assert "alternatives" not in calculation.data


def test_bad_alternative_input_is_named_by_line_and_field(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = editor_post(client, editor_url(case))
    post["ordinary-costs-0-y2026"] = "mycket"
    post["ordinary-costs-0-financier"] = "fund"
    post["none-effects-0-name"] = "Fler placeringar"
    html = client.post(results_url(case), post).content.decode()
    assert (
        'id="id_ordinary-costs-0-y2026_errors" class="field-errors" hx-swap-oob="true">'
        '<p class="error">Fyll i ett tal.</p>'
    ) in html
    # A started line needs its required fields.
    for name in ("actor", "unit_cost"):
        assert (
            f'id="id_none-effects-0-{name}_errors" class="field-errors" hx-swap-oob="true">'
            '<p class="error">Detta fält måste fyllas i.</p>'
        ) in html
    assert 'id="npv"' not in html

    # The engine's own checks land beside the alternative's field too.
    post = editor_post(client, editor_url(case))
    post.update(
        {
            "grid-years": post["grid-years"] + ",2050",
            "ordinary-costs-0-y2050": "1000",
            "ordinary-costs-0-financier": "fund",
        }
    )
    response = client.post(editor_url(case), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<th scope="col" id="ordinary-costs-h-y2050" class="num year">2050</th>' in page
    start = page.index('id="id_ordinary-costs-0-y2050_errors"')
    assert "året 2050 ligger utanför kalkylens år 2026–2038" in page[start : start + 300]
    calculation.refresh_from_db()
    assert "alternatives" not in calculation.data


def test_picking_a_unit_cost_prefills_an_alternative_line(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, foster_care: UnitCost
) -> None:
    client = client_as(alice)
    post = editor_post(client, editor_url(case))
    post["ordinary-effects-0-source"] = str(foster_care.pk)
    post["ordinary-effects-0-y2027"] = "1"
    html = client.post(results_url(case), post).content.decode()
    # The live results count the picked line (the browser fills it in on the page).
    assert 'data-alternative="ordinary"' in html

    # Saved at once: the line has the entry's values and remembers where they came from.
    assert client.post(editor_url(case), post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.alternative_sources == {"ordinary": [foster_care.pk]}
    effect = calculation.data["alternatives"]["ordinary"]["effects"][0]
    assert effect["unit_cost"] == 420000 and effect["unit_cost_price_year"] == 2024
    again = editor_post(client, editor_url(case))
    assert again["ordinary-effects-0-source"] == str(foster_care.pk)


def test_another_organisation_gets_404(
    client_as: Any, charlie: Any, calculation: Calculation, case: Case
) -> None:
    before = copy.deepcopy(calculation.data)
    post = fill_ordinary({})
    client = client_as(charlie)
    for slug in ("orebro", "uppsala"):
        for name in ("editor", "results"):
            url = reverse(f"calculations:{name}", args=[slug, case.pk])
            assert client.post(url, post).status_code == 404
    calculation.refresh_from_db()
    assert calculation.data == before


def test_an_applicant_edits_alternatives_of_their_own_open_case_only(
    client_as: Any, bob: Any, make_person: Any, orebro: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(bob)
    post = fill_ordinary(editor_post(client, editor_url(case)))
    assert client.post(editor_url(case), post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["alternatives"] == {"ordinary": ORDINARY}

    # Someone else's case does not exist for the applicant.
    other = Case.objects.create(organisation=orebro, title="Annan", rulebook_key="orebro-2020")
    services.calculation_create(case=other, actor=system_actor())
    assert client.post(editor_url(other), post).status_code == 404
    assert client.post(results_url(other), post).status_code == 404

    # Once decided the calculation is locked, for the applicant as for anyone.
    case.stage = "decided"
    case.save(update_fields=["stage"])
    post["ordinary-costs-0-amount"] = "1"
    assert client.post(editor_url(case), post).status_code == 403
    assert client.post(results_url(case), post).status_code == 403
    calculation.refresh_from_db()
    assert calculation.data["alternatives"]["ordinary"]["costs"][0]["amount"] == 400000

    # A viewer sees the comparison but may not change it.
    vera = make_person("vera", (orebro, Role.VIEWER))
    page = client_as(vera).get(editor_url(case)).content.decode()
    assert 'id="calc-form"' not in page and 'data-alternative="ordinary"' in page
    assert client_as(vera).post(editor_url(case), post).status_code == 403
