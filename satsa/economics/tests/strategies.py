"""Shared hypothesis strategies: valid cases in the exchange format (ECONOMICS.md §5)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ACTORS = ("Socialnämnden", "Grundskolenämnden", "Region Örebro län", "Individen")

# Amounts of the size cases have (kronor, units): wide enough to find mistakes, narrow
# enough that float rounding stays far below an öre.
amounts = st.floats(min_value=0, max_value=5e6, allow_nan=False, allow_subnormal=False)
unit_costs = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_subnormal=False)
volumes = st.floats(min_value=0, max_value=50, allow_nan=False, allow_subnormal=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False, allow_subnormal=False)
rates = st.floats(min_value=0, max_value=0.2, allow_nan=False, allow_subnormal=False)
scales = st.floats(min_value=0, max_value=20, allow_nan=False, allow_subnormal=False)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def effects(draw: st.DrawFn, first: int, last: int) -> dict[str, Any]:
    """One effect line (a saving) with volumes in some years of first…last."""
    years = st.integers(min_value=first, max_value=last).map(str)
    effect: dict[str, Any] = {
        "name": draw(st.sampled_from(["Färre placeringar", "Färre upprepade årskurser", "Arbete"])),
        "actor": draw(st.sampled_from(ACTORS)),
        "unit_cost": draw(unit_costs),
        "volume": draw(st.dictionaries(years, volumes, max_size=4)),
        "deadweight": draw(shares),
        "attribution": draw(shares),
        "displacement": draw(shares),
        "drop_off": draw(shares),
    }
    if draw(st.booleans()):
        effect["volume_after_end"] = draw(volumes)
    return effect


@st.composite
def cases(draw: st.DrawFn, *, max_effects: int = 4) -> dict[str, Any]:
    """A valid case without uncertainty: a few cost lines and effect lines."""
    start = draw(st.integers(min_value=2000, max_value=2040))
    project_years = draw(st.integers(min_value=1, max_value=4))
    horizon = draw(st.integers(min_value=0, max_value=6))
    last = start + project_years - 1 + horizon
    cost = st.fixed_dictionaries(
        {
            "year": st.integers(min_value=start, max_value=last),
            "amount": amounts,
            "financier": st.sampled_from(["fund", "Socialnämnden"]),
        }
    )
    return {
        "name": "Egenskapstest",
        "start_year": start,
        "project_years": project_years,
        "horizon_years_after_end": horizon,
        "discount_rate": draw(rates),
        "discount_base_year": start + draw(st.integers(min_value=-1, max_value=1)),
        "optimism_bias": {"costs": draw(shares), "effects": draw(shares)},
        "costs": draw(st.lists(cost, max_size=4)),
        "effects": draw(st.lists(effects(start, last), max_size=max_effects)),
    }


def with_zero_width_ranges(case: dict[str, Any]) -> dict[str, Any]:
    """The same case with a zero-width range [v, v, v] on every input that can take one."""
    case = {**case, "costs": [dict(c) for c in case["costs"]]}
    for line in case["costs"]:
        line["uncertainty"] = {"amount": [line["amount"]] * 3}
    ranged_effects = []
    for effect in case["effects"]:
        effect = dict(effect)
        uncertainty = {
            key: [effect[key]] * 3
            for key in ("unit_cost", "deadweight", "attribution", "displacement", "drop_off")
        }
        uncertainty.update({f"volume.{y}": [v] * 3 for y, v in effect["volume"].items()})
        if "volume_after_end" in effect:
            uncertainty["volume_after_end"] = [effect["volume_after_end"]] * 3
        effect["uncertainty"] = uncertainty
        ranged_effects.append(effect)
    case["effects"] = ranged_effects
    case["uncertainty"] = {"discount_rate": [case["discount_rate"]] * 3}
    return case
