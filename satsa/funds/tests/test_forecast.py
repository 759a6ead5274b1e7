"""The fund's forecast spreads each commitment over the project's own years: by the
approved payment plan, else by a budget in those years, else evenly by months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from satsa.calculations.models import Calculation
from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.chart import forecast_chart

ON = dt.date(2026, 12, 3)


def a_future_case(funded: Any, make_case: Any) -> Any:
    case = make_case(
        funded,
        title="Brobyggare",
        granted=Decimal("3600000"),
        start=dt.date(2027, 1, 1),
        end=dt.date(2029, 12, 31),
    )
    services.commitment_create(
        case=case,
        amount=Decimal("3600000"),
        booked_on=dt.date(2026, 11, 1),
        reference="KS 2026/9",
        actor=system_actor(),
    )
    return case


def test_a_project_of_2027_to_2029_is_forecast_over_its_own_years(
    funded: Any, make_case: Any
) -> None:
    case = a_future_case(funded, make_case)
    assert sel.expected_claims(case, ON) == {
        2027: Decimal("1200000.00"),
        2028: Decimal("1200000.00"),
        2029: Decimal("1200000.00"),
    }
    rows = sel.fund_forecast(organisation=funded, on=ON)
    by_year = {r.year: r.payments for r in rows}
    assert by_year[2026] == 0 and by_year[2027] == Decimal("1200000.00")


def test_a_calculation_drafted_in_other_years_does_not_put_it_all_in_this_year(
    funded: Any, make_case: Any
) -> None:
    case = a_future_case(funded, make_case)
    Calculation.objects.create(
        case=case,
        organisation=funded,
        data={"costs": [{"year": 2026, "amount": 3600000, "financier": "fund"}]},
    )
    claims = sel.expected_claims(case, ON)
    assert 2026 not in claims and sum(claims.values()) == Decimal("3600000")


def test_a_budget_in_the_project_years_shapes_it(funded: Any, make_case: Any) -> None:
    case = a_future_case(funded, make_case)
    Calculation.objects.create(
        case=case,
        organisation=funded,
        data={
            "costs": [
                {"year": 2027, "amount": 600000, "financier": "fund"},
                {"year": 2028, "amount": 2000000, "financier": "fund"},
                {"year": 2029, "amount": 1000000, "financier": "fund"},
            ]
        },
    )
    assert sel.expected_claims(case, ON) == {
        2027: Decimal("600000.00"),
        2028: Decimal("2000000.00"),
        2029: Decimal("1000000.00"),
    }


def test_a_project_starting_mid_year_is_spread_by_months(funded: Any, make_case: Any) -> None:
    case = make_case(
        funded,
        title="Skolfam",
        granted=Decimal("2400000"),
        start=dt.date(2027, 7, 1),
        end=dt.date(2028, 6, 30),
    )
    services.commitment_create(
        case=case,
        amount=Decimal("2400000"),
        booked_on=dt.date(2026, 11, 1),
        reference="KS 2026/10",
        actor=system_actor(),
    )
    assert sel.expected_claims(case, ON) == {
        2027: Decimal("1200000.00"),
        2028: Decimal("1200000.00"),
    }


def test_the_forecast_chart_is_not_empty(funded: Any, make_case: Any) -> None:
    from satsa.core.charts import Rect

    a_future_case(funded, make_case)
    chart = forecast_chart(sel.fund_forecast(organisation=funded, on=ON))
    assert chart is not None
    bars = [s for s in chart.shapes if isinstance(s, Rect) and s.role == "bar" and s.h > 0]
    assert len(bars) >= 3  # a payment bar in each of 2027, 2028 and 2029
    years = [row[0] for row in chart.table.rows]
    assert {"2027", "2028", "2029"} <= set(years)
