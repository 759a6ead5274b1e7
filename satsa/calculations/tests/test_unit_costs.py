"""Unit costs: creation, yearly values with history, import/export, the public table."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from satsa.calculations import demo, selectors, services, tabular
from satsa.calculations.models import UnitCost, UnitCostValue
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.orgs.roles import Role

HEADER = [h for _k, h in tabular.COLUMNS]


def rows_of(org: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(sorted(r.items())) for r in selectors.export_rows(org))


def write_xlsx(path: Path, rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path.read_bytes()


GOOD = [
    "FH",
    "Familjehem",
    "social",
    "placeringsår",
    "municipality",
    "Socialnämnden",
    420000,
    2024,
    "Kolada",
    "ja",
]


def test_a_new_year_keeps_the_older_values_as_history(foster_care: UnitCost, alice: Any) -> None:
    services.unit_cost_update(
        unit_cost=foster_care, value="455 000", price_year=2025, source="Kolada 2025", actor=alice
    )
    history = [(v.price_year, v.value) for v in foster_care.values.order_by("price_year")]
    assert history == [(2024, Decimal("420000.00")), (2025, Decimal("455000.00"))]
    assert foster_care.latest().price_year == 2025
    assert Event.objects.filter(verb="unit_cost.value_set", actor=alice).count() == 1


def test_the_same_year_again_corrects_that_year(foster_care: UnitCost) -> None:
    services.unit_cost_update(
        unit_cost=foster_care, value=430000, price_year=2024, source="rättat", actor=system_actor()
    )
    assert list(foster_care.values.values_list("value", flat=True)) == [Decimal("430000.00")]


def test_it_rejects_a_missing_source_and_a_duplicate_code(
    orebro: Any, foster_care: UnitCost
) -> None:
    with pytest.raises(ValidationError) as error:
        services.unit_cost_create(
            organisation=orebro,
            code="FH",
            name="x",
            area="socialt",
            unit="år",
            actor_type="municipality",
            value=-1,
            price_year=2024,
            source=" ",
            actor=system_actor(),
        )
    errors = error.value.message_dict
    assert set(errors) == {"code", "area", "value", "source"}
    assert "antagande" in errors["source"][0]


def test_the_national_table_and_an_organisations_table_may_share_codes(
    orebro: Any, foster_care: UnitCost
) -> None:
    national = services.unit_cost_create(
        organisation=None,
        code="FH",
        name="Familjehem",
        area="Individ- och familjeomsorg",
        unit="år",
        actor_type="Kommun",
        value=1,
        price_year=2024,
        source="antagande",
        actor=system_actor(),
    )
    assert national.area == "social" and national.actor_type == "municipality"
    assert list(selectors.unit_costs_available_to(orebro)) == [foster_care, national]


def test_xlsx_round_trip_into_another_organisation(
    tmp_path: Path, orebro: Any, uppsala: Any, foster_care: UnitCost
) -> None:
    services.unit_cost_update(
        unit_cost=foster_care, value="59938,50", price_year=2025, source="SoS", actor=system_actor()
    )
    services.unit_cost_create(
        organisation=orebro,
        code="PSY",
        name="Psykiatrisk vårddag",
        area="health",
        unit="vårddygn",
        actor_type="region",
        value=9500,
        price_year=2022,
        source="antagande",
        actor=system_actor(),
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(tabular.write_xlsx(selectors.export_rows(orebro)))
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 4  # header + 2 years of FH + 1 year of PSY
    assert UnitCost.objects.filter(organisation=uppsala).count() == 0

    summary = services.unit_costs_import(
        organisation=uppsala,
        content=path.read_bytes(),
        filename="export.xlsx",
        actor=system_actor(),
    )
    assert (summary.created, summary.values) == (2, 3)
    assert rows_of(uppsala) == rows_of(orebro)


def test_csv_round_trip_into_an_empty_table(
    tmp_path: Path, uppsala: Any, foster_care: UnitCost, orebro: Any
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(tabular.write_csv(selectors.export_rows(orebro)))
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("FH;Placering i familjehem;social;")
    services.unit_costs_import(
        organisation=uppsala, content=path.read_bytes(), filename="export.csv", actor=system_actor()
    )
    assert rows_of(uppsala) == rows_of(orebro)


def test_a_bad_file_names_row_column_and_reason_and_imports_nothing(
    tmp_path: Path, uppsala: Any
) -> None:
    content = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            GOOD,
            ["PSY", "Psykiatri", "sjukvård", "dygn", "region", "", 9500, 2022, "antagande", ""],
            [
                "FH",
                "Familjehem",
                "social",
                "placeringsår",
                "municipality",
                "Socialnämnden",
                "mycket",
                2025,
                "Kolada",
                "ja",
            ],
            [
                "FH",
                "Familjehem",
                "social",
                "placeringsår",
                "municipality",
                "Socialnämnden",
                1,
                2024,
                "Kolada",
                "ja",
            ],
        ],
    )
    with pytest.raises(services.UnitCostImportError) as error:
        services.unit_costs_import(
            organisation=uppsala, content=content, filename="bad.xlsx", actor=system_actor()
        )
    messages = [str(p) for p in error.value.problems]
    assert messages == [
        "Rad 3, kolumn ”område”: Okänt område ”sjukvård”.",
        "Rad 4, kolumn ”värde”: ”mycket” är inte ett belopp.",
        "Rad 5, kolumn ”prisår”: Koden FH har redan ett värde för 2024 på rad 2.",
    ]
    assert UnitCost.objects.filter(organisation=uppsala).count() == 0
    assert UnitCostValue.objects.count() == 0
    assert not Event.objects.filter(verb="unit_costs.imported").exists()


def test_it_refuses_a_file_without_the_required_columns(tmp_path: Path, uppsala: Any) -> None:
    content = b"kod;namn\nFH;Familjehem\n"
    with pytest.raises(services.UnitCostImportError) as error:
        services.unit_costs_import(
            organisation=uppsala, content=content, filename="x.csv", actor=system_actor()
        )
    assert "”område”" in str(error.value.problems[0])
    with pytest.raises(services.UnitCostImportError):
        services.unit_costs_import(
            organisation=uppsala, content=b"not a workbook", filename="x.xlsx", actor=system_actor()
        )


def test_the_import_page_lists_the_problems(client_as: Any, alice: Any, orebro: Any) -> None:
    upload = io.BytesIO(
        "\n".join([";".join(HEADER), "FH;;social;år;municipality;;1;2024;x;"]).encode()
    )
    upload.name = "t.csv"
    response = client_as(alice).post(
        reverse("calculations:unit_costs_import", args=["orebro"]), {"file": upload}
    )
    assert response.status_code == 400
    assert "Rad 2, kolumn ”namn”: Ange ett namn." in response.content.decode()


def test_the_export_views_return_files(client_as: Any, alice: Any, foster_care: UnitCost) -> None:
    client = client_as(alice)
    response = client.get(reverse("calculations:unit_costs_xlsx", args=["orebro"]))
    assert response["Content-Disposition"] == 'attachment; filename="enhetskostnader-orebro.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "FH" and sheet["G2"].value == 420000
    response = client.get(
        reverse("calculations:unit_costs_csv", args=["orebro"]) + "?tabell=nationell"
    )
    assert response.content.decode("utf-8-sig").count("\n") == 1  # header only


def test_the_public_page_shows_only_published_entries(client: Any, orebro: Any) -> None:
    for code, published in (("PUB", True), ("HIDDEN", False)):
        services.unit_cost_create(
            organisation=orebro,
            code=code,
            name=f"Post {code}",
            area="school",
            unit="elev",
            actor_type="municipality",
            value=1000,
            price_year=2024,
            source="antagande",
            published=published,
            actor=system_actor(),
        )
    response = client.get(reverse("calculations_public:unit_costs", args=["orebro"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Post PUB" in html and "Post HIDDEN" not in html
    assert client.get("/open/nowhere/enhetskostnader/").status_code == 404


def test_only_managers_change_the_table(
    client_as: Any, make_person: Any, orebro: Any, bob: Any, foster_care: UnitCost
) -> None:
    viewer = make_person("vera", (orebro, Role.VIEWER))
    url = reverse("calculations:unit_cost", args=["orebro", foster_care.pk])
    assert client_as(viewer).get(url).status_code == 200
    data = {"value": "1", "price_year": "2030", "source": "x"}
    assert client_as(viewer).post(url, data).status_code == 403
    assert (
        client_as(bob).get(reverse("calculations:unit_cost_create", args=["orebro"])).status_code
        == 403
    )
    assert not foster_care.values.filter(price_year=2030).exists()


def test_another_organisations_entry_is_not_found(
    client_as: Any, charlie: Any, foster_care: UnitCost
) -> None:
    response = client_as(charlie).get(
        reverse("calculations:unit_cost", args=["uppsala", foster_care.pk])
    )
    assert response.status_code == 404


def test_a_manager_adds_a_value_and_publishes(client_as: Any, alice: Any, orebro: Any) -> None:
    client = client_as(alice)
    response = client.post(
        reverse("calculations:unit_cost_create", args=["orebro"]),
        {
            "code": "X1",
            "name": "Skolår",
            "area": "school",
            "unit": "elev och år",
            "actor_type": "municipality",
            "value": "120000",
            "price_year": "2023",
            "source": "antagande",
        },
    )
    unit_cost = UnitCost.objects.get(organisation=orebro, code="X1")
    assert response.status_code == 302 and not unit_cost.published
    client.post(
        reverse("calculations:unit_cost", args=["orebro", unit_cost.pk]),
        {"value": "125000", "price_year": "2024", "source": "antagande"},
    )
    client.post(
        reverse("calculations:unit_cost_publish", args=["orebro", unit_cost.pk]), {"published": "1"}
    )
    unit_cost.refresh_from_db()
    assert unit_cost.published
    page = client.get(
        reverse("calculations:unit_cost", args=["orebro", unit_cost.pk])
    ).content.decode()
    assert "120\u00a0000\u00a0kr" in page and "125\u00a0000\u00a0kr" in page


def test_restatement_through_the_price_index(
    client_as: Any, alice: Any, orebro: Any, foster_care: UnitCost
) -> None:
    index = services.price_index_create(
        organisation=None, name="KPI", source="SCB", actor=system_actor()
    )
    services.price_index_set(index=index, year=2024, value=100, actor=system_actor())
    services.price_index_set(index=index, year=2026, value="104,3", actor=system_actor())
    assert selectors.restate(
        Decimal(420000), from_year=2024, to_year=2026, index=index.as_mapping()
    ) == Decimal("438060.00")
    assert (
        selectors.restate(Decimal(1), from_year=2010, to_year=2026, index=index.as_mapping())
        is None
    )
    url = reverse("calculations:unit_cost", args=["orebro", foster_care.pk])
    page = client_as(alice).get(url, {"index": index.pk}).content.decode()
    assert "438\u00a0060\u00a0kr" in page


def test_the_price_index_rejects_non_positive_values(orebro: Any) -> None:
    index = services.price_index_create(
        organisation=orebro, name="PKV", source="SKR", actor=system_actor()
    )
    with pytest.raises(ValidationError) as error:
        services.price_index_set(index=index, year="tjugo", value=0, actor=system_actor())
    assert set(error.value.message_dict) == {"year", "value"}


def test_the_demo_loader_is_idempotent(orebro: Any) -> None:
    demo.load()
    demo.load()
    national = UnitCost.objects.national()
    assert national.count() >= 12
    fbs = national.get(code="IFO-FBS").latest()
    assert (fbs.value, fbs.price_year) == (Decimal("59938.00"), 2020)
    assert all(v.source for v in UnitCostValue.objects.all())
    assert UnitCost.objects.filter(organisation=orebro).exists()


def csv_of(*lines: str) -> bytes:
    return "\n".join([";".join(HEADER), *lines]).encode()


def test_the_import_refuses_a_value_that_would_lose_precision(
    uppsala: Any, foster_care: UnitCost
) -> None:
    content = csv_of("FH;Familjehem;social;år;municipality;;0,001;2024;Kolada;ja")
    with pytest.raises(services.UnitCostImportError) as error:
        services.unit_costs_import(
            organisation=uppsala, content=content, filename="t.csv", actor=system_actor()
        )
    [problem] = [str(p) for p in error.value.problems]
    assert problem.startswith("Rad 2, kolumn ”värde”: ”0,001” har fler än två decimaler")
    assert not UnitCost.objects.filter(organisation=uppsala).exists()


def test_the_import_refuses_too_many_rows_and_too_large_files(uppsala: Any) -> None:
    line = "C{};Namn;social;år;municipality;;100;2024;Kolada;ja"
    many = csv_of(*(line.format(i) for i in range(services.MAX_IMPORT_ROWS + 1)))
    with pytest.raises(services.UnitCostImportError) as error:
        services.unit_costs_import(
            organisation=uppsala, content=many, filename="t.csv", actor=system_actor()
        )
    assert "högst 5000 rader" in str(error.value.problems[0])
    huge = csv_of(line.format(0)) + b" " * services.MAX_IMPORT_BYTES
    with pytest.raises(services.UnitCostImportError) as error:
        services.unit_costs_import(
            organisation=uppsala, content=huge, filename="t.csv", actor=system_actor()
        )
    assert "större än 2 MB" in str(error.value.problems[0])
    assert not UnitCost.objects.filter(organisation=uppsala).exists()


def test_a_large_import_is_quick_and_the_page_is_paged(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    import time

    line = "C{0};Namn {0};social;år;municipality;;100,50;2024;Kolada;ja"
    content = csv_of(*(line.format(i) for i in range(services.MAX_IMPORT_ROWS)))
    started = time.monotonic()
    services.unit_costs_import(organisation=orebro, content=content, filename="t.csv", actor=alice)
    assert time.monotonic() - started < 30
    assert UnitCostValue.objects.filter(unit_cost__organisation=orebro).count() == 5000
    page = client_as(alice).get(reverse("calculations:unit_costs", args=["orebro"]))
    html = page.content.decode()
    assert html.count('<th scope="row"') <= 200
    assert "Sida 1 av 50" in html


def test_a_unit_cost_carries_economic_and_social_values_into_the_line(
    orebro: Any, foster_care: Any, alice: Any
) -> None:
    from satsa.calculations.forms import apply_picks

    row = services.unit_cost_update(
        unit_cost=foster_care,
        value="420000",
        price_year=2026,
        source="Socialstyrelsen",
        economic_value="510000",
        social_value="900000",
        actor=alice,
    )
    assert row.economic_value == Decimal("510000.00") and row.social_value == Decimal("900000.00")
    with pytest.raises(ValidationError):
        services.unit_cost_update(
            unit_cost=foster_care,
            value="420000",
            price_year=2026,
            source="Socialstyrelsen",
            economic_value="-1",
            actor=alice,
        )
    post = {"effects-TOTAL_FORMS": "1", "effects-0-source": str(foster_care.pk)}
    assert apply_picks(post, {str(foster_care.pk): foster_care}) == [0]
    assert post["effects-0-unit_cost"] == "420\xa0000"
    assert post["effects-0-economic_unit_cost"] == "510\xa0000"
    assert post["effects-0-social_unit_cost"] == "900\xa0000"
