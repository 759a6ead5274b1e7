"""The whole calculation as an XLSX workbook: written readable, read back the same."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from satsa.calculations import services
from satsa.calculations.models import Calculation, UnitCost
from satsa.calculations.tests.test_alternatives import ORDINARY
from satsa.calculations.tests.test_editor import DATA
from satsa.cases.models import Case
from satsa.events.actors import system_actor

FULL = dict(
    DATA,
    # In the grid's order: a row per kind and financier, its years in order.
    costs=[
        *DATA["costs"],
        {"year": 2028, "amount": 90000, "financier": "fund", "type": "personal"},
        {"year": 2026, "amount": 150000.5, "financier": "Socialnämnden", "type": "lokaler"},
    ],
    effects=[
        *DATA["effects"],
        {
            "name": "Färre dagar med försörjningsstöd",
            "actor": "Arbetsmarknadsnämnden",
            "unit": "hushåll och år",
            "unit_cost": 59938.5,
            "unit_cost_price_year": 2026,
            "volume": {"2026": 2, "2027": 4.5, "2028": 6},
            "deadweight": 0.3,
            "attribution": 0.125,
            "displacement": 0.05,
            "drop_off": 0.2,
            "uncertainty": {"unit_cost": [50000, 59938.5, 70000]},
        },
    ],
    alternatives={"ordinary": ORDINARY},
)


@pytest.fixture
def calculation(case: Case, foster_care: UnitCost) -> Calculation:
    calculation = services.calculation_create(case=case, actor=system_actor())
    return services.calculation_update(
        calculation=calculation,
        data=FULL,
        effect_sources=[foster_care.pk, None],
        alternative_sources={"ordinary": [foster_care.pk]},
        actor=system_actor(),
    )


def urls(case: Case) -> tuple[str, str]:
    return (
        reverse("calculations:calculation_xlsx", args=["orebro", case.pk]),
        reverse("calculations:calculation_import", args=["orebro", case.pk]),
    )


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("kalkyl.xlsx", content)


def test_the_workbook_is_readable(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    export, _import = urls(case)
    response = client_as(alice).get(export)
    assert response["Content-Disposition"] == f'attachment; filename="kalkyl-orebro-{case.pk}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Förutsättningar",
        "Kostnader",
        "Effekter",
        "Nyckeltal",
        "Flöden per år",
        "Vem betalar, vem sparar",
    ]
    costs = [list(r) for r in book["Kostnader"].iter_rows(values_only=True)]
    assert costs[0] == ["Alternativ", "Kostnadsslag", "Finansiär", "2026", "2027", "2028"]
    assert costs[1] == ["Insatsen", "personal", "Fonden", 1200000, 1200000, 90000]
    assert costs[2] == ["Insatsen", "lokaler", "Socialnämnden", 150000.5, None, None]
    assert costs[3][:3] == ["Ordinarie insats", "personal", "Socialnämnden"]
    effects = [list(r) for r in book["Effekter"].iter_rows(values_only=True)]
    assert effects[1][:4] == ["Insatsen", "FH", "Färre placeringar i familjehem", "Socialnämnden"]
    flows = [list(r) for r in book["Flöden per år"].iter_rows(values_only=True)]
    assert flows[0][:3] == ["År", "Kostnad", "Besparing"]
    assert flows[1][0] == 2026 and len(flows) == 1 + len(calculation.result["flows"])
    matrix = [list(r) for r in book["Vem betalar, vem sparar"].iter_rows(values_only=True)]
    assert ["Arbetsmarknadsnämnden", "Organisationen", "Besparing"] in [r[:3] for r in matrix]
    results = dict(r[:2] for r in book["Nyckeltal"].iter_rows(values_only=True))
    assert results["Nuvärde netto (NPV)"] == calculation.result["totals"]["npv"]


def test_the_round_trip_gives_back_the_same_calculation(
    client_as: Any, alice: Any, calculation: Calculation, case: Case, foster_care: UnitCost
) -> None:
    export, import_url = urls(case)
    client = client_as(alice)
    content = client.get(export).content
    # Someone else changes the calculation; the import puts the file's back in full.
    services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())
    response = client.post(import_url, {"file": upload(content)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    calculation.refresh_from_db()
    assert calculation.data == FULL
    assert calculation.effect_sources == [foster_care.pk, None]
    assert calculation.alternative_sources == {"ordinary": [foster_care.pk]}


def test_a_filled_workbook_with_swedish_text_is_read(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    export, import_url = urls(case)
    client = client_as(alice)
    book = load_workbook(io.BytesIO(client.get(export).content))
    book["Kostnader"].append(["Insatsen", "utbildning", "Fonden", "25 000", "12 500,50", None])
    out = io.BytesIO()
    book.save(out)
    assert client.post(import_url, {"file": upload(out.getvalue())}).status_code == 302
    calculation.refresh_from_db()
    assert {"year": 2027, "amount": 12500.5, "financier": "fund", "type": "utbildning"} in (
        calculation.data["costs"]
    )


def test_errors_name_sheet_row_and_column_and_nothing_is_saved(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    export, import_url = urls(case)
    client = client_as(alice)
    book = load_workbook(io.BytesIO(client.get(export).content))
    book["Kostnader"]["E2"] = "mycket"
    header = [c.value for c in book["Effekter"][1]]
    column = header.index("Dödvikt (%)")
    book["Effekter"].cell(row=3, column=column + 1, value="120")  # above 100 %
    out = io.BytesIO()
    book.save(out)
    response = client.post(import_url, {"file": upload(out.getvalue())})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Blad ”Kostnader”, rad 2, kolumn ”2027”: Fyll i ett tal." in html
    assert "Blad ”Effekter”, rad 3, kolumn ”Dödvikt (%)”: Kontrollera att detta värde" in html
    calculation.refresh_from_db()
    assert calculation.data == FULL


def test_a_file_that_is_not_a_calculation_is_refused(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    _export, import_url = urls(case)
    from satsa.calculations import tabular

    content = tabular.write_xlsx([])
    response = client_as(alice).post(import_url, {"file": upload(content)})
    assert response.status_code == 400
    assert "Bladet ”Förutsättningar” saknas" in response.content.decode()


def test_only_editors_import_and_other_organisations_see_nothing(
    client_as: Any,
    charlie: Any,
    make_person: Any,
    orebro: Any,
    calculation: Calculation,
    case: Case,
) -> None:
    from satsa.orgs.roles import Role

    export, import_url = urls(case)
    content = client_as(make_person("vera", (orebro, Role.VIEWER))).get(export).content
    vera = client_as(make_person("vera2", (orebro, Role.VIEWER)))
    assert vera.post(import_url, {"file": upload(content)}).status_code == 403
    assert client_as(charlie).get(export).status_code == 404
    assert client_as(charlie).post(import_url, {"file": upload(content)}).status_code == 404
