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
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from satsa.economics.model import Case, Input, LineSet

__all__ = [
    "Flows",
    "Pick",
    "Shortcut",
    "approval_lines",
    "derive_unit_cost",
    "discount_factors",
    "evaluate",
    "modes",
    "npv_and_net",
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
    ``(len(inputs), n)``; possibly a view of ``draws``, so never write to it.

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
    return Pick(inputs)(draws)


def _rows(indices: Sequence[int]) -> slice | npt.NDArray[np.intp]:
    """An index for ``array[indices]``: a slice (a view, no copy) when the indices are
    evenly spaced and increasing, as the same field of every line usually is."""
    steps = set(np.diff(indices).tolist())
    if indices and len(steps) <= 1 and all(step > 0 for step in steps):
        return slice(indices[0], indices[-1] + 1, steps.pop() if steps else 1)
    return np.asarray(indices, dtype=np.intp)


class Pick:
    """Where the values of some inputs are found in a matrix of draws, worked out once;
    calling it with the draws does what :func:`take` does."""

    def __init__(self, inputs: Sequence[Input]) -> None:
        self.values = np.array([i.value for i in inputs], dtype=np.float64).reshape(-1, 1)
        ranged = [(pos, i.column) for pos, i in enumerate(inputs) if i.column is not None]
        self.fixed = not ranged
        self.every = len(ranged) == len(inputs) and not self.fixed
        self._positions = [pos for pos, _ in ranged]
        self._columns = _rows([col for _, col in ranged])

    def __call__(self, draws: Array) -> Array:
        if self.fixed:
            return self.values
        if self.every:
            picked: Array = draws[self._columns]
            return picked
        out = np.repeat(self.values, draws.shape[1], axis=1)
        out[self._positions] = draws[self._columns]
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


def npv_and_net(lines: LineSet, case: Case, draws: Array) -> tuple[Array, Array]:
    """The NPV and the undiscounted net of ``lines`` for each draw (see :class:`Shortcut`).

    Examples
    --------
    >>> from satsa.economics.model import parse_case
    >>> case = parse_case({
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 2,
    ...     "discount_rate": 0.035,
    ...     "costs": [{"year": 2026, "amount": 100}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 100, "volume_after_end": 1,
    ...                  "deadweight": 0.2, "drop_off": 0.5}]})
    >>> npv, net = npv_and_net(case.intervention, case, modes(case))
    >>> flows = evaluate(case.intervention, case, modes(case))
    >>> bool(np.allclose([npv, net], [flows.npv(), flows.net()], rtol=1e-12))
    True
    >>> float(net[0])
    -40.0
    """
    return Shortcut(lines, case)(draws)


class Shortcut:
    """The NPV and the undiscounted net of a line set for each draw, without the flows.

    The same formulas as :func:`evaluate`, summed in another order so that no array of
    lines × years × draws is ever built: the savings of each year are summed over the
    lines first (in the years after the end, with the drop-off ``(1 − o)^t`` kept per
    line from one year to the next), then discounted. The Monte Carlo analysis needs
    only these two figures of every draw. Everything that depends on the case alone is
    worked out once, here; a call does array arithmetic only. Results agree with
    ``evaluate`` to rounding.

    Calling it returns the NPV and the net, arrays of shape (n,), or (1,) when nothing is
    uncertain.
    """

    def __init__(self, lines: LineSet, case: Case) -> None:
        self._years = len(case.years)
        self._inside = case.project_years
        self._exponent = case.start_year - case.discount_base_year
        self._rate = Pick([case.discount_rate])
        self._cost_uplift = Pick([case.optimism_costs])
        self._amounts = Pick([line.amount for line in lines.costs])
        self._cost_years = np.array(
            [line.year - case.start_year for line in lines.costs], dtype=np.intp
        )

        effects = lines.effects
        self._unit = Pick([e.unit_cost for e in effects])
        self._factors = np.array([[e.price_factor * e.sign] for e in effects], dtype=np.float64)
        self._shares = [
            Pick([getattr(e, field) for e in effects])
            for field in ("deadweight", "attribution", "displacement")
        ]
        self._effects_uplift = Pick([case.optimism_effects])

        terms = [(k, part) for k, effect in enumerate(effects) for part in effect.volume]
        weights = np.array([part.weights for _, part in terms], dtype=np.float64).reshape(
            len(terms), self._years
        )
        # each project year: fixed volumes as one coefficient per line, ranged ones apart
        self._project: list[tuple[int, Array, Array, Pick, slice | npt.NDArray[np.intp]]] = []
        for y in range(self._inside):
            coefficients = np.zeros(len(effects))
            ranged: list[tuple[float, Input, int]] = []
            for (k, part), w in zip(terms, weights[:, y], strict=True):
                if w and part.value.column is None:
                    coefficients[k] += w * part.value.value
                elif w:
                    ranged.append((w, part.value, k))
            if coefficients.any() or ranged:
                self._project.append(
                    (
                        y,
                        coefficients,
                        np.array([[w] for w, _, _ in ranged], dtype=np.float64),
                        Pick([value for _, value, _ in ranged]),
                        _rows([k for _, _, k in ranged]),
                    )
                )
        # the years after the end: the volume terms that have any, and their weight in
        # each year; a weight that is the same for all of them (the usual 1) as a number
        later = [j for j in range(len(terms)) if weights[j, self._inside :].any()]
        self._after: list[float | Array] = (
            [
                float(column[0]) if np.all(column == column[0]) else column.reshape(-1, 1)
                for column in weights[later, self._inside :].T
            ]
            if later
            else []
        )
        self._after_values = Pick([terms[j][1].value for j in later])
        self._after_lines = _rows([terms[j][0] for j in later])
        self._drop_off = Pick([effects[terms[j][0]].drop_off for j in later])

    def __call__(self, draws: Array) -> tuple[Array, Array]:
        # DF(y) for every year: the first by a power, then one division by (1 + r) a year
        shrink = 1.0 / (1.0 + self._rate(draws))  # (1, m)
        discount = np.empty((self._years, shrink.shape[1]))
        np.power(shrink[0], self._exponent, out=discount[0])
        for y in range(1, self._years):
            np.multiply(discount[y - 1], shrink[0], out=discount[y])

        uplift = 1.0 + self._cost_uplift(draws)[0]
        amounts = self._amounts(draws)
        pv: Array = -(amounts * discount[self._cost_years]).sum(axis=0) * uplift
        net: Array = -amounts.sum(axis=0) * uplift
        if not self._project and not self._after:
            return pv, net

        per_unit = self._unit(draws) * self._factors
        for share in self._shares:
            per_unit = per_unit * (1.0 - share(draws))
        per_unit = per_unit * (1.0 - self._effects_uplift(draws))

        for y, coefficients, weights, values, lines in self._project:
            saving: Array | float = 0.0
            if coefficients.any():
                # (a matrix product would start BLAS threads for these small arrays)
                saving = np.einsum("k,km->m", coefficients, per_unit)
            if weights.size:
                saving = saving + _dot(weights * values(draws), per_unit[lines])
            pv = pv + saving * discount[y]
            net = net + saving
        if self._after:
            keep = 1.0 - self._drop_off(draws)
            value = self._after_values(draws) * per_unit[self._after_lines]
            fade = np.array(keep)  # (1 − o)^t
            for t, weight in enumerate(self._after, start=1):
                if t > 1:
                    fade *= keep
                if isinstance(weight, float):
                    saving = _dot(value, fade) * weight
                else:
                    saving = _dot(value * weight, fade)
                pv = pv + saving * discount[self._inside - 1 + t]
                net = net + saving
        return pv, net


def _dot(a: Array, b: Array) -> Array:
    """``Σ_p a[p] × b[p]`` over the first axis, broadcasting the last: shape (m,)."""
    total: Array = np.einsum("pm,pm->m", *np.broadcast_arrays(a, b))
    return total


def approval_lines(case: Case) -> LineSet:
    """The intervention's lines as the approval rule counts them: every cost, and the
    savings of the actors in the rule's perspectives — without those of the project
    years when the rule leaves them out. The intervention's own lines when it counts all.
    """
    lines = case.intervention
    effects = tuple(
        e for e in lines.effects if case.perspective(e.actor) in case.approval_perspectives
    )
    if not case.approval_project_savings:
        inside = case.project_years
        effects = tuple(
            replace(
                e,
                volume=tuple(
                    replace(part, weights=(0.0,) * inside + part.weights[inside:])
                    for part in e.volume
                ),
            )
            for e in effects
        )
    if effects == lines.effects:
        return lines
    return replace(lines, effects=effects)
