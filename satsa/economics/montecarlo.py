"""Uncertainty: Monte Carlo over triangular inputs and a one-way sensitivity (tornado).

Both build a matrix of draws (one row per uncertain input, one column per draw) and hand
it to the engine in one go, so every draw is computed by the same array operations as
the deterministic result.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from satsa.economics.engine import Flows, evaluate, modes
from satsa.economics.model import Case, Input

__all__ = ["Sampler", "Simulation", "Swing", "sensitivity", "simulate", "triangular"]

Array = npt.NDArray[np.float64]

# Draws are computed in blocks of this many so that memory stays bounded (effect lines ×
# years × draws floats). Runs up to this size — every ordinary run — go in a single
# block; each input draws from its own stream in sequence, so the block size never
# changes a result.
BLOCK = 50_000


def triangular(
    u: npt.ArrayLike, low: npt.ArrayLike, mode: npt.ArrayLike, high: npt.ArrayLike
) -> Array:
    """The triangular distribution's inverse CDF: maps uniform ``u`` in [0, 1) to values.

    This is the transform ``Generator.triangular`` applies to its uniform numbers, done
    on whole arrays; unlike it, zero-width ranges (low = mode = high) are accepted and give
    the mode exactly.

    Examples
    --------
    >>> triangular([0.0, 0.5, 1.0], 0.0, 0.5, 1.0)
    array([0. , 0.5, 1. ])
    >>> triangular([0.3], 2.0, 2.0, 2.0)
    array([2.])
    """
    u_, a, c, b = (np.asarray(x, dtype=np.float64) for x in (u, low, mode, high))
    width = b - a
    # the CDF at the mode; any value will do for a zero-width range
    at_mode = np.divide(c - a, width, out=np.zeros(np.broadcast(c, width).shape), where=width > 0)
    below = u_ < at_mode
    # distance from the nearer end: √(u(b − a)(c − a)) below the mode, √((1 − u)(b − a)(b − c))
    # above it; one square root serves both
    spread = np.where(below, u_ * (width * (c - a)), (1.0 - u_) * (width * (b - c)))
    np.sqrt(spread, out=spread)
    values: Array = np.where(below, a + spread, b - spread)
    return values


@dataclass(frozen=True)
class Simulation:
    """The outcome of every draw: the intervention's NPV, its nominal net and the
    approval margin, and the NPV relative to each comparison alternative."""

    draws: int
    seed: int
    npv: Array
    net: Array
    approval_margin: Array
    relative_npv: dict[str, Array]


def _key(path: str) -> int:
    """A 128-bit number naming an input's stream (no two paths share one in practice)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:16], "big")


class Sampler:
    """Draws of every uncertain input of a case, reproducible from a seed.

    Each input has its own random stream, keyed by the seed and the input's path, so an
    input's draws depend on nothing else: adding, removing or changing another uncertain
    input (or a comparison alternative) leaves them as they were, and drawing in blocks
    gives the same numbers as drawing all at once.

    Examples
    --------
    >>> from satsa.economics.model import parse_case
    >>> case = parse_case({
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 0,
    ...     "costs": [{"year": 2026, "amount": 1, "uncertainty": {"amount": [0, 1, 2]}}],
    ...     "effects": []})
    >>> first = Sampler(case, seed=3).draw(4)
    >>> first.shape, bool((first >= 0).all() and (first <= 2).all())
    ((1, 4), True)
    >>> sampler = Sampler(case, seed=3)
    >>> bool(np.array_equal(np.hstack([sampler.draw(1), sampler.draw(3)]), first))
    True
    """

    def __init__(self, case: Case, seed: int) -> None:
        # the same streams as default_rng([seed, key]), built several times faster
        self._streams = [
            np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, _key(item.path)])))
            for item in case.inputs
        ]
        self._low, self._mode, self._high = (
            np.array([i.triangle[j] if i.triangle else i.value for i in case.inputs]).reshape(-1, 1)
            for j in range(3)
        )

    def draw(self, n: int) -> Array:
        """The next ``n`` draws: one row per input, one column per draw."""
        uniform = np.array([stream.random(n) for stream in self._streams]).reshape(-1, n)
        return triangular(uniform, self._low, self._mode, self._high)


