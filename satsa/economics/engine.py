"""The formulas of ECONOMICS.md §2 as array functions.

The engine works on a matrix of draws of shape ``(U, n)``: one row per uncertain input
(``Case.inputs``), one column per draw. The deterministic calculation is the single
column of modes, the Monte Carlo analysis many columns, the tornado one column per input
at its low or high value, so all three share one code path.

The draw is always the **last** axis (``(lines, years, n)``), so that every operation
on one line or one year reads and writes contiguous memory. That axis has length ``n``,
or 1 when nothing an array depends on is uncertain; broadcasting takes care of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from satsa.economics.model import Case, Input, LineSet

__all__ = [
    "Flows",
    "derive_unit_cost",
    "discount_factors",
    "evaluate",
    "modes",
    "present_value",
    "restate",
    "take",
]

Array = npt.NDArray[np.float64]


def discount_factors(years: npt.ArrayLike, rate: npt.ArrayLike, base_year: float) -> Array:
    """``DF(y) = 1 / (1 + r)^(y − b)`` for each year; one row per rate when ``rate`` is an array.

    Parameters
    ----------
    years : array_like, shape (Y,)
        Calendar years.
    rate : float or array_like, shape (n,)
        Real discount rate(s).
    base_year : int
        The year that is not discounted (DF = 1).

    Returns
    -------
    ndarray, shape (Y,) for a scalar rate, (n, Y) for n rates

    Examples
    --------
    Green Book, r = 3.5 %, base year = first year:

    >>> discount_factors([2026, 2027, 2028], 0.035, 2026).round(6)
    array([1.      , 0.966184, 0.933511])
    >>> discount_factors([1, 2], [0.0, 0.03], 0).round(6)
    array([[1.      , 1.      ],
           [0.970874, 0.942596]])
    """
    years_ = np.asarray(years, dtype=np.float64)
    rate_ = np.asarray(rate, dtype=np.float64)
    factors: Array = (1.0 + rate_[..., np.newaxis]) ** -(years_ - base_year)
    return factors


def present_value(
    flows: npt.ArrayLike, years: npt.ArrayLike, rate: npt.ArrayLike, base_year: float
) -> Array:
    """``Σ_y flow(y) × DF(y)`` over the last axis of ``flows``.

    Examples
    --------
    Green Book: −100 now and 30 a year for five years at 3.5 %:

    >>> float(present_value([-100, 30, 30, 30, 30, 30], range(6), 0.035, 0).round(4))
    35.4516

    WSIPP: 500 a year in years 1…20 at 3 %, a spreadsheet's ``NPV()`` (base year 0):

    >>> float(present_value([500] * 20, range(1, 21), 0.03, 0).round(2))
    7438.74
    """
    total: Array = np.sum(
        np.asarray(flows, dtype=np.float64) * discount_factors(years, rate, base_year), axis=-1
    )
    return total


def restate(value: npt.ArrayLike, index_at_price_year: float, index_at_value_year: float) -> Array:
    """Restate an amount to the case's price year: ``value × index[price_year] / index[p]``.

    Examples
    --------
    A placement year costing 420 000 kr in 2024 prices, restated to 2026 with PKV:

    >>> float(restate(420_000, 104.3, 100.0).round(2))
    438060.0
    """
    restated: Array = np.asarray(value, dtype=np.float64) * (
        index_at_price_year / index_at_value_year
    )
    return restated


def derive_unit_cost(total_cost: npt.ArrayLike, units: npt.ArrayLike) -> Array:
    """A unit cost from a total cost and the number of units it paid for.

    Examples
    --------
    Örebro kommun's social assistance in 2020 (Socialstyrelsen): 217 095 tkr for 3 622
    households, i.e. about 59 938 kr per household and year:

    >>> float(derive_unit_cost(217_095 * 1000, 3_622).round())
    59938.0
    """
    cost: Array = np.asarray(total_cost, dtype=np.float64) / np.asarray(units, dtype=np.float64)
    return cost


def modes(case: Case) -> Array:
    """The one-column matrix of draws that puts every uncertain input at its mode."""
    return np.array([i.value for i in case.inputs], dtype=np.float64).reshape(-1, 1)


def take(inputs: Sequence[Input], draws: Array) -> Array:
    """The values of ``inputs`` in each column (draw) of ``draws``.

    Returns shape ``(len(inputs), 1)`` when none of them is uncertain, else
    ``(len(inputs), n)``.

    Examples
    --------
    >>> from satsa.economics.model import Input
    >>> fixed, ranged = Input("a", 2.0), Input("b", 5.0, (4.0, 5.0, 6.0), column=0)
    >>> take([fixed, ranged], np.array([[4.5, 6.0]]))
    array([[2. , 2. ],
           [4.5, 6. ]])
    >>> take([fixed], np.array([[4.5, 6.0]]))
    array([[2.]])
    """
    values = np.array([i.value for i in inputs], dtype=np.float64).reshape(-1, 1)
    ranged = [(pos, i.column) for pos, i in enumerate(inputs) if i.column is not None]
    if not ranged:
        return values
    out = np.repeat(values, draws.shape[1], axis=1)
    positions = [pos for pos, _ in ranged]
    columns = [col for _, col in ranged]
    out[positions] = draws[columns]
    return out


@dataclass(frozen=True)
class Flows:
    """Yearly flows of one line set for each draw.

    ``costs`` has shape (L, Y, n) — one row per cost line, optimism bias included;
    ``savings`` (K, Y, n) — one row per effect line, every adjustment included (negative
    for an ``increase`` line); ``discount`` (Y, n). ``n`` may be 1 in any of them.
    """

    years: Array
    costs: Array
    savings: Array
    discount: Array

    @cached_property
    def cost(self) -> Array:
        """Total cost per year, shape (Y, n)."""
        total: Array = self.costs.sum(axis=0)
        return total

    @cached_property
    def saving(self) -> Array:
        """Total savings per year, shape (Y, n)."""
        total: Array = self.savings.sum(axis=0)
        return total

    def pv_cost(self) -> Array:
        """Present value of the costs, shape (n,)."""
        pv: Array = (self.cost * self.discount).sum(axis=0)
        return pv

    def pv_savings(self) -> Array:
        """Present value of the savings, shape (n,)."""
        pv: Array = (self.saving * self.discount).sum(axis=0)
        return pv

    def npv(self) -> Array:
        """Net present value, shape (n,)."""
        npv: Array = self.pv_savings() - self.pv_cost()
        return npv

    def net(self) -> Array:
        """Undiscounted savings minus cost over the horizon, shape (n,)."""
        net: Array = (self.saving - self.cost).sum(axis=0)
        return net


def evaluate(lines: LineSet, case: Case, draws: Array) -> Flows:
    """The flows of ``lines`` for each column (draw) of ``draws`` (ECONOMICS.md §2).

    Examples
    --------
    >>> from satsa.economics.model import parse_case
    >>> case = parse_case({
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 2,
    ...     "optimism_bias": {"costs": 0.51},
    ...     "costs": [{"year": 2026, "amount": 100}, {"year": 2027, "amount": 50},
    ...               {"year": 2028, "amount": 50}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 100, "volume_after_end": 1,
    ...                  "deadweight": 0.2, "drop_off": 0.5}]})
    >>> flows = evaluate(case.intervention, case, modes(case))
    >>> flows.cost[:, 0].round(2)
    array([151. ,  75.5,  75.5])
    >>> flows.saving[:, 0].round(2)
    array([ 0., 40., 20.])
    """
    years = case.years
    rates = take([case.discount_rate], draws)[0]
    return Flows(
        years=years,
        costs=_costs(lines, case, draws),
        savings=_savings(lines, case, draws),
        discount=discount_factors(years, rates, case.discount_base_year).T,
    )


def _costs(lines: LineSet, case: Case, draws: Array) -> Array:
    """cost(y) = Σ cost lines in y × (1 + ob_costs), kept per line: shape (L, Y, n)."""
    years = case.years
    placement = np.array([years == line.year for line in lines.costs], dtype=np.float64)
    amounts = take([line.amount for line in lines.costs], draws)
    uplift = 1.0 + take([case.optimism_costs], draws)
    costs: Array = placement.reshape(-1, len(years), 1) * (amounts * uplift)[:, np.newaxis, :]
    return costs


def _savings(lines: LineSet, case: Case, draws: Array) -> Array:
    """saving_k(y) for each effect line k: shape (K, Y, n).

    ``volume_k(y) × unit_k × (1 − d)(1 − a)(1 − s) × (1 − o)^max(0, y − end) × (1 − ob)``
    """
    effects = lines.effects
    years = case.years
    if not effects:
        return np.zeros((0, len(years), 1))

    def share(field: str) -> Array:
        return take([getattr(effect, field) for effect in effects], draws)

    factors = np.array([[e.price_factor * e.sign] for e in effects], dtype=np.float64)
    unit = take([e.unit_cost for e in effects], draws) * factors
    kept = (
        (1.0 - share("deadweight")) * (1.0 - share("attribution")) * (1.0 - share("displacement"))
    )
    per_unit = unit * kept * (1.0 - take([case.optimism_effects], draws))

    # volume × value per unit, then × (1 − o)^t in the t-th year after the end, in place:
    # these are the largest arrays of a Monte Carlo run (lines × years × draws)
    volume = _volumes(lines, draws, len(years))
    kept_after_end = 1.0 - share("drop_off")
    n = max(volume.shape[2], per_unit.shape[1], kept_after_end.shape[1])
    savings: Array = np.multiply(
        volume, per_unit[:, np.newaxis, :], out=np.empty(volume.shape[:2] + (n,))
    )
    fade = kept_after_end.copy()
    # a loop over the years after the end, never over draws
    for y in range(case.project_years, len(years)):
        savings[:, y] *= fade
        fade *= kept_after_end
    return savings


def _volumes(lines: LineSet, draws: Array, n_years: int) -> Array:
    """volume_k(y) = Σ_parts value × weights(y), shape (K, Y, n)."""
    owners = [(k, part) for k, effect in enumerate(lines.effects) for part in effect.volume]
    values = take([part.value for _, part in owners], draws)
    volume = np.zeros((len(lines.effects), n_years, values.shape[1]))
    # a loop over the volume terms of the lines, never over draws; the terms of one line
    # cover disjoint years (VolumePart), so each writes its years without adding
    for j, (k, part) in enumerate(owners):
        weights = np.asarray(part.weights, dtype=np.float64)
        used = np.flatnonzero(weights)
        if used.size and used[-1] - used[0] + 1 == used.size:
            # contiguous years (the usual case): write straight into a view
            years = slice(int(used[0]), int(used[-1]) + 1)
            np.multiply(weights[years, np.newaxis], values[j], out=volume[k, years])
        elif used.size:
            volume[k, used] = weights[used, np.newaxis] * values[j]
    return volume
