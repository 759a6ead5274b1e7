"""Realised savings per board, the input of the repayment settlement (ECONOMICS.md §3).

After the effect evaluation, each effect line of the calculation has a *realised*
volume: the units of a service actually avoided (placements, care days, households on
social assistance …), already net of what would have happened anyway — e.g. the
difference-in-differences against the control group. Realised savings are volume ×
unit cost, added up per actor. The result has the shape of ECONOMICS.md §5
``repayment.realised_savings``: ``{board: amount}``.

Amounts are :class:`~decimal.Decimal` in öre precision, because they go into the
ledger (CONVENTIONS.md #9); ``float(amount)`` gives the number the calculation engine
reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from satsa.evaluation.errors import EvaluationError

__all__ = ["RealisedEffect", "realised_savings"]

_ORE = Decimal("0.01")
Number = int | float | Decimal | str


@dataclass(frozen=True)
class RealisedEffect:
    """One effect line as realised.

    ``volume`` is units avoided (positive means fewer units used, i.e. a saving; a
    negative volume means the service was used more). ``unit_cost`` is the cost of
    one unit in the calculation's price year.
    """

    actor: str
    volume: Number
    unit_cost: Number
    name: str = ""


def _decimal(value: Number, what: str, line: int) -> Decimal:
    # Floats go through str() so that 0.1 means 0.1, not its binary approximation.
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise EvaluationError(
            sv=f"Effektrad {line}: {what} måste vara ett tal, fick {value!r}.",
            en=f"Effect line {line}: {what} must be a number, got {value!r}.",
        )
    return number


def realised_savings(
    effects: Iterable[RealisedEffect], *, floor_at_zero: bool = True
) -> dict[str, Decimal]:
    """Realised savings per actor (board): Σ volume × unit cost, in öre.

    Parameters
    ----------
    effects : iterable of RealisedEffect
        The realised effect lines.
    floor_at_zero : bool
        The settlement takes each board's realised savings as ``S_b ≥ 0``: a board
        whose lines add up to a cost increase is reported with 0 (True, default).
        False gives the net amount, which may be negative (for reporting).

    Returns
    -------
    dict
        Actor → amount, in the order the actors first appear; every actor with a line
        is present.

    Examples
    --------
    >>> realised_savings([
    ...     RealisedEffect("Socialnämnden", volume=2, unit_cost=420_000),
    ...     RealisedEffect("Socialnämnden", volume=1.5, unit_cost=40_000),
    ...     RealisedEffect("Förskolenämnden", volume=3, unit_cost=100_000),
    ...     RealisedEffect("Förskolenämnden", volume=-0.5, unit_cost=20_000),
    ... ])
    {'Socialnämnden': Decimal('900000.00'), 'Förskolenämnden': Decimal('290000.00')}
    """
    totals: dict[str, Decimal] = {}
    for line, effect in enumerate(effects, start=1):
        actor = effect.actor.strip() if isinstance(effect.actor, str) else ""
        if not actor:
            raise EvaluationError(
                sv=f"Effektrad {line}: aktör (nämnd) saknas.",
                en=f"Effect line {line}: the actor (board) is missing.",
            )
        volume = _decimal(effect.volume, "volume", line)
        unit_cost = _decimal(effect.unit_cost, "unit_cost", line)
        if unit_cost < 0:
            raise EvaluationError(
                sv=f"Effektrad {line}: enhetskostnaden kan inte vara negativ.",
                en=f"Effect line {line}: the unit cost cannot be negative.",
            )
        totals[actor] = totals.get(actor, Decimal(0)) + volume * unit_cost
    result: dict[str, Decimal] = {}
    for actor, amount in totals.items():
        if floor_at_zero and not amount > 0:
            amount = Decimal(0)
        # + 0 turns a negative zero (e.g. from volume -0.0) into a plain zero
        result[actor] = amount.quantize(_ORE, rounding=ROUND_HALF_UP) + 0
    return result
