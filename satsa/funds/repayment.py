"""Exact repayment arithmetic for the ledger: the settlement amounts and öre-exact shares.

The formula is ECONOMICS.md §3 (Örebro 2016: floor 30 %, fee 5 %). ``satsa.economics``
computes it in floats for the calculation; the ledger needs it in exact öre, so it is
restated here in Decimal. A check in the tests compares the two when the engine has it.

>>> settlement_amounts(cost=Decimal("1000000"), savings=Decimal("200000"),
...                    floor=Decimal("0.30"), fee_share=Decimal("0.05"))
(Decimal('300000.00'), Decimal('50000.00'))
>>> allocate(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
{'a': Decimal('33.34'), 'b': Decimal('33.33'), 'c': Decimal('33.33')}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")


def settlement_amounts(
    *, cost: Decimal, savings: Decimal, floor: Decimal, fee_share: Decimal
) -> tuple[Decimal, Decimal]:
    """(principal, fee) = (max(f·C, min(C, S)), g·C), each rounded to öre."""
    savings = max(savings, Decimal(0))
    principal = max(floor * cost, min(cost, savings))
    return (
        principal.quantize(ORE, rounding=ROUND_HALF_UP),
        (fee_share * cost).quantize(ORE, rounding=ROUND_HALF_UP),
    )


def allocate[K](amount: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Split ``amount`` in öre by ``weights`` so that the parts sum exactly to it
    (largest remainder; ties go to the earlier key)."""
    total = sum(weights.values(), Decimal(0))
    if not weights:
        return {}
    if total <= 0:
        weights = dict.fromkeys(weights, Decimal(1))
        total = Decimal(len(weights))
    cents = int((amount / ORE).to_integral_value(rounding=ROUND_HALF_UP))
    exact = {k: Decimal(cents) * w / total for k, w in weights.items()}
    floors = {k: int(v.to_integral_value(rounding=ROUND_DOWN)) for k, v in exact.items()}
    left = cents - sum(floors.values())
    order = sorted(weights, key=lambda k: -(exact[k] - floors[k]))
    for k in order[:left]:
        floors[k] += 1
    return {k: Decimal(floors[k]) * ORE for k in weights}
