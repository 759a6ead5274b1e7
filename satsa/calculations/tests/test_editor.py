"""The calculation editor: forms to exchange format, recomputation, errors, access, snapshots."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from satsa.calculations import engine, selectors, services
from satsa.calculations.models import (
    Calculation,
    CalculationSnapshot,
    ImmutableError,
    UnitCost,
)
from satsa.cases.access import Action, may
from satsa.cases.models import Case
from satsa.economics import calculate
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.orgs.roles import Role

DATA = {
    "name": "Familjestöd i Oxhagen",
    "currency": "SEK",
    "start_year": 2026,
    "project_years": 3,
    "horizon_years_after_end": 10,
    "discount_rate": 0.035,
    "discount_base_year": 2026,
    "price_year": 2026,
    "optimism_bias": {"costs": 0.0, "effects": 0.0},
    "costs": [
        {"year": 2026, "amount": 1200000, "financier": "fund", "type": "personal"},
        {"year": 2027, "amount": 1200000, "financier": "fund", "type": "personal"},
    ],
    "effects": [
        {
            "name": "Färre placeringar i familjehem",
            "actor": "Socialnämnden",
            "unit": "placeringsår",
            "unit_cost": 420000,
            "unit_cost_price_year": 2026,
            "volume": {"2027": 1, "2028": 2},
            "volume_after_end": 2,
            "deadweight": 0.2,
            "attribution": 0.1,
            "displacement": 0.0,
            "drop_off": 0.1,
            "uncertainty": {"volume_after_end": [1, 2, 3], "deadweight": [0.1, 0.2, 0.4]},
        }
    ],
    "approval": {"basis": "nominal"},
}


@pytest.fixture
def calculation(case: Case) -> Calculation:
    calculation = services.calculation_create(case=case, actor=system_actor())
    return services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())


def editor_post(client: Any, url: str) -> dict[str, str]:
    """The editor's form as the browser would send it, read from the page."""
    import re

    html = client.get(url).content.decode()
    start = html.index('id="calc-form"')
    form = html[start : html.index("</form>", start)]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def test_a_new_case_gets_a_calculation_with_its_years(client_as: Any, bob: Any, case: Case) -> None:
    url = reverse("calculations:editor", args=["orebro", case.pk])
    assert "Skapa kalkyl" in client_as(bob).get(url).content.decode()
    assert client_as(bob).post(url).status_code == 302
    calculation = Calculation.objects.get(case=case)
    assert calculation.data["name"] == case.title and calculation.data["costs"] == []
    assert Event.objects.filter(verb="calculation.created").count() == 1


