"""The results screen and the results workbook show who pays, who saves, the perspectives
the approval rule counts and the cash-releasing savings (issue 16, items 1, 3, 4, 7)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from satsa.calculations import services
from satsa.cases.models import Case
from satsa.events.actors import system_actor

DATA = {
    "name": "Familjestöd i Oxhagen",
    "start_year": 2026,
    "project_years": 2,
    "horizon_years_after_end": 3,
    "actors": ["Socialnämnden", {"name": "Försäkringskassan", "perspective": "other_public"}],
    "costs": [
        {"year": 2026, "amount": 1_000_000},
        {"year": 2027, "amount": 800_000},
        {"year": 2027, "amount": 200_000, "financier": "Socialnämnden"},
    ],
    "effects": [
        {"actor": "Socialnämnden", "unit_cost": 200_000, "volume_after_end": 1},
        {
            "actor": "Försäkringskassan",
            "unit_cost": 625_000,
            "volume": {"2027": 1},
            "volume_after_end": 1,
            "cashable": False,
            "uncertainty": {"unit_cost": [500_000, 625_000, 700_000]},
        },
    ],
}


def computed(case: Case) -> Any:
    calculation = services.calculation_create(case=case, actor=system_actor())
    return services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())


def test_the_results_lead_with_the_chance_and_show_who_pays_who_saves(
    client_as: Any, bob: Any, case: Case
) -> None:
    calculation = computed(case)
    assert calculation.result["monte_carlo"]["draws"] == 10_000
    html = client_as(bob).get(reverse("calculations:editor", args=["orebro", case.pk])).content
    page = html.decode()
    cards = page.index('class="cards key-figures"')
    assert page.index("Chans att nyttan täcker kostnaden", cards) < page.index(
        "Nuvärde netto (NPV)", cards
    )
    assert "Beslutsregeln är inte uppfylld" in page
    assert "Regeln räknar besparingar för: Organisationen." in page
    assert (
        "Besparingar som inte räknas i regeln (andra perspektiv): 2\u00a0500\u00a0000\u00a0kr"
        in page
    )
    assert "Besparingar som bara frigör kapacitet: 2\u00a0500\u00a0000\u00a0kr" in page
    table = page[page.index('class="flows-by-actor"') :]
    table = table[: table.index("</table>")]
    assert "Vem betalar, vem sparar" in table
    assert "Fonden" in table and "Annan offentlig aktör" in table
    assert "fund" not in table and "other_public" not in table


def test_the_results_workbook_adds_up(client_as: Any, bob: Any, case: Case) -> None:
    calculation = computed(case)
    response = client_as(bob).get(reverse("calculations:results_xlsx", args=["orebro", case.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Nyckeltal", "Flöden per år", "Vem betalar, vem sparar"]
    rows = list(book["Vem betalar, vem sparar"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Part", "Perspektiv", "Mått")
    assert header[3:-1] == tuple(str(y) for y in range(2026, 2031))
    totals = calculation.result["totals"]
    for measure, key in (("Kostnad", "cost"), ("Besparing", "savings"), ("Netto", "net")):
        lines = [row for row in body if row[2] == measure]
        assert len(lines) == 3
        assert abs(sum(row[-1] for row in lines) - totals[key]) < 0.05
        # each party's years add up to its sum
        for row in lines:
            assert abs(sum(row[3:-1]) - row[-1]) < 0.05
    assert [row[0] for row in body[::3]] == ["Fonden", "Socialnämnden", "Försäkringskassan"]


def test_another_organisation_cannot_download_the_results(
    client_as: Any, case: Case, make_person: Any, uppsala: Any
) -> None:
    from satsa.orgs.models import Membership
    from satsa.orgs.roles import Role

    computed(case)
    outsider = make_person("ulla")
    Membership.objects.create(user=outsider, organisation=uppsala, role=Role.COORDINATOR)
    url = reverse("calculations:results_xlsx", args=["orebro", case.pk])
    assert client_as(outsider).get(url).status_code in (403, 404)


def test_the_results_show_economic_and_social_values_beside(
    client_as: Any, bob: Any, case: Case
) -> None:
    calculation = services.calculation_create(case=case, actor=system_actor())
    data = {**DATA, "effects": [dict(DATA["effects"][0], unit_cost_values={"economic": 300_000})]}
    calculation = services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    assert calculation.result["savings_by_value_type"] == {
        "fiscal": 600_000,
        "economic": 900_000,
        "social": 600_000,
    }
    page = client_as(bob).get(reverse("calculations:editor", args=["orebro", case.pk]))
    html = page.content.decode()
    assert "som ekonomiskt värde: 900\u00a0000\u00a0kr" in html
    assert 'name="effects-0-economic_unit_cost" value="300\xa0000"' in html
