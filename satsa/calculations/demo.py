"""Demo unit costs, a KPI-like price index and Örebro's own table. Loading is idempotent.

Only the social-assistance figure is derived from published statistics (ECONOMICS.md §4).
The others are orders of magnitude for demonstration and say "antagande" (assumption)
in their source, as every unsourced value in a real table should.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from satsa.calculations import services
from satsa.calculations.models import (
    ActorType,
    PriceIndex,
    PriceIndexPoint,
    UnitCost,
    UnitCostArea,
    UnitCostValue,
)
from satsa.events.actors import system_actor
from satsa.orgs.models import Organisation

ASSUMPTION = (
    "Antagande för demonstration; storleksordningen motsvarar SKR:s sammanställning "
    "Insatskostnader – sociala investeringar (2015). Kontrollera mot Kolada före användning."
)
FORSORJNINGSSTOD_SOURCE = (
    "Socialstyrelsen, statistik om ekonomiskt bistånd 2020: Örebro kommun 217 095 tkr "
    "för 3 622 hushåll = 59 938 kr per hushåll och år."
)

# code, name, area, unit, actor type, actor, [(price year, value, source)], published
NATIONAL: list[tuple[str, str, str, str, str, str, list[tuple[int, int, str]], bool]] = [
    (
        "IFO-FH",
        "Placering i familjehem, barn och unga",
        UnitCostArea.SOCIAL,
        "placeringsår",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2022, 420_000, ASSUMPTION), (2024, 455_000, ASSUMPTION)],
        True,
    ),
    (
        "IFO-HVB",
        "Placering på HVB, barn och unga",
        UnitCostArea.SOCIAL,
        "placeringsår",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2022, 1_650_000, ASSUMPTION), (2024, 1_800_000, ASSUMPTION)],
        True,
    ),
    (
        "IFO-FBS",
        "Försörjningsstöd (ekonomiskt bistånd)",
        UnitCostArea.SOCIAL,
        "hushåll och år",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2020, 59_938, FORSORJNINGSSTOD_SOURCE)],
        True,
    ),
    (
        "IFO-UTR",
        "Barnavårdsutredning",
        UnitCostArea.SOCIAL,
        "utredning",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2022, 50_000, ASSUMPTION)],
        True,
    ),
    (
        "SK-OMG",
        "Omgång av ett läsår i grundskolan",
        UnitCostArea.SCHOOL,
        "elev och läsår",
        ActorType.MUNICIPALITY,
        "Grundskolenämnden",
        [(2022, 120_000, ASSUMPTION)],
        True,
    ),
    (
        "SK-SARST",
        "Särskilt stöd i skolan (elevassistent)",
        UnitCostArea.SCHOOL,
        "elev och läsår",
        ActorType.MUNICIPALITY,
        "Grundskolenämnden",
        [(2022, 330_000, ASSUMPTION)],
        True,
    ),
    (
        "SK-IM",
        "Introduktionsprogram i gymnasieskolan i stället för nationellt program",
        UnitCostArea.SCHOOL,
        "elev och läsår",
        ActorType.MUNICIPALITY,
        "",
        [(2022, 30_000, ASSUMPTION)],
        False,
    ),
    (
        "HS-PSYK",
        "Dygn i psykiatrisk slutenvård",
        UnitCostArea.HEALTH,
        "vårddygn",
        ActorType.REGION,
        "Regionen",
        [(2022, 9_500, ASSUMPTION)],
        True,
    ),
    (
        "HS-BUP",
        "Besök i barn- och ungdomspsykiatrin",
        UnitCostArea.HEALTH,
        "besök",
        ActorType.REGION,
        "Regionen",
        [(2022, 4_000, ASSUMPTION)],
        True,
    ),
    (
        "FS-LSS",
        "Bostad med särskild service enligt LSS, vuxna",
        UnitCostArea.DISABILITY,
        "plats och år",
        ActorType.MUNICIPALITY,
        "",
        [(2022, 1_000_000, ASSUMPTION)],
        True,
    ),
    (
        "AM-AKT",
        "Aktivitetsersättning",
        UnitCostArea.LABOUR,
        "person och år",
        ActorType.STATE,
        "Försäkringskassan",
        [(2022, 130_000, ASSUMPTION)],
        True,
    ),
    (
        "AM-INK",
        "Utebliven arbetsinkomst för en person utanför arbetsmarknaden",
        UnitCostArea.LABOUR,
        "person och år",
        ActorType.INDIVIDUAL,
        "Individen",
        [(2022, 300_000, ASSUMPTION)],
        False,
    ),
    (
        "RV-SiS",
        "Placering på särskilt ungdomshem (SiS), kommunens avgift",
        UnitCostArea.JUSTICE,
        "vårddygn",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2022, 5_000, ASSUMPTION)],
        True,
    ),
]

OREBRO: list[tuple[str, str, str, str, str, str, list[tuple[int, int, str]], bool]] = [
    (
        "ÖR-FBS",
        "Försörjningsstöd i Örebro",
        UnitCostArea.SOCIAL,
        "hushåll och år",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2020, 59_938, FORSORJNINGSSTOD_SOURCE)],
        True,
    ),
    (
        "ÖR-FH",
        "Familjehemsplacering via Örebros egen familjehemsenhet",
        UnitCostArea.SOCIAL,
        "placeringsår",
        ActorType.MUNICIPALITY,
        "Socialnämnden",
        [(2023, 380_000, ASSUMPTION), (2024, 395_000, ASSUMPTION)],
        True,
    ),
    (
        "ÖR-FSK",
        "Förskoleplats med förstärkt stöd",
        UnitCostArea.PRESCHOOL,
        "barn och år",
        ActorType.MUNICIPALITY,
        "Förskolenämnden",
        [(2024, 260_000, ASSUMPTION)],
        False,
    ),
]

# A KPI-like series (annual averages, 1980 = 100), labelled as such; values rounded and
# meant for demonstration, not for restating real figures.
INDEX_NAME = "KPI-liknande index, årsmedel (demo)"
INDEX_SOURCE = (
    "Avrundad efter SCB:s konsumentprisindex (KPI), årsmedel, 1980 = 100. Endast för demo; "
    "hämta aktuella värden från SCB eller SKR:s PKV."
)
INDEX = {
    2018: Decimal("324.0"),
    2019: Decimal("330.2"),
    2020: Decimal("332.0"),
    2021: Decimal("339.0"),
    2022: Decimal("367.6"),
    2023: Decimal("389.4"),
    2024: Decimal("400.6"),
    2025: Decimal("404.0"),
    2026: Decimal("410.0"),
}


def _table(organisation: Organisation | None, entries: list[Any]) -> None:
    for code, name, area, unit, actor_type, actor, values, published in entries:
        unit_cost = UnitCost.objects.filter(organisation=organisation, code=code).first()
        first_year, first_value, first_source = values[0]
        if unit_cost is None:
            unit_cost = services.unit_cost_create(
                organisation=organisation,
                code=code,
                name=name,
                area=area,
                unit=unit,
                actor_type=actor_type,
                actor_name=actor,
                value=first_value,
                price_year=first_year,
                source=first_source,
                published=published,
                actor=system_actor(),
            )
        for year, value, source in values[1:]:
            if not UnitCostValue.objects.filter(unit_cost=unit_cost, price_year=year).exists():
                services.unit_cost_update(
                    unit_cost=unit_cost,
                    value=value,
                    price_year=year,
                    source=source,
                    actor=system_actor(),
                )


@transaction.atomic
def load() -> None:
    _table(None, NATIONAL)
    index = PriceIndex.objects.filter(organisation=None, name=INDEX_NAME).first()
    if index is None:
        index = services.price_index_create(
            organisation=None, name=INDEX_NAME, source=INDEX_SOURCE, actor=system_actor()
        )
    for year, value in INDEX.items():
        if not PriceIndexPoint.objects.filter(index=index, year=year).exists():
            services.price_index_set(index=index, year=year, value=value, actor=system_actor())
    orebro = Organisation.objects.filter(slug="orebro").first()
    if orebro is not None:
        _table(orebro, OREBRO)
