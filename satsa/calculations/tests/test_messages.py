"""The engine's messages reach the screens with numbers written in the person's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from satsa.calculations import engine

CASE = {
    "start_year": 2026,
    "project_years": 1,
    "horizon_years_after_end": 1,
    "costs": [],
    "effects": [{"actor": "Socialnämnden", "unit_cost": 1000, "deadweight": 1.5}],
}


@pytest.mark.parametrize(("lang", "shown"), [("sv", "fick 1,5"), ("en", "got 1.5")])
def test_a_decimal_in_a_message_is_written_the_languages_way(lang: str, shown: str) -> None:
    with translation.override(lang), pytest.raises(engine.CalculationInvalid) as refused:
        engine.run(CASE, draws=0)
    assert refused.value.problems[0].path == "effects[0].deadweight"
    assert refused.value.problems[0].message.endswith(shown)
