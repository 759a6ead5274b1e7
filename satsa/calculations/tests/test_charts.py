"""The editor's charts: the cumulative flows, the tornado and the distribution with its
percentiles, each with every label whole and its table."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.calculations import charts, services
from satsa.calculations.models import Calculation
from satsa.calculations.tests.test_editor import DATA, editor_post
from satsa.cases.models import Case
from satsa.economics import calculate
from satsa.events.actors import system_actor
from satsa.testing.charts import assert_charts_fit


@pytest.fixture
def calculation(case: Case) -> Calculation:
    calculation = services.calculation_create(case=case, actor=system_actor())
    return services.calculation_update(calculation=calculation, data=DATA, actor=system_actor())


def test_the_results_show_three_charts_with_every_label_whole(
    client_as: Any, alice: Any, calculation: Calculation, case: Case
) -> None:
    client = client_as(alice)
    post = editor_post(client, reverse("calculations:editor", args=["orebro", case.pk]))
    post["effects-0-volume_after_end"] = "3"
    html = client.post(reverse("calculations:results", args=["orebro", case.pk]), post)
    page = html.content.decode()
    assert assert_charts_fit(page) == 3
    assert ">P50<" in page


def test_the_tornado_lists_every_input_with_its_label() -> None:
    result = calculate(
        dict(
            DATA,
            effects=[
                dict(
                    DATA["effects"][0],
                    uncertainty={"volume_after_end": [1, 2, 3], "deadweight": [0.1, 0.2, 0.4]},
                )
            ],
        )
    )
    chart = charts.tornado(result, charts.INPUT_LABELS)
    assert chart is not None
    widest_first = sorted(result["sensitivity"], key=lambda e: -e["swing"])
    labels = [row[0] for row in chart.table.rows]
    assert len(labels) == len(widest_first) == 2
    assert all(label.startswith(DATA["effects"][0]["name"]) for label in labels)
    assert labels[0].endswith(str(charts.INPUT_LABELS[widest_first[0]["input"].split(".")[-1]]))