def test_the_editor_round_trips_the_exchange_format(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    # Swedish numbers in the inputs: grouped thousands, percentages with their sign.
    assert post["effects-0-deadweight"] == "20\xa0%"
    assert post["costs-0-y2026"] == "1\xa0200\xa0000"
    assert post["effects-0-unit_cost"] == "420\xa0000"
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    calculation.refresh_from_db()
    assert calculation.data == DATA
    assert calculation.result["totals"]["npv"] == calculate(DATA)["totals"]["npv"]


def test_the_results_partial_recomputes_without_saving(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = editor_post(client, reverse("calculations:editor", args=["orebro", case.pk]))
    post["effects-0-volume_after_end"] = "3"
    response = client.post(reverse("calculations:results", args=["orebro", case.pk]), post)
    html = response.content.decode()
    uncertainty = {"volume_after_end": [1, 3, 3], "deadweight": [0.1, 0.2, 0.4]}
    changed = dict(
        DATA, effects=[dict(DATA["effects"][0], volume_after_end=3, uncertainty=uncertainty)]
    )
    expected = calculate(changed)["totals"]["npv"]
    from satsa.core.money import kr

    assert f'id="npv">{kr(expected)}<' in html
    assert html.count("<figure") == 3 and html.count("<figcaption") == 3
    assert html.count("<details>") == 3 and html.count("<rect") > 10
    assert '<th scope="row">Färre placeringar i familjehem: dödvikt</th>' in html
    # Shares are percentages, not fractions (0,10).
    assert (
        'dödvikt</th><td class="num">10\xa0%</td><td class="num">20\xa0%</td>'
        '<td class="num">40\xa0%</td>'
    ) in html
    # SVG coordinates are never localised: "80,5" would place each letter separately.
    assert not re.search(r'\b(?:x|y|width|height|x1|x2|y1|y2)="-?\d+,\d', html)
    calculation.refresh_from_db()
    assert calculation.data["effects"][0]["volume_after_end"] == 2


def test_engine_errors_appear_next_to_their_field(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = editor_post(client, reverse("calculations:editor", args=["orebro", case.pk]))
    post["grid-years"] += ",2050"
    post["effects-0-y2050"] = "1"  # 2050 is past the horizon
    html = client.post(
        reverse("calculations:results", args=["orebro", case.pk]), post
    ).content.decode()
    assert (
        '<div id="id_effects-0-y2050_errors" class="field-errors" hx-swap-oob="true">'
        '<p class="error">året 2050 ligger utanför kalkylens år 2026–2038</p></div>'
    ) in html
    assert 'id="npv"' not in html


def test_form_errors_are_swedish_and_placed(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = editor_post(client, reverse("calculations:editor", args=["orebro", case.pk]))
    post["effects-0-deadweight"] = "120"
    post["costs-0-y2027"] = "mycket"
    html = client.post(
        reverse("calculations:results", args=["orebro", case.pk]), post
    ).content.decode()
    assert (
        'id="id_effects-0-deadweight_errors" class="field-errors" hx-swap-oob="true"><p class="error">'
        in html
    )
    assert "Kontrollera att detta värde är mindre än eller lika med 100." in html
    assert (
        'id="id_costs-0-y2027_errors" class="field-errors" hx-swap-oob="true"><p class="error">Fyll i ett tal.'
        in html
    )


def test_the_first_save_after_picking_a_unit_cost_keeps_everything_typed(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, foster_care: UnitCost
) -> None:
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    # A new effect line: a unit cost picked, a name, volumes and a range typed, and saved
    # at once (without scripts nothing filled the line before the save).
    post["effects-TOTAL_FORMS"] = "2"
    post.update(
        {
            "effects-1-source": str(foster_care.pk),
            "effects-1-source_applied": "",
            "effects-1-name": "Färre placeringar, syskon",
            "effects-1-y2027": "0,5",
            "effects-1-y2028": "1",
            "effects-1-deadweight": "25 %",
            "effects-1-unit_cost_low": "300 000",
            "effects-1-unit_cost_high": "500 000",
        }
    )
    post["costs-0-y2028"] = "600 000"
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    calculation.refresh_from_db()
    line = calculation.data["effects"][1]
    assert line["name"] == "Färre placeringar, syskon"
    assert (line["actor"], line["unit"], line["unit_cost"], line["unit_cost_price_year"]) == (
        "Socialnämnden",
        "placeringsår",
        420000,
        2024,
    )
    assert line["volume"] == {"2027": 0.5, "2028": 1}
    assert line["deadweight"] == 0.25
    assert line["uncertainty"] == {"unit_cost": [300000, 420000, 500000]}
    assert {"year": 2028, "amount": 600000, "financier": "fund", "type": "personal"} in (
        calculation.data["costs"]
    )
    assert calculation.effect_sources == [None, foster_care.pk]


def test_the_browser_fills_a_picked_line_from_the_page(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, foster_care: UnitCost
) -> None:
    html = (
        client_as(alice)
        .get(reverse("calculations:editor", args=["orebro", case.pk]))
        .content.decode()
    )
    fills = json.loads(re.search(r'id="unit-cost-fills"[^>]*>(.*?)</script>', html).group(1))
    assert fills[str(foster_care.pk)] == {
        "name": "Placering i familjehem",
        "actor": "Socialnämnden",
        "unit": "placeringsår",
        "unit_cost": "420\xa0000",
        "unit_cost_price_year": "2024",
        "economic_unit_cost": "",
        "social_unit_cost": "",
    }


def test_financier_and_actor_are_chosen_from_the_organisations_lists(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, orebro: Any
) -> None:
    from satsa.orgs.models import Board, ExternalParty

    Board.objects.create(organisation=orebro, name="Vård- och omsorgsnämnden", area="elderly")
    ExternalParty.objects.create(organisation=orebro, name="Försäkringskassan", kind="other_public")
    html = (
        client_as(alice)
        .get(reverse("calculations:editor", args=["orebro", case.pk]))
        .content.decode()
    )
    financier = re.search(r'<select name="costs-0-financier".*?</select>', html, re.S).group(0)
    assert '<option value="fund" selected>Fonden</option>' in financier
    assert '<option value="Försäkringskassan">Försäkringskassan</option>' in financier
    actor = re.search(r'<select name="effects-0-actor".*?</select>', html, re.S).group(0)
    # each actor carries the perspective it is preset to (test_presets.py)
    assert '<option value="Vård- och omsorgsnämnden" data-perspective="">' in actor
    assert '<option value="Försäkringskassan" data-perspective="other_public">' in actor
    assert (
        '<option value="Socialnämnden" selected data-perspective="">Socialnämnden</option>' in actor
    )
    assert "”fund”" not in html


def test_swedish_numbers_are_read_and_shown(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    post["costs-0-y2026"] = "3 600 000"
    post["costs-0-y2027"] = "1\xa0250\xa0000,50"
    post["effects-0-attribution"] = "12,5 %"
    post["calc-discount_rate"] = "3,5"
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert [c["amount"] for c in calculation.data["costs"]] == [3600000, 1250000.5]
    assert calculation.data["effects"][0]["attribution"] == 0.125
    html = client.get(url).content.decode()
    assert 'value="3\xa0600\xa0000"' in html and 'value="1\xa0250\xa0000,5"' in html
    assert 'value="12,5\xa0%"' in html and 'value="3,5\xa0%"' in html


def test_a_row_is_added_without_scripts_and_nothing_is_saved(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    post["costs-0-type"] = "lokaler"
    post["add"] = "costs"
    response = client.post(url, post)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="costs-1-type"' in html and 'value="lokaler"' in html
    calculation.refresh_from_db()
    assert calculation.data == DATA


def test_warnings_are_plain_swedish_with_a_link_to_the_field(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    post["effects-0-unit_cost_price_year"] = "2024"
    html = client.post(
        reverse("calculations:results", args=["orebro", case.pk]), post
    ).content.decode()
    warning = re.search(r'<p class="warning">(.*?)</p>', html, re.S).group(1)
    assert "price_index" not in warning and "effects[0]" not in warning
    assert (
        '<a href="#id_effects-0-unit_cost_price_year">Effekt 1 (Färre placeringar i familjehem), prisår</a>'
        in warning
    )
    assert "inget prisindex är valt" in warning


def test_applicant_edits_own_case_only(
    client_as: Any, bob: Any, make_person: Any, orebro: Any, calculation: Calculation, case: Case
) -> None:
    other = Case.objects.create(organisation=orebro, title="Annan", rulebook_key="orebro-2020")
    assert may(bob, case, Action.EDIT_CALCULATION)
    assert not may(bob, other, Action.EDIT_CALCULATION)
    url = reverse("calculations:editor", args=["orebro", other.pk])
    assert client_as(bob).get(url).status_code == 404
    assert client_as(bob).post(url).status_code == 404
    assert not Calculation.objects.filter(case=other).exists()


def test_a_viewer_sees_but_cannot_edit(
    client_as: Any, make_person: Any, orebro: Any, calculation: Calculation, case: Case
) -> None:
    vera = make_person("vera", (orebro, Role.VIEWER))
    url = reverse("calculations:editor", args=["orebro", case.pk])
    page = client_as(vera).get(url)
    assert page.status_code == 200 and 'id="calc-form"' not in page.content.decode()
    assert 'id="npv"' in page.content.decode()
    assert client_as(vera).post(url, {}).status_code == 403
    results = reverse("calculations:results", args=["orebro", case.pk])
    assert client_as(vera).post(results, {}).status_code == 403


def test_another_organisation_gets_404(
    client_as: Any, charlie: Any, calculation: Calculation, case: Case
) -> None:
    for name in ("editor", "calculation_json"):
        assert (
            client_as(charlie)
            .get(reverse(f"calculations:{name}", args=["uppsala", case.pk]))
            .status_code
            == 404
        )
    assert (
        client_as(charlie).get(reverse("calculations:editor", args=["orebro", case.pk])).status_code
        == 404
    )


def test_a_decided_case_is_locked(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    case.stage = "decided"
    case.save(update_fields=["stage"])
    assert not may(alice, case, Action.EDIT_CALCULATION)
    assert (
        client_as(alice)
        .post(reverse("calculations:editor", args=["orebro", case.pk]), {})
        .status_code
        == 403
    )


def test_the_json_download_is_what_satsa_calc_reads(
    client_as: Any, bob: Any, calculation: Calculation, case: Case
) -> None:
    response = client_as(bob).get(
        reverse("calculations:calculation_json", args=["orebro", case.pk])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content) == DATA


def test_restatement_through_the_price_index_matches_the_engine(case: Case) -> None:
    index = services.price_index_create(
        organisation=None, name="KPI", source="SCB", actor=system_actor()
    )
    for year, value in ((2024, "100"), (2026, "104.3")):
        services.price_index_set(index=index, year=year, value=value, actor=system_actor())
    data = dict(DATA, price_index=index.as_mapping())
    data["effects"] = [dict(DATA["effects"][0], unit_cost_price_year=2024)]
    result = engine.run(data, draws=0)
    ours = selectors.restate(
        Decimal(420000), from_year=2024, to_year=2026, index=index.as_mapping()
    )
    assert result["effects"][0]["unit_cost_restated"] == float(ours) == 438060.0


def test_a_snapshot_is_an_immutable_copy(alice: Any, calculation: Calculation, case: Case) -> None:
    snapshot = services.calculation_snapshot(case=case, reason="submitted", actor=alice)
    assert (
        snapshot.data == DATA
        and snapshot.result["totals"]["npv"] == calculation.result["totals"]["npv"]
    )
    assert snapshot.reason_label == snapshot.get_reason_display() == "Ansökan lämnades in"
    services.calculation_update(
        calculation=calculation, data=dict(DATA, discount_rate=0.0), actor=alice
    )
    snapshot.refresh_from_db()
    assert snapshot.data["discount_rate"] == 0.035
    with pytest.raises(ImmutableError):
        snapshot.save()
    with pytest.raises(ImmutableError):
        snapshot.delete()
    with pytest.raises(ImmutableError):
        CalculationSnapshot.objects.filter(pk=snapshot.pk).update(reason="x")
    with pytest.raises(ImmutableError):
        CalculationSnapshot.objects.all().delete()
    event = Event.objects.get(verb="calculation.snapshot")
    assert event.actor == alice and event.data["reason"] == "submitted"


def test_a_case_without_calculation_is_snapshotted_empty(case: Case) -> None:
    snapshot = services.calculation_snapshot(case=case, reason="decided", actor=system_actor())
    assert snapshot.data == {} and snapshot.result is None


def test_an_invalid_update_stores_nothing(calculation: Calculation) -> None:
    bad = dict(DATA, effects=[dict(DATA["effects"][0], deadweight=1.5)])
    with pytest.raises(engine.CalculationInvalid) as error:
        services.calculation_update(calculation=calculation, data=bad, actor=system_actor())
    assert [p.path for p in error.value.problems] == ["effects[0].deadweight"]
    calculation.refresh_from_db()
    assert calculation.data == DATA


def test_saving_in_the_editor_keeps_what_it_has_no_forms_for(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    actors = ["Socialnämnden", "Region Örebro län"]
    uncertainty = {"discount_rate": [0.02, 0.035, 0.05]}
    services.calculation_update(
        calculation=calculation,
        data=dict(DATA, actors=actors, uncertainty=uncertainty),
        actor=system_actor(),
    )
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    assert client.post(url, editor_post(client, url)).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["actors"] == actors
    assert calculation.data["uncertainty"] == uncertainty


def test_the_distribution_chart_draws_what_the_figures_sum_up() -> None:
    mc = calculate(DATA, draws=500, seed=11)["monte_carlo"]
    draws = engine.npv_draws(DATA, seed=mc["seed"], draws=mc["draws"])
    assert draws is not None and len(draws) == 500
    assert sum(draws) / len(draws) == pytest.approx(mc["mean"], abs=0.01)
    assert engine.npv_draws({"costs": "none"}, seed=1, draws=10) is None


def test_a_save_over_someone_elses_newer_save_is_refused(
    client_as: Any, alice: Any, bob: Any, calculation: Calculation, case: Case
) -> None:
    url = reverse("calculations:editor", args=["orebro", case.pk])
    first, second = client_as(alice), client_as(bob)
    alices, bobs = editor_post(first, url), editor_post(second, url)
    assert alices["version"] and alices["version"] == bobs["version"]
    alices["effects-0-deadweight"] = "30"
    assert first.post(url, alices).status_code == 302

    bobs["effects-0-deadweight"] = "35"
    refused = second.post(url, bobs)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "har sparat ändringar medan du skrev" in html
    assert 'value="35"' in html  # what bob typed is still in the editor
    calculation.refresh_from_db()
    assert calculation.data["effects"][0]["deadweight"] == 0.3


def test_the_editor_page_asks_the_database_the_same_whatever_the_number_of_lines(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, foster_care: UnitCost
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", case.pk])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    many = dict(DATA, costs=DATA["costs"] * 4, effects=DATA["effects"] * 6)
    many["costs"] = [dict(c, type=f"slag {i}") for i, c in enumerate(many["costs"])]
    services.calculation_update(
        calculation=calculation,
        data=many,
        effect_sources=[foster_care.pk] * 6,
        actor=system_actor(),
    )
    assert queries() == few


def test_the_editor_runs_no_inline_script(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    """The Content-Security-Policy allows scripts from Satsa's origin only."""
    html = (
        client_as(alice)
        .get(reverse("calculations:editor", args=["orebro", case.pk]))
        .content.decode()
    )
    scripts = re.findall(r"<script([^>]*)>", html)
    assert any("calculations/grid.js" in s for s in scripts)
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert not re.search(r"\son[a-z]+=", html)
    assert " style=" not in html


def test_the_english_editor_writes_and_reads_english_numbers(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    client.cookies["django_language"] = "en"
    url = reverse("calculations:editor", args=["orebro", case.pk])
    post = editor_post(client, url)
    assert post["costs-0-y2026"] == "1,200,000" and post["effects-0-deadweight"] == "20%"
    post["costs-0-y2027"] = "1,250,000.5"
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.data["costs"][1]["amount"] == 1250000.5
    assert calculation.data["effects"] == DATA["effects"]
