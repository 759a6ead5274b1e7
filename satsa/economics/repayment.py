"""The repayment model with risk sharing (Örebro 2013–2019, ECONOMICS.md §3).

The plan decided with the grant spreads the fund's cost plus the fee over the boards
expected to save, in proportion to their expected savings and over the years those
savings are expected. The settlement after the effect evaluation puts realised savings
in place of expected ones: the boards repay what the effects actually generated, but
never less than the floor, plus the fee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "BoardPlan",
    "BoardSettlement",
    "Plan",
    "Settlement",
    "repayment_plan",
    "repayment_principal",
    "settle",
]

Array = npt.NDArray[np.float64]


def repayment_principal(cost: npt.ArrayLike, realised: npt.ArrayLike, floor: float) -> Array:
    """``max(f × C, min(C, S))``: what the boards repay of a cost C after savings S.

    Examples
    --------
    >>> repayment_principal(2_000_000, [1_200_000, 0, 3_000_000], 0.30)
    array([1200000.,  600000., 2000000.])
    """
    cost_ = np.asarray(cost, dtype=np.float64)
    principal: Array = np.maximum(floor * cost_, np.minimum(cost_, np.asarray(realised)))
    return principal


@dataclass(frozen=True)
class BoardPlan:
    """One board's part of the plan; ``schedule`` is (year, amount) for each year it pays."""

    board: str
    share: float
    principal: float
    fee: float
    total: float
    schedule: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Plan:
    """The repayment plan: the fund's cost C plus the fee, spread over boards and years."""

    cost: float
    fee: float
    total: float
    boards: tuple[BoardPlan, ...]

    def shares(self) -> dict[str, float]:
        """Each board's planned share of the repayment."""
        return {b.board: b.share for b in self.boards}


def repayment_plan(
    *,
    cost: float,
    fee_rate: float,
    years: Sequence[int],
    expected: Mapping[str, npt.ArrayLike],
) -> Plan:
    """Spread ``cost × (1 + fee_rate)`` over boards and years in proportion to expected savings.

    Parameters
    ----------
    cost : float
        C, the cost charged to the fund (co-financing is not repaid).
    fee_rate : float
        g, the administrative fee as a share of C.
    years : sequence of int
        The calendar years of ``expected``.
    expected : mapping
        Board → expected savings in each year. Years in which a board's savings are
        negative (it bears a cost) count as 0.

    Examples
    --------
    >>> plan = repayment_plan(cost=1_000, fee_rate=0.05, years=[2027, 2028],
    ...                       expected={"Socialnämnden": [300, 300], "Skolnämnden": [0, 400]})
    >>> plan.total
    1050.0
    >>> [(b.board, b.share, b.schedule) for b in plan.boards]
    [('Socialnämnden', 0.6, ((2027, 315.0), (2028, 315.0))), ('Skolnämnden', 0.4, ((2028, 420.0),))]
    """
    fee = fee_rate * cost
    total = cost + fee
    boards = list(expected)
    weights = np.maximum(
        0.0,
        np.array([np.asarray(expected[b], dtype=np.float64) for b in boards]).reshape(
            len(boards), len(years)
        ),
    )
    whole = float(weights.sum())
    if whole <= 0.0:
        return Plan(cost=cost, fee=fee, total=total, boards=())
    parts = weights / whole
    planned = []
    for board, row in zip(boards, parts, strict=True):
        share = float(row.sum())
        if share <= 0.0:
            continue
        schedule = tuple(
            (int(year), float(total * part))
            for year, part in zip(years, row, strict=True)
            if part > 0
        )
        planned.append(BoardPlan(board, share, cost * share, fee * share, total * share, schedule))
    return Plan(cost=cost, fee=fee, total=total, boards=tuple(planned))


@dataclass(frozen=True)
class BoardSettlement:
    """One board's part of the settlement."""

    board: str
    realised_savings: float
    share: float
    principal: float
    fee: float
    due: float


@dataclass(frozen=True)
class Settlement:
    """The settlement after the effect evaluation.

    ``shared_by`` says how the amount was shared: by realised savings, or by the planned
    shares (asked for, or because nothing was saved).
    """

    cost: float
    realised_savings: float
    floor_amount: float
    principal: float
    fee: float
    due: float
    shared_by: Literal["realised_savings", "plan"]
    boards: tuple[BoardSettlement, ...]


def settle(
    *,
    cost: float,
    realised: Mapping[str, float],
    floor: float,
    fee_rate: float,
    planned_shares: Mapping[str, float],
    shared_by: Literal["realised_savings", "plan"] = "realised_savings",
) -> Settlement:
    """The settlement: ``principal = max(f·C, min(C, S))``, ``fee = g·C``, shared by board.

    Each board's part is ``S_b / S`` of principal and fee (by realised savings), or its
    planned share when ``shared_by="plan"`` or when S = 0.

    Examples
    --------
    Örebro: C = 2 000 000, realised savings 900 000 + 300 000:

    >>> s = settle(cost=2_000_000, realised={"Socialnämnden": 900_000,
    ...            "Förskolenämnden": 300_000}, floor=0.30, fee_rate=0.05, planned_shares={})
    >>> s.principal, s.fee, s.due
    (1200000.0, 100000.0, 1300000.0)
    >>> [(b.board, b.due) for b in s.boards]
    [('Socialnämnden', 975000.0), ('Förskolenämnden', 325000.0)]

    Nothing saved: the floor, shared as planned:

    >>> s = settle(cost=1_000, realised={}, floor=0.30, fee_rate=0.05,
    ...            planned_shares={"Socialnämnden": 1.0})
    >>> s.principal, s.shared_by, s.boards[0].due
    (300.0, 'plan', 350.0)
    """
    total_realised = float(sum(realised.values()))
    principal = float(repayment_principal(cost, total_realised, floor))
    fee = fee_rate * cost
    if shared_by == "realised_savings" and total_realised > 0:
        shares = {b: s / total_realised for b, s in realised.items()}
    else:
        shared_by = "plan"
        shares = dict(planned_shares)
    boards = list(realised) + [b for b in planned_shares if b not in realised]
    return Settlement(
        cost=cost,
        realised_savings=total_realised,
        floor_amount=floor * cost,
        principal=principal,
        fee=fee,
        due=principal + fee,
        shared_by=shared_by,
        boards=tuple(
            BoardSettlement(
                board=b,
                realised_savings=float(realised.get(b, 0.0)),
                share=shares.get(b, 0.0),
                principal=principal * shares.get(b, 0.0),
                fee=fee * shares.get(b, 0.0),
                due=(principal + fee) * shares.get(b, 0.0),
            )
            for b in boards
        ),
    )
