from __future__ import annotations

from typing import Any

import pytest

from satsa.calculations import services
from satsa.calculations.models import UnitCost


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
        actor=None,
    )
