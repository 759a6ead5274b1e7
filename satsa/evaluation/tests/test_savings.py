"""Realised savings per board, the settlement's input."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satsa.evaluation.errors import EvaluationError
from satsa.evaluation.savings import RealisedEffect, realised_savings


def test_it_reproduces_the_economics_known_value() -> None:
    # ECONOMICS.md §4: realised savings 900 000 (Socialnämnden) + 300 000 (Förskolenämnden)
    lines = [
        RealisedEffect("Socialnämnden", volume=2, unit_cost=420_000, name="placeringsår"),
        RealisedEffect("Socialnämnden", volume=1.5, unit_cost=40_000, name="HVB-dygn"),
        RealisedEffect("Förskolenämnden", volume=3, unit_cost=100_000),
    ]
    assert realised_savings(lines) == {
        "Socialnämnden": Decimal("900000.00"),
        "Förskolenämnden": Decimal("300000.00"),
    }


def test_amounts_are_exact_decimals_in_ore() -> None:
    # 0.1 × 3 is 0.30000000000000004 in floats; here it is 0.30
    result = realised_savings([RealisedEffect("A", volume=0.1, unit_cost=3)])
    assert result == {"A": Decimal("0.30")}
    assert realised_savings([RealisedEffect("A", volume="1", unit_cost="0.005")]) == {
        "A": Decimal("0.01")  # half an öre rounds up
    }


def test_a_board_that_ends_up_costing_more_is_floored_at_zero() -> None:
    lines = [
        RealisedEffect("Socialnämnden", volume=1, unit_cost=100_000),
        RealisedEffect("Socialnämnden", volume=-2, unit_cost=100_000),
    ]
    assert realised_savings(lines) == {"Socialnämnden": Decimal("0.00")}
    assert realised_savings(lines, floor_at_zero=False) == {"Socialnämnden": Decimal("-100000.00")}


def test_negative_zero_is_plain_zero() -> None:
    [amount] = realised_savings([RealisedEffect("A", volume=-0.0, unit_cost=5)]).values()
    assert str(amount) == "0.00"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (RealisedEffect(" ", volume=1, unit_cost=1), "actor (board) is missing"),
        (RealisedEffect("A", volume=float("nan"), unit_cost=1), "volume must be a number"),
        (RealisedEffect("A", volume=1, unit_cost="lots"), "unit_cost must be a number"),
        (RealisedEffect("A", volume=1, unit_cost=-5), "cannot be negative"),
    ],
)
def test_it_refuses_bad_lines_naming_the_line(line: RealisedEffect, fragment: str) -> None:
    with pytest.raises(EvaluationError, match=re.escape(fragment)) as caught:
        realised_savings([RealisedEffect("B", volume=1, unit_cost=1), line])
    assert "line 2" in caught.value.en and "Effektrad 2" in caught.value.sv


amounts = st.decimals(min_value=-1000, max_value=1000, places=2)


@given(lines=st.lists(st.tuples(st.sampled_from("ABC"), amounts, amounts.map(abs)), max_size=10))
def test_savings_are_never_negative_and_add_up_per_board(
    lines: list[tuple[str, Decimal, Decimal]],
) -> None:
    effects = [RealisedEffect(a, volume=v, unit_cost=c) for a, v, c in lines]
    floored, net = realised_savings(effects), realised_savings(effects, floor_at_zero=False)
    assert set(floored) == {a for a, _, _ in lines}
    for actor, amount in net.items():
        expected = sum((v * c for a, v, c in lines if a == actor), Decimal(0))
        assert amount == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert floored[actor] == max(amount, Decimal(0))
