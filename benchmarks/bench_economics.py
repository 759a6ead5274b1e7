"""Benchmark of the calculation engine's Monte Carlo analysis (run by ``make bench``).

A reference case built here — 20 effect lines, 5 actors, 4 project years and 10 horizon
years, with triangular ranges on most inputs — is simulated with 10 000 draws many
times; the script prints the median wall time (target ≤ 20 ms), how it splits between
drawing and evaluating, and a fixed numpy workload timed alongside, so that a slow run
can be told from a slow machine (these machines are shared). It then times a
straightforward pure-Python loop over the same draws (on fewer draws, extrapolated to
10 000) and prints the ratio. It prints figures only and never fails on timing.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import numpy as np

from satsa.economics.engine import Shortcut, evaluate
from satsa.economics.model import Case, EffectLine, Input, parse_case
from satsa.economics.montecarlo import Sampler, simulate

DRAWS = 10_000
REPEATS = 41
LOOP_DRAWS = 500
SEED = 20260101
ACTORS = ["Socialnämnden", "Grundskolenämnden", "Arbetsmarknadsnämnden", "Region", "Individen"]


def reference_case() -> dict[str, Any]:
    """20 effect lines over 5 actors, 4 project years + 10 horizon years."""
    start, project_years = 2026, 4
    effects = []
    for k in range(20):
        unit_cost = 40_000.0 + 25_000.0 * k
        volume = 1.0 + (k % 4)
        deadweight = 0.1 + 0.01 * k
        drop_off = 0.05 + 0.005 * k
        effects.append(
            {
                "name": f"Effekt {k + 1}",
                "actor": ACTORS[k % len(ACTORS)],
                "unit_cost": unit_cost,
                "unit_cost_price_year": 2024 + k % 3,
                "volume": {
                    str(start + 1): volume / 2,
                    str(start + 2): volume,
                    str(start + 3): volume,
                },
                "volume_after_end": volume,
                "deadweight": deadweight,
                "attribution": 0.1,
                "displacement": 0.05,
                "drop_off": drop_off,
                "uncertainty": {
                    "unit_cost": [0.8 * unit_cost, unit_cost, 1.3 * unit_cost],
                    f"volume.{start + 3}": [0.5 * volume, volume, 1.2 * volume],
                    "volume_after_end": [0.3 * volume, volume, 1.5 * volume],
                    "deadweight": [deadweight / 2, deadweight, min(1.0, 2 * deadweight)],
                    "attribution": [0.0, 0.1, 0.3],
                    "drop_off": [0.0, drop_off, 3 * drop_off],
                },
            }
        )
    costs = [
        {
            "year": start + y,
            "amount": amount,
            "financier": financier,
            "type": kind,
            "uncertainty": {"amount": [0.95 * amount, amount, 1.4 * amount]},
        }
        for y in range(project_years)
        for amount, financier, kind in (
            (9_500_000.0, "fund", "personal"),
            (1_000_000.0, "Socialnämnden", "lokaler"),
        )
    ]
    return {
        "name": "Referensfall för benchmark",
        "start_year": start,
        "project_years": project_years,
        "horizon_years_after_end": 10,
        "discount_rate": 0.035,
        "price_year": 2026,
        "price_index": {"2024": 100.0, "2025": 102.1, "2026": 104.3},
        "optimism_bias": {"costs": 0.1, "effects": 0.05},
        "uncertainty": {
            "discount_rate": [0.01, 0.035, 0.05],
            "optimism_bias.effects": [0, 0.05, 0.2],
        },
        "actors": ACTORS,
        "costs": costs,
        "effects": effects,
    }


def _value(item: Input, row: list[float]) -> float:
    return row[item.column] if item.column is not None else item.value


def _effect_pv(case: Case, effect: EffectLine, row: list[float], discount: list[float]) -> float:
    unit = _value(effect.unit_cost, row) * effect.price_factor * effect.sign
    kept = (
        (1.0 - _value(effect.deadweight, row))
        * (1.0 - _value(effect.attribution, row))
        * (1.0 - _value(effect.displacement, row))
    )
    per_unit = unit * kept * (1.0 - _value(case.optimism_effects, row))
    keep_after = 1.0 - _value(effect.drop_off, row)
    total = 0.0
    for i, year in enumerate(range(case.start_year, case.horizon_end + 1)):
        volume = sum(_value(part.value, row) * part.weights[i] for part in effect.volume)
        fade = keep_after ** max(0, year - case.end_year)
        total += volume * per_unit * fade * discount[i]
    return total


def npv_loop(case: Case, rows: list[list[float]]) -> list[float]:
    """The same NPV, one draw at a time, in plain Python."""
    results = []
    for row in rows:
        rate = _value(case.discount_rate, row)
        discount = [
            (1.0 + rate) ** -(year - case.discount_base_year)
            for year in range(case.start_year, case.horizon_end + 1)
        ]
        uplift = 1.0 + _value(case.optimism_costs, row)
        pv_cost = sum(
            _value(line.amount, row) * uplift * discount[line.year - case.start_year]
            for line in case.intervention.costs
        )
        pv_savings = sum(_effect_pv(case, e, row, discount) for e in case.intervention.effects)
        results.append(pv_savings - pv_cost)
    return results


REFERENCE_SIZE = 1_300_000
_REFERENCE = np.random.default_rng(0).random(REFERENCE_SIZE)


def _reference_workload() -> None:
    """A fixed amount of numpy arithmetic, about the size of one Monte Carlo run's."""
    x = _REFERENCE.copy()
    for _ in range(4):
        x *= 1.0000001
        x += 0.5
        np.sqrt(x, out=x)


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    case = parse_case(reference_case())
    print(
        f"reference case: {len(case.intervention.effects)} effect lines, {len(case.actors)} actors, "
        f"{case.project_years} + {case.horizon_years_after_end} years, "
        f"{len(case.inputs)} uncertain inputs"
    )
    simulate(case, DRAWS, SEED)  # warm-up
    times, cpu_times, drawing, evaluating, reference = [], [], [], [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        sim = simulate(case, DRAWS, SEED)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
        # the same run in its two parts, and the reference workload, interleaved with it
        t0 = time.perf_counter()
        matrix = Sampler(case, SEED).draw(DRAWS)
        t1 = time.perf_counter()
        Shortcut(case.intervention, case)(matrix)
        t2 = time.perf_counter()
        _reference_workload()
        t3 = time.perf_counter()
        drawing.append(t1 - t0)
        evaluating.append(t2 - t1)
        reference.append(t3 - t2)
    vectorised = statistics.median(times)
    print(
        f"vectorised Monte Carlo, {DRAWS} draws: median {vectorised * 1000:.1f} ms wall time "
        f"over {REPEATS} runs (min {min(times) * 1000:.1f} ms; target <= 20 ms)"
    )
    # CPU time is less disturbed than wall time when other jobs share the machine
    print(f"  median CPU time {statistics.median(cpu_times) * 1000:.1f} ms; load average {_load()}")
    print(
        f"  of which drawing the {len(case.inputs)} x {DRAWS} triangular values "
        f"{statistics.median(drawing) * 1000:.1f} ms, "
        f"evaluating NPV and net {statistics.median(evaluating) * 1000:.1f} ms (medians)"
    )
    print(
        f"  reference workload (a copy and 12 passes over {REFERENCE_SIZE:,} doubles): median "
        f"{statistics.median(reference) * 1000:.1f} ms, min {min(reference) * 1000:.1f} ms "
        "(when it is slow, the machine is busy)"
    )

    # The same draws as the vectorised run (its first LOOP_DRAWS), one list per draw.
    matrix = Sampler(case, SEED).draw(LOOP_DRAWS)
    rows = matrix.T.tolist()
    t0 = time.perf_counter()
    looped = npv_loop(case, rows)
    loop_time = (time.perf_counter() - t0) * DRAWS / LOOP_DRAWS
    print(
        f"pure-Python loop: {loop_time * 1000:.0f} ms for {DRAWS} draws "
        f"(timed on {LOOP_DRAWS} draws and extrapolated)"
    )
    print(f"speed-up of the vectorised engine: {loop_time / vectorised:.0f}x")
    difference = np.max(np.abs(np.array(looped) - sim.npv[:LOOP_DRAWS]))
    npv_check = evaluate(case.intervention, case, matrix).npv()
    difference = max(difference, float(np.max(np.abs(np.array(looped) - npv_check))))
    print(f"largest difference between loop and vectorised NPV: {difference:.2e} kr")
    print(
        f"P(NPV >= 0) = {np.mean(sim.npv >= 0):.3f}, mean NPV = {sim.npv.mean():,.0f} kr "
        f"(sanity figures)"
    )


if __name__ == "__main__":
    main()
