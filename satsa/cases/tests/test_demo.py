"""The demo loader: Örebro's real portfolio, open cases at several steps, one Uppsala idea."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from satsa.cases import demo
from satsa.cases.models import Case, Stage
from satsa.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_it_loads_the_portfolio_and_open_cases_and_can_run_again(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    orgs_demo.load()
    demo.load()
    demo.load()
    orebro = Case.objects.filter(organisation__slug="orebro")
    portfolio = orebro.filter(rulebook_key="orebro-2016")
    assert portfolio.count() == 9
    assert portfolio.get(
        title="Bryggan – från destruktiv frånvaro till måluppfyllelse"
    ).granted_amount == Decimal("12200000")
    assert portfolio.get(title="Samverkan för teckenspråkiga").granted_amount is None
    steps = dict(orebro.filter(rulebook_key="orebro-2020").values_list("title", "step"))
    assert steps == {
        "Familjekoordinatorer i Vivalla": "idea_test",
        "Läxhjälp med föreningslivet": "idea_boards",
        "Tidigt stöd i förskolan": "application",
        "Närvaroteam i Varberga": "signatures",
        "Fritidsbanken som mötesplats": "steering_group",
        # Rejected by the executive board: no step left.
        "Digital läxhjälp i hela kommunen": "",
    }
    uppsala = Case.objects.get(organisation__slug="uppsala")
    assert (uppsala.stage, uppsala.step, uppsala.rulebook_key) == (
        Stage.IDEA,
        "idea_description",
        "uppsala-2016",
    )
    assert uppsala.step_due_on is not None