def _npv(flows: Flows, n: int) -> Array:
    return np.broadcast_to(flows.npv(), (n,))


def simulate(case: Case, draws: int, seed: int | None = None) -> Simulation:
    """Draw every uncertain input ``draws`` times and compute all draws at once.

    Examples
    --------
    >>> from satsa.economics.model import parse_case
    >>> case = parse_case({
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 0,
    ...     "costs": [{"year": 2026, "amount": 100}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 150, "volume": {"2026": 1},
    ...                  "uncertainty": {"unit_cost": [0, 150, 200]}}]})
    >>> sim = simulate(case, 10_000, seed=1)
    >>> 0.6 < float(np.mean(sim.npv >= 0)) < 0.8
    True
    >>> bool(np.array_equal(sim.npv, simulate(case, 10_000, seed=1).npv))
    True
    """
    if seed is None:
        seed = secrets.randbits(32)
    sampler = Sampler(case, seed)
    npv_parts: list[Array] = []
    net_parts: list[Array] = []
    relative_parts: dict[str, list[Array]] = {alt.key: [] for alt in case.alternatives}
    for start in range(0, draws, BLOCK):
        n = min(BLOCK, draws - start)
        matrix = sampler.draw(n)
        flows = evaluate(case.intervention, case, matrix)
        npv = _npv(flows, n)
        npv_parts.append(npv)
        net_parts.append(np.broadcast_to(flows.net(), (n,)))
        for alt in case.alternatives:
            relative_parts[alt.key].append(npv - _npv(evaluate(alt, case, matrix), n))
    npv_all = np.concatenate(npv_parts) if npv_parts else np.zeros(0)
    net_all = np.concatenate(net_parts) if net_parts else np.zeros(0)
    return Simulation(
        draws=draws,
        seed=seed,
        npv=npv_all,
        net=net_all,
        approval_margin=npv_all if case.approval_basis == "discounted" else net_all,
        relative_npv={
            key: np.concatenate(parts) if parts else np.zeros(0)
            for key, parts in relative_parts.items()
        },
    )


@dataclass(frozen=True)
class Swing:
    """The intervention's NPV with one input at its low and at its high value."""

    input: Input
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        """How far the NPV moves between the two ends of the range."""
        return abs(self.npv_high - self.npv_low)


def sensitivity(case: Case) -> list[Swing]:
    """One-way sensitivity: each uncertain input of the intervention at its low and at its
    high value, every other input at its mode; largest swing first.

    Inputs of the comparison alternatives do not move the intervention's NPV and are left
    out.

    Examples
    --------
    >>> from satsa.economics.model import parse_case
    >>> case = parse_case({
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 0,
    ...     "costs": [{"year": 2026, "amount": 100, "uncertainty": {"amount": [90, 100, 130]}}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 150, "volume": {"2026": 1},
    ...                  "uncertainty": {"deadweight": [0, 0, 0.5]}}]})
    >>> [(s.input.path, s.npv_low, s.npv_high) for s in sensitivity(case)]
    [('effects[0].deadweight', 50.0, -25.0), ('costs[0].amount', 60.0, 20.0)]
    """
    own = [i for i in case.inputs if not i.path.startswith("alternatives.")]
    if not own:
        return []
    # column 2i has input i at its low value, column 2i + 1 at its high value
    matrix = np.repeat(modes(case), 2 * len(own), axis=1)
    for i, item in enumerate(own):
        assert item.triangle is not None and item.column is not None
        matrix[item.column, 2 * i] = item.triangle[0]
        matrix[item.column, 2 * i + 1] = item.triangle[2]
    npv = _npv(evaluate(case.intervention, case, matrix), 2 * len(own))
    swings = [Swing(item, float(npv[2 * i]), float(npv[2 * i + 1])) for i, item in enumerate(own)]
    # stable: equal swings keep the order of the inputs in the case
    return sorted(swings, key=lambda s: -s.swing)
