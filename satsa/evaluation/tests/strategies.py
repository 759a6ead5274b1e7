"""Shared hypothesis strategies for the evaluation package's property tests."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st

# Measurement values of the size instruments and registers give (scores, counts, kronor):
# wide enough to find mistakes, narrow enough that float rounding stays far below 1e-6.
values = st.floats(min_value=-1_000, max_value=1_000, allow_nan=False, allow_infinity=False)
constants = st.floats(min_value=-1_000, max_value=1_000, allow_nan=False, allow_infinity=False)
group_sizes = st.integers(min_value=5, max_value=40)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
counts = st.integers(min_value=0, max_value=200)
degrees_of_freedom = st.floats(min_value=0.5, max_value=1e9, allow_nan=False)
probabilities = st.floats(min_value=1e-9, max_value=1 - 1e-9)


@st.composite
def samples(draw: st.DrawFn, size: int | None = None) -> npt.NDArray[np.float64]:
    """A sample with some spread, drawn from a seeded generator (fast to shrink)."""
    n = size if size is not None else draw(group_sizes)
    rng = np.random.default_rng(draw(seeds))
    location = draw(st.floats(min_value=-100, max_value=100))
    scale = draw(st.floats(min_value=0.5, max_value=50))
    return rng.normal(location, scale, size=n)


@st.composite
def paired_groups(
    draw: st.DrawFn,
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]:
    """Baseline and follow-up of a treatment and a control group, the same people twice."""
    n_t, n_c = draw(group_sizes), draw(group_sizes)
    t0, c0 = draw(samples(n_t)), draw(samples(n_c))
    t1, c1 = t0 + draw(samples(n_t)), c0 + draw(samples(n_c))
    return t0, t1, c0, c1
