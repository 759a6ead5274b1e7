"""Every CSV and XLSX export endpoint writes a hostile title inert (issue #12, part 8).

The endpoints are enumerated from the URLconf, so a new export without a case here fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from satsa.calculations import services as calculation_services
from satsa.events.actors import system_actor
from satsa.followup import services as followup_services
from satsa.followup.models import Group, MeasureKind

# Fixtures of a decided, funded Örebro case with a follow-up schema (lina leads it).
from satsa.followup.tests.conftest import case, lina, schema  # noqa: F401
from satsa.orgs.models import ExternalParty

HOSTILE = '=HYPERLINK("http://evil","x")'


@dataclass(frozen=True)
class Export:
    name: str  # the URL name, namespaced
    format: str  # "csv" or "xlsx"
    delimiter: str = ";"  # CSV only: the dialect the file is documented with
    anonymous: bool = False


EXPORTS = [
    Export("calculations:calculation_xlsx", "xlsx"),
    Export("calculations:results_xlsx", "xlsx"),
    Export("calculations:unit_costs_csv", "csv"),
    Export("calculations:unit_costs_xlsx", "xlsx"),
    Export("followup:case_export", "csv"),
    Export("funds:journal_csv", "csv"),
    Export("funds:journal_xlsx", "xlsx"),
    Export("portfolio:export_xlsx", "xlsx"),
    Export("public_portfolio:interventions_csv", "csv", delimiter=",", anonymous=True),
]


def export_url_names() -> set[str]:
    """Every named URL whose route ends in .csv or .xlsx."""
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and str(pattern.pattern).endswith((".csv", ".xlsx"))
            ):
                found.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_export_endpoint_has_a_case_here() -> None:
    assert export_url_names() == {export.name for export in EXPORTS}


@pytest.fixture
def hostile(schema: Any, alice: Any) -> dict[str, Any]:  # noqa: F811 - the imported fixture
    """The case, its party, a unit cost, a measure and its value all named hostilely.

    The case is funded (its commitment is in the journal) and decided, so it is in the
    portfolio and in the public list.
    """
    the_case = schema.case
    the_case.title = HOSTILE
    the_case.target_group = HOSTILE
    the_case.save(update_fields=["title", "target_group"])
    party = ExternalParty.objects.create(
        organisation=the_case.organisation, name=HOSTILE, kind=ExternalParty.Kind.CIVIL_SOCIETY
    )
    the_case.parties.add(party)
    calculation_services.unit_cost_create(
        organisation=the_case.organisation,
        code="EVIL",
        name=HOSTILE,
        area="social",
        unit="dygn",
        actor_type="municipality",
        value=Decimal("1234.5"),
        price_year=2025,
        source="Socialstyrelsen",
        actor=alice,
    )
    measure = followup_services.schema_measure_add(
        schema=schema,
        actor=alice,
        kind=MeasureKind.ACTIVITY,
        name=HOSTILE,
        unit="grupper",
    )
    followup_services.measure_value_record(
        measure=measure,
        actor=alice,
        group=Group.TREATMENT,
        period_label=HOSTILE,
        measured_on=dt.date(2025, 6, 30),
        value=Decimal("3.25"),
        n=12,
    )
    # The case's calculation, with a cost line and an effect line on a hostile actor.
    calculation = calculation_services.calculation_create(case=the_case, actor=system_actor())
    data = dict(calculation.data)
    first = int(data["start_year"])
    data.setdefault("horizon_years_after_end", 5)
    data.setdefault("discount_rate", 0.035)
    data["costs"] = [{"year": first, "amount": 100000, "financier": "fund", "type": HOSTILE}]
    data["effects"] = [
        {
            "name": HOSTILE,
            "actor": HOSTILE,
            "unit": "dygn",
            "unit_cost": 1000,
            "volume": {str(first): 10},
        }
    ]
    calculation_services.calculation_update(
        calculation=calculation, data=data, actor=system_actor()
    )
    return {"org_slug": the_case.organisation.slug, "pk": the_case.pk}


def kwargs_for(name: str, hostile: dict[str, Any]) -> dict[str, Any]:
    if name == "followup:case_export":
        return {"org_slug": hostile["org_slug"], "pk": hostile["pk"]}
    if name.startswith("calculations:") and name.endswith("_xlsx") and "unit_costs" not in name:
        return {"org_slug": hostile["org_slug"], "case_id": hostile["pk"]}
    return {"org_slug": hostile["org_slug"]}


@pytest.mark.parametrize("export", EXPORTS, ids=[export.name for export in EXPORTS])
def test_a_hostile_title_comes_out_inert(
    export: Export, hostile: dict[str, Any], client_as: Any, alice: Any
) -> None:
    client = Client() if export.anonymous else client_as(alice)
    response = client.get(reverse(export.name, kwargs=kwargs_for(export.name, hostile)))
    assert response.status_code == 200
    if export.format == "xlsx":
        assert "spreadsheetml" in response["Content-Type"]
        book = load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        hits = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
        assert hits, "the hostile text is not in the export"
        for cell in hits:
            assert cell.data_type == "s" and cell.value == HOSTILE
    else:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter))
        assert len({len(row) for row in rows}) == 1, "the dialect does not split the rows evenly"
        hits = [cell for row in rows for cell in row if "HYPERLINK" in cell]
        assert hits, "the hostile text is not in the export"
        assert all(cell == "'" + HOSTILE for cell in hits)


def test_the_open_csv_keeps_its_documented_dialect(hostile: dict[str, Any]) -> None:
    response = Client().get(
        reverse("public_portfolio:interventions_csv", kwargs={"org_slug": hostile["org_slug"]})
    )
    assert not response.content.startswith(b"\xef\xbb\xbf")
    header, first = response.content.decode("utf-8").split("\r\n")[:2]
    assert header.startswith("id,name,diarienummer,decided_on")
    assert ",2000000.00," in first  # a decimal point, no thousands separator
    assert f'"\'{HOSTILE.replace(chr(34), chr(34) * 2)}"' in first
