from __future__ import annotations

from typing import Any

import pytest

from satsa.calculations import services
from satsa.calculations.models import UnitCost
from satsa.cases.models import Case
from satsa.events.actors import system_actor


@pytest.fixture
def foster_care(orebro: Any) -> UnitCost:
    return services.unit_cost_create(
        organisation=orebro,
        code="FH",
        name="Placering i familjehem",
        area="social",
        unit="placeringsår",
        actor_type="municipality",
        actor_name="Socialnämnden",
        value=420000,
        price_year=2024,
        source="Kolada",
        published=True,
        actor=system_actor(),
    )


@pytest.fixture
def case(orebro: Any, bob: Any) -> Case:
    """An Örebro 2020 application by bob, the case the editor tests work on."""
    return Case.objects.create(
        organisation=orebro,
        title="Familjestöd i Oxhagen",
        rulebook_key="orebro-2020",
        stage="application",
        created_by=bob,
    )
