"""Uncertainty: Monte Carlo over triangular inputs and a one-way sensitivity (tornado).

Both build a matrix of draws (one row per uncertain input, one column per draw) and hand
it to the engine. The tornado computes its columns by the same array operations as the
deterministic result. The Monte Carlo analysis needs only each draw's NPV and net, so it
uses the engine's :class:`~satsa.economics.engine.Shortcut`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from satsa.economics.engine import Shortcut, approval_lines, evaluate, modes
from satsa.economics.model import Case, Input

__all__ = ["Sampler", "Simulation", "Swing", "sensitivity", "simulate", "triangular"]

Array = npt.NDArray[np.float64]

# Draws are computed in blocks of at most this many, so that memory stays bounded; every
# ordinary run is one block. Each input's stream is read in sequence and every draw is
# computed on its own, so the block size never changes a result.
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
    a, c, b = (np.asarray(x, dtype=np.float64) for x in (low, mode, high))
    shape = np.broadcast_shapes(np.shape(u), a.shape, c.shape, b.shape)
    a, c, b = (np.broadcast_to(x, shape) for x in (a, c, b))
    uniform = np.array(np.broadcast_to(np.asarray(u, dtype=np.float64), shape))
    return _Shape(a, c, b, np.float64).values(uniform, np.empty(shape), np.empty(shape))


class _Shape:
    """The triangular transform for some ranges (one per row), its constants worked out
    once.

    The standard triangular value ``T`` in [0, 1] with its mode at ``F = (c − a)/(b − a)``
    is ``√(uF)`` below the mode and ``1 − √((1 − u)(1 − F))`` above it; the value is then
    ``a + (b − a)T``. Choosing between the two branches for each value (``np.where`` on a
    random mask) is slow, so ``T`` is written as one sum without a choice:

        T = √(F min(u, F)) + [√((1 − F)(1 − F)) − √((1 − F)(1 − max(u, F)))]

    Below the mode the bracket is exactly 0 (the same square root twice); above it the
    first term is ``F``.

    ``T`` may be computed in single precision (the Monte Carlo analysis does, which
    halves the work): a value is then placed within its range to about 1 part in 10
    million of the range's width, far below the sampling error. The scaling is always
    double precision, so a zero-width range gives its value exactly. No value leaves its
    range, without a check: ``T`` never exceeds 1 (``√(F·F) = F`` and ``√((1 − F)(1 − F))
    = 1 − F`` hold exactly in binary floating point, and ``F + (1 − F)`` rounds to at most
    1), and the width is lowered by an ulp where ``a + (b − a)`` would round above ``b``.

    ``steps`` saves a pass over the data: the uniform numbers may be given as
    ``u × steps`` (the sampler's are 32-bit integers, ``steps = 2^32``); the powers of two
    it brings in cancel exactly.
    """

    def __init__(
        self, low: Array, mode: Array, high: Array, dtype: type[np.floating], steps: int = 1
    ) -> None:
        width = high - low
        # the CDF at the mode; any value will do for a zero-width range
        at_mode: Array = np.divide(mode - low, width, out=np.zeros(width.shape), where=width > 0)
        self.at_mode = at_mode.astype(dtype)
        self.rest = 1 - self.at_mode
        # F and 1 in units of the uniform numbers
        self.mode_steps = (at_mode * steps).astype(dtype)
        self.steps = dtype(steps)
        # the bracket's first root, computed as the loop computes its second at u = F
        self.top = np.sqrt(self.rest * (self.steps - self.mode_steps))
        # T comes out multiplied by √steps; so that a + (b − a)T never exceeds b, the
        # width is lowered by an ulp wherever a + (b − a) rounds above b
        while np.any(over := low + width > high):
            width = np.where(over, np.nextafter(width, 0), width)
        self.low, self.width = low, width / np.sqrt(steps)

    def values(
        self, u: npt.NDArray[np.floating], scratch: npt.NDArray[np.floating], out: Array
    ) -> Array:
        """The values for uniform ``u`` (given as ``u × steps``), in ``out``; ``u`` and
        ``scratch`` are overwritten."""
        np.maximum(u, self.mode_steps, out=scratch)
        np.subtract(self.steps, scratch, out=scratch)
        scratch *= self.rest
        np.sqrt(scratch, out=scratch)
        np.subtract(self.top, scratch, out=scratch)
        np.minimum(u, self.mode_steps, out=u)
        u *= self.at_mode
        np.sqrt(u, out=u)
        np.add(u, scratch, out=out)  # T, now in double precision
        out *= self.width
        out += self.low
        return out


@dataclass(frozen=True)
class Simulation:
    """The outcome of every draw: the intervention's NPV, the margin of the approval rule
    (the NPV, or the nominal net when the rule is on that basis), and the NPV relative to
    each comparison alternative."""

    draws: int
    seed: int
    npv: Array
    approval_margin: Array
    relative_npv: dict[str, Array]


def _key(path: str) -> int:
    """A 64-bit number naming an input's stream (no two paths share one in practice)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big")


class Sampler:
    """Draws of every uncertain input of a case, reproducible from a seed.

    One PCG64 sequence, seeded by ``seed``, is cut into streams 2^64 steps apart: an
    input's stream starts at ``key × 2^64``, where the key is a hash of the input's path.
    An input's draws therefore depend on nothing but the seed and its path: adding,
    removing or changing another uncertain input (or a comparison alternative) leaves
    them as they were, and drawing in blocks gives the same numbers as drawing all at
    once. Jumping to a stream (``PCG64.advance``) costs far less than seeding a generator
    for each input. Each step of the sequence gives two uniform numbers, its low and its
    high 32 bits, rounded to single precision; see :class:`_Shape` for the precision of
    the values.

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
        self._bits = np.random.PCG64(seed)
        self._start = self._bits.state
        self._offsets = [_key(item.path) << 64 for item in case.inputs]
        self._drawn = 0
        low, mode, high = (
            np.array([i.triangle[j] if i.triangle else i.value for i in case.inputs]).reshape(-1, 1)
            for j in range(3)
        )
        self._shape = _Shape(low, mode, high, np.float32, steps=2**32)

    def draw(self, n: int) -> Array:
        """The next ``n`` draws: one row per input, one column per draw."""
        # uniform numbers drawn so far … drawn + n: the low and high halves of these steps
        first, odd = divmod(self._drawn, 2)
        steps = (self._drawn + n + 1) // 2 - first
        raw = np.empty((len(self._offsets), steps), dtype="<u8")
        for row, offset in zip(raw, self._offsets, strict=True):
            self._bits.state = self._start
            self._bits.advance(offset + first)
            row[:] = self._bits.random_raw(steps)
        self._drawn += n
        halves = raw.view("<u4")
        uniforms = halves[:, odd : odd + n].astype(np.float32)
        # the raw numbers are not needed again: their memory serves as scratch space
        # (fresh memory is slow to touch the first time)
        scratch = halves.view(np.float32)[:, :n]
        return self._shape.values(uniforms, scratch, np.empty(uniforms.shape))


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
    nominal = case.approval_basis == "nominal"
    intervention = Shortcut(case.intervention, case)
    # the approval rule may count fewer savings than the NPV (perspectives, project years)
    counted = approval_lines(case)
    separate = None if counted is case.intervention else Shortcut(counted, case)
    alternatives = {alt.key: Shortcut(alt, case) for alt in case.alternatives}
    npv = np.empty(draws)
    margin = np.empty(draws) if nominal or separate is not None else npv
    relative = {key: np.empty(draws) for key in alternatives}
    for start in range(0, draws, BLOCK):
        matrix = sampler.draw(min(BLOCK, draws - start))
        part = slice(start, start + matrix.shape[1])
        npv[part], net = intervention(matrix)
        if separate is not None:
            counted_npv, counted_net = separate(matrix)
            margin[part] = counted_net if nominal else counted_npv
        elif nominal:
            margin[part] = net
        for key, shortcut in alternatives.items():
            relative[key][part] = npv[part] - shortcut(matrix)[0]
    return Simulation(
        draws=draws, seed=seed, npv=npv, approval_margin=margin, relative_npv=relative
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
    npv = evaluate(case.intervention, case, matrix).npv()
    swings = [Swing(item, float(npv[2 * i]), float(npv[2 * i + 1])) for i, item in enumerate(own)]
    # stable: equal swings keep the order of the inputs in the case
    return sorted(swings, key=lambda s: -s.swing)
