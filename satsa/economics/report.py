"""``calculate``: a case in, the full result out, as plain JSON-ready data.

This is the one place where numbers are rounded: money to 2 decimals (öre), factors,
ratios, shares and probabilities to 6 decimals, volumes to 4. Whether a figure is
"≥ 0" (approval, payback, P(NPV ≥ 0)) is judged on the amount rounded to öre, so a
result never contradicts the figures printed beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

from satsa.economics.engine import Flows, approval_lines, evaluate, modes
from satsa.economics.errors import CalculationError, Issue
from satsa.economics.model import (
    FUND,
    PERSPECTIVES,
    VALUE_TYPES,
    Case,
    Input,
    LineSet,
    parse_case,
)
from satsa.economics.montecarlo import Simulation, sensitivity, simulate
from satsa.economics.repayment import repayment_plan, settle

__all__ = ["MAX_DRAWS", "calculate", "npv_draws"]

Array = npt.NDArray[np.float64]
MAX_DRAWS = 10_000_000


class FlowRow(TypedDict):
    year: int
    phase: Literal["project", "after_end"]
    cost: float
    cost_by_financier: dict[str, float]
    savings: float
    savings_by_actor: dict[str, float]
    net: float
    cumulative_net: float
    discount_factor: float
    discounted_cost: float
    discounted_savings: float
    discounted_savings_by_actor: dict[str, float]
    discounted_net: float
    cumulative_discounted_net: float
    savings_by_perspective: dict[str, float]
    savings_cashable: float
    savings_non_cashable: float


class Totals(TypedDict):
    cost: float
    cost_by_financier: dict[str, float]
    savings: float
    savings_by_actor: dict[str, float]
    net: float
    bcr_nominal: float | None
    roi_nominal: float | None
    payback_year_nominal: int | None
    break_even_nominal: float | None
    pv_cost: float
    pv_savings: float
    pv_savings_by_actor: dict[str, float]
    npv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    break_even: float | None
    savings_by_perspective: dict[str, float]
    pv_savings_by_perspective: dict[str, float]
    savings_cashable: float
    savings_non_cashable: float
    pv_savings_cashable: float
    pv_savings_non_cashable: float
    savings_cashable_by_actor: dict[str, float]
    savings_non_cashable_by_actor: dict[str, float]


class ValueTypes(TypedDict):
    fiscal: float
    economic: float
    social: float


class ActorYear(TypedDict):
    year: int
    cost: float
    savings: float
    savings_cashable: float
    savings_non_cashable: float
    net: float


class ActorFlows(TypedDict):
    party: str
    perspective: str | None
    cost: float
    savings: float
    savings_cashable: float
    savings_non_cashable: float
    net: float
    years: list[ActorYear]


class EffectSummary(TypedDict):
    path: str
    name: str
    actor: str
    unit: str
    direction: str
    unit_cost: float
    unit_cost_restated: float
    volume: float
    kept_share: float
    savings: float
    pv_savings: float
    cashable: bool
    perspective: str
    unit_cost_values: dict[str, float]
    savings_by_value_type: ValueTypes


class Approval(TypedDict):
    rule: Literal["savings_cover_cost"]
    basis: Literal["nominal", "discounted"]
    horizon_end: int
    savings: float
    cost: float
    margin: float
    holds: bool
    perspective: list[str]
    project_savings: bool
    savings_not_counted: float


class SensitivityEntry(TypedDict):
    input: str
    label: str
    low: float
    mode: float
    high: float
    npv_low: float
    npv_high: float
    swing: float


class Distribution(TypedDict):
    mean: float
    p5: float
    p50: float
    p95: float


class AlternativeDistribution(Distribution):
    p_relative_npv_nonnegative: float


class MonteCarlo(Distribution):
    draws: int
    seed: int
    p_npv_nonnegative: float
    p_approval_holds: float
    alternatives: dict[str, AlternativeDistribution]


class Relative(TypedDict):
    cost: float
    savings: float
    net: float
    pv_cost: float
    pv_savings: float
    npv: float


class Alternative(TypedDict):
    key: str
    name: str
    totals: Totals
    relative: Relative


class Payment(TypedDict):
    year: int
    amount: float


class PlanBoard(TypedDict):
    board: str
    share: float
    principal: float
    fee: float
    total: float
    schedule: list[Payment]


class PlanOut(TypedDict):
    cost: float
    fee: float
    total: float
    boards: list[PlanBoard]
    by_year: list[Payment]


class SettlementBoard(TypedDict):
    board: str
    realised_savings: float
    share: float
    principal: float
    fee: float
    due: float


class SettlementOut(TypedDict):
    realised_savings: float
    floor_amount: float
    principal: float
    fee: float
    due: float
    shared_by: Literal["realised_savings", "plan"]
    boards: list[SettlementBoard]


class RepaymentOut(TypedDict):
    cost_charged_to_fund: float
    floor: float
    fee_rate: float
    plan: PlanOut
    settlement: NotRequired[SettlementOut]


class RealisationYear(TypedDict):
    year: int
    planned: float
    cashable_savings: float
    measures: dict[str, float]


class RealisationBoard(TypedDict):
    board: str
    planned: float
    cashable_savings: float
    years: list[RealisationYear]


class RealisationOut(TypedDict):
    planned: float
    cashable_savings: float
    unplanned: float
    boards: list[RealisationBoard]


class Parameters(TypedDict):
    start_year: int
    project_years: int
    end_year: int
    horizon_years_after_end: int
    horizon_end: int
    discount_rate: float
    discount_base_year: int
    price_year: int
    optimism_bias: dict[str, float]


class Result(TypedDict):
    name: str
    currency: str
    parameters: Parameters
    actors: list[str]
    perspectives: dict[str, str]
    flows: list[FlowRow]
    totals: Totals
    savings_by_value_type: ValueTypes
    flows_by_actor: list[ActorFlows]
    effects: list[EffectSummary]
    approval: Approval
    sensitivity: list[SensitivityEntry]
    monte_carlo: NotRequired[MonteCarlo]
    alternatives: NotRequired[list[Alternative]]
    repayment: NotRequired[RepaymentOut]
    realisation: NotRequired[RealisationOut]
    warnings: list[dict[str, str]]


# --- rounding ---------------------------------------------------------------------------


def _money(value: float | np.floating[Any]) -> float:
    # + 0.0 turns -0.0 into 0.0
    return round(float(value), 2) + 0.0


def _ratio(value: float | np.floating[Any]) -> float:
    return round(float(value), 6) + 0.0


def _quotient(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else _ratio(numerator / denominator)


def _nonnegative(values: Array) -> npt.NDArray[np.bool_]:
    """≥ 0 once rounded to öre (so −0.004 counts as 0, like the printed figure)."""
    result: npt.NDArray[np.bool_] = np.round(values, 2) >= 0
    return result


def _by(names: list[str], keys: list[str], rows: Array) -> dict[str, Array]:
    """Sum ``rows`` (one per line, of the single deterministic draw) by the line's key, in
    the order of ``names``: name → yearly amounts."""
    grouped = {name: np.zeros(rows.shape[1]) for name in names}
    for key, row in zip(keys, rows[:, :, 0], strict=True):
        grouped[key] = grouped[key] + row
    return grouped


# --- building blocks --------------------------------------------------------------------


def _payback(years: Array, net: Array) -> int | None:
    """The first year in which the cumulative net is ≥ 0 (ECONOMICS.md §2), else None."""
    hits = np.flatnonzero(_nonnegative(np.cumsum(net)))
    return int(years[hits[0]]) if hits.size else None


def _financiers(lines: LineSet) -> list[str]:
    return list(dict.fromkeys(line.financier for line in lines.costs))


def _split(case: Case, lines: LineSet, flows: Flows, actors: list[str]) -> dict[str, Any]:
    """The deterministic savings of ``lines`` per year grouped by actor, by perspective,
    and into cash-releasing and capacity-releasing parts (each name → yearly amounts)."""
    rows = flows.savings
    effects = lines.effects
    n = len(flows.years)
    by_perspective = {p: np.zeros(n) for p in PERSPECTIVES}
    for effect, row in zip(effects, rows[:, :, 0], strict=True):
        by_perspective[case.perspective(effect.actor)] += row
    cash_by_actor = {name: np.zeros(n) for name in actors}
    other_by_actor = {name: np.zeros(n) for name in actors}
    for effect, row in zip(effects, rows[:, :, 0], strict=True):
        target = cash_by_actor if effect.cashable else other_by_actor
        target[effect.actor] = target[effect.actor] + row
    return {
        "by_actor": _by(actors, [e.actor for e in effects], rows),
        "by_perspective": by_perspective,
        "cash_by_actor": cash_by_actor,
        "other_by_actor": other_by_actor,
        "cashable": sum(cash_by_actor.values(), np.zeros(n)),
        "non_cashable": sum(other_by_actor.values(), np.zeros(n)),
    }


def _totals(case: Case, flows: Flows, lines: LineSet, actors: list[str]) -> Totals:
    years, df = flows.years, flows.discount[:, 0]
    cost, saving = flows.cost[:, 0], flows.saving[:, 0]
    split = _split(case, lines, flows, actors)
    by_actor = split["by_actor"]
    by_financier = _by(_financiers(lines), [c.financier for c in lines.costs], flows.costs)
    total_cost, total_savings = float(cost.sum()), float(saving.sum())
    pv_cost, pv_savings = float(cost @ df), float(saving @ df)
    return Totals(
        cost=_money(total_cost),
        cost_by_financier={k: _money(v.sum()) for k, v in by_financier.items()},
        savings=_money(total_savings),
        savings_by_actor={k: _money(v.sum()) for k, v in by_actor.items()},
        net=_money(total_savings - total_cost),
        bcr_nominal=_quotient(total_savings, total_cost),
        roi_nominal=_quotient(total_savings - total_cost, total_cost),
        payback_year_nominal=_payback(years, saving - cost),
        break_even_nominal=_quotient(total_cost, total_savings),
        pv_cost=_money(pv_cost),
        pv_savings=_money(pv_savings),
        pv_savings_by_actor={k: _money(float(v @ df)) for k, v in by_actor.items()},
        npv=_money(pv_savings - pv_cost),
        bcr=_quotient(pv_savings, pv_cost),
        roi=_quotient(pv_savings - pv_cost, pv_cost),
        payback_year=_payback(years, (saving - cost) * df),
        break_even=_quotient(pv_cost, pv_savings),
        savings_by_perspective={k: _money(v.sum()) for k, v in split["by_perspective"].items()},
        pv_savings_by_perspective={
            k: _money(float(v @ df)) for k, v in split["by_perspective"].items()
        },
        savings_cashable=_money(split["cashable"].sum()),
        savings_non_cashable=_money(split["non_cashable"].sum()),
        pv_savings_cashable=_money(float(split["cashable"] @ df)),
        pv_savings_non_cashable=_money(float(split["non_cashable"] @ df)),
        savings_cashable_by_actor={k: _money(v.sum()) for k, v in split["cash_by_actor"].items()},
        savings_non_cashable_by_actor={
            k: _money(v.sum()) for k, v in split["other_by_actor"].items()
        },
    )


def _flows(case: Case, flows: Flows, actors: list[str]) -> list[FlowRow]:
    lines = case.intervention
    df = flows.discount[:, 0]
    cost, saving = flows.cost[:, 0], flows.saving[:, 0]
    split = _split(case, lines, flows, actors)
    by_actor = split["by_actor"]
    by_financier = _by(_financiers(lines), [c.financier for c in lines.costs], flows.costs)
    net = saving - cost
    cumulative, cumulative_pv = np.cumsum(net), np.cumsum(net * df)
    rows: list[FlowRow] = []
    for i, year in enumerate(flows.years):
        rows.append(
            FlowRow(
                year=int(year),
                phase="project" if year <= case.end_year else "after_end",
                cost=_money(cost[i]),
                cost_by_financier={k: _money(v[i]) for k, v in by_financier.items()},
                savings=_money(saving[i]),
                savings_by_actor={k: _money(v[i]) for k, v in by_actor.items()},
                net=_money(net[i]),
                cumulative_net=_money(cumulative[i]),
                discount_factor=_ratio(df[i]),
                discounted_cost=_money(cost[i] * df[i]),
                discounted_savings=_money(saving[i] * df[i]),
                discounted_savings_by_actor={k: _money(v[i] * df[i]) for k, v in by_actor.items()},
                discounted_net=_money(net[i] * df[i]),
                cumulative_discounted_net=_money(cumulative_pv[i]),
                savings_by_perspective={
                    k: _money(v[i]) for k, v in split["by_perspective"].items()
                },
                savings_cashable=_money(split["cashable"][i]),
                savings_non_cashable=_money(split["non_cashable"][i]),
            )
        )
    return rows


def _flows_by_actor(case: Case, flows: Flows, actors: list[str]) -> list[ActorFlows]:
    """Who pays, who saves: every party (the financiers, then the other actors) × year.

    A party's cost is what the cost lines it finances cost (optimism bias included); its
    savings are those of the effect lines it bears (negative for more use of a service).
    The parties' costs, savings and nets add up to the totals.
    """
    lines = case.intervention
    split = _split(case, lines, flows, actors)
    financiers = _financiers(lines)
    costs = _by(financiers, [c.financier for c in lines.costs], flows.costs)
    n = len(flows.years)
    out: list[ActorFlows] = []
    for party in dict.fromkeys([*financiers, *actors]):
        cost = costs.get(party, np.zeros(n))
        cash = split["cash_by_actor"].get(party, np.zeros(n))
        other = split["other_by_actor"].get(party, np.zeros(n))
        saving = cash + other
        out.append(
            ActorFlows(
                party=party,
                perspective=case.perspective(party) if party in actors else None,
                cost=_money(cost.sum()),
                savings=_money(saving.sum()),
                savings_cashable=_money(cash.sum()),
                savings_non_cashable=_money(other.sum()),
                net=_money(saving.sum() - cost.sum()),
                years=[
                    ActorYear(
                        year=int(year),
                        cost=_money(cost[i]),
                        savings=_money(saving[i]),
                        savings_cashable=_money(cash[i]),
                        savings_non_cashable=_money(other[i]),
                        net=_money(saving[i] - cost[i]),
                    )
                    for i, year in enumerate(flows.years)
                ],
            )
        )
    return out


def _valued(case: Case) -> dict[str, Array]:
    """Each value type → the intervention's nominal savings per effect line when every
    unit is valued at that type (a line without it keeps its fiscal value)."""
    lines = case.intervention
    out: dict[str, Array] = {}
    for kind in VALUE_TYPES:
        effects = tuple(
            replace(e, unit_cost=Input(e.unit_cost.path, dict(e.values)[kind]))
            if kind in dict(e.values)
            else e
            for e in lines.effects
        )
        flows = evaluate(replace(lines, effects=effects), case, modes(case))
        out[kind] = flows.savings[:, :, 0].sum(axis=1)
    return out


def _value_types(fiscal: float, valued: dict[str, Array], rows: slice | int) -> ValueTypes:
    return ValueTypes(
        fiscal=_money(fiscal),
        economic=_money(float(np.sum(valued["economic"][rows]))),
        social=_money(float(np.sum(valued["social"][rows]))),
    )


def _effects(case: Case, flows: Flows) -> list[EffectSummary]:
    df = flows.discount[:, 0]
    out: list[EffectSummary] = []
    valued = _valued(case)
    for k, (effect, savings) in enumerate(
        zip(case.intervention.effects, flows.savings[:, :, 0], strict=True)
    ):
        volume = sum(p.value.value * sum(p.weights) for p in effect.volume)
        kept = (
            (1 - effect.deadweight.value)
            * (1 - effect.attribution.value)
            * (1 - effect.displacement.value)
        )
        out.append(
            EffectSummary(
                path=effect.path,
                name=effect.name,
                actor=effect.actor,
                unit=effect.unit,
                direction=effect.direction,
                unit_cost=_money(effect.unit_cost.value),
                unit_cost_restated=_money(effect.unit_cost.value * effect.price_factor),
                volume=round(volume, 4) + 0.0,
                kept_share=_ratio(kept),
                savings=_money(savings.sum()),
                pv_savings=_money(savings @ df),
                cashable=effect.cashable,
                perspective=case.perspective(effect.actor),
                unit_cost_values={kind: _money(v) for kind, v in effect.values},
                savings_by_value_type=_value_types(float(savings.sum()), valued, k),
            )
        )
    return out


def _approval(case: Case, flows: Flows) -> Approval:
    weights = flows.discount[:, 0] if case.approval_basis == "discounted" else 1.0
    counted = approval_lines(case)
    counted_flows = flows if counted is case.intervention else evaluate(counted, case, modes(case))
    savings = float((counted_flows.saving[:, 0] * weights).sum())
    all_savings = float((flows.saving[:, 0] * weights).sum())
    cost = float((flows.cost[:, 0] * weights).sum())
    return Approval(
        rule="savings_cover_cost",
        basis=case.approval_basis,
        horizon_end=case.horizon_end,
        savings=_money(savings),
        cost=_money(cost),
        margin=_money(savings - cost),
        holds=bool(_nonnegative(np.array(savings - cost))),
        perspective=list(case.approval_perspectives),
        project_savings=case.approval_project_savings,
        savings_not_counted=_money(all_savings - savings),
    )


def _labels(case: Case) -> dict[str, str]:
    """Readable names of the lines an input path may start with."""
    labels = {effect.path: effect.name for effect in case.intervention.effects}
    for line in case.intervention.costs:
        labels[line.path] = f"{line.type or line.financier} {line.year}"
    return labels


def _sensitivity(case: Case) -> list[SensitivityEntry]:
    labels = _labels(case)
    entries: list[SensitivityEntry] = []
    for swing in sensitivity(case):
        item = swing.input
        assert item.triangle is not None
        line, _, field = item.path.rpartition(".")
        if line.endswith(".volume") or line.endswith(".volume_profile"):
            line, _, group = line.rpartition(".")
            field = f"{group}.{field}"
        label = f"{labels[line]}: {field}" if line in labels else item.path
        low, mode, high = item.triangle
        entries.append(
            SensitivityEntry(
                input=item.path,
                label=label,
                low=low,
                mode=mode,
                high=high,
                npv_low=_money(swing.npv_low),
                npv_high=_money(swing.npv_high),
                swing=_money(swing.swing),
            )
        )
    return entries


def _distribution(values: Array) -> Distribution:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return Distribution(mean=_money(values.mean()), p5=_money(p5), p50=_money(p50), p95=_money(p95))


def _monte_carlo(case: Case, sim: Simulation) -> MonteCarlo:
    alternatives: dict[str, AlternativeDistribution] = {}
    for key, values in sim.relative_npv.items():
        alternatives[key] = AlternativeDistribution(
            p_relative_npv_nonnegative=_ratio(_nonnegative(values).mean()),
            **_distribution(values),
        )
    return MonteCarlo(
        draws=sim.draws,
        seed=sim.seed,
        p_npv_nonnegative=_ratio(_nonnegative(sim.npv).mean()),
        p_approval_holds=_ratio(_nonnegative(sim.approval_margin).mean()),
        alternatives=alternatives,
        **_distribution(sim.npv),
    )


def _alternatives(case: Case, flows: Flows, totals: Totals, actors: list[str]) -> list[Alternative]:
    out: list[Alternative] = []
    base = modes(case)
    for alt in case.alternatives:
        alt_flows = evaluate(alt, case, base)
        alt_totals = _totals(case, alt_flows, alt, actors)
        diff = {
            key: float(getattr(flows, key)()[0]) - float(getattr(alt_flows, key)()[0])
            for key in ("pv_cost", "pv_savings", "npv", "net")
        }
        out.append(
            Alternative(
                key=alt.key,
                name=alt.name,
                totals=alt_totals,
                relative=Relative(
                    cost=_money(float(flows.cost[:, 0].sum()) - float(alt_flows.cost[:, 0].sum())),
                    savings=_money(
                        float(flows.saving[:, 0].sum()) - float(alt_flows.saving[:, 0].sum())
                    ),
                    net=_money(diff["net"]),
                    pv_cost=_money(diff["pv_cost"]),
                    pv_savings=_money(diff["pv_savings"]),
                    npv=_money(diff["npv"]),
                ),
            )
        )
    return out


def _repayment(case: Case, flows: Flows, actors: list[str]) -> tuple[RepaymentOut, list[Issue]]:
    rules = case.repayment
    assert rules is not None
    warnings: list[Issue] = []
    fund_cost = sum(line.amount.value for line in case.intervention.costs if line.financier == FUND)
    # the plan draws on the savings that can be taken out of a budget (ECONOMICS.md §2)
    by_actor = _split(case, case.intervention, flows, actors)["cash_by_actor"]
    boards = list(rules.boards) if rules.boards is not None else actors
    years = [int(y) for y in flows.years]
    plan = repayment_plan(
        cost=fund_cost,
        fee_rate=rules.fee,
        years=years,
        expected={b: by_actor.get(b, np.zeros(len(years))) for b in boards},
    )
    if not plan.boards and fund_cost > 0:
        warnings.append(
            Issue(
                "repayment",
                "inga förväntade besparingar hos de återbetalande nämnderna: ingen plan kan göras",
                "no expected savings at the repaying boards: no plan can be made",
            )
        )
    by_year = np.zeros(len(years))
    for board in plan.boards:
        for year, amount in board.schedule:
            by_year[years.index(year)] += amount
    out = RepaymentOut(
        cost_charged_to_fund=_money(fund_cost),
        floor=_ratio(rules.floor),
        fee_rate=_ratio(rules.fee),
        plan=PlanOut(
            cost=_money(plan.cost),
            fee=_money(plan.fee),
            total=_money(plan.total),
            boards=[
                PlanBoard(
                    board=b.board,
                    share=_ratio(b.share),
                    principal=_money(b.principal),
                    fee=_money(b.fee),
                    total=_money(b.total),
                    schedule=[Payment(year=y, amount=_money(a)) for y, a in b.schedule],
                )
                for b in plan.boards
            ],
            by_year=[
                Payment(year=y, amount=_money(a))
                for y, a in zip(years, by_year, strict=True)
                if a > 0
            ],
        ),
    )
    if rules.realised_savings is not None:
        settlement = settle(
            cost=fund_cost,
            realised=dict(rules.realised_savings),
            floor=rules.floor,
            fee_rate=rules.fee,
            planned_shares=plan.shares(),
            shared_by=rules.shared_by,
        )
        if settlement.due > 0 and not any(b.share > 0 for b in settlement.boards):
            warnings.append(
                Issue(
                    "repayment.realised_savings",
                    "inga besparingar och ingen plan att fördela beloppet efter",
                    "no savings and no plan to share the amount by",
                )
            )
        out["settlement"] = SettlementOut(
            realised_savings=_money(settlement.realised_savings),
            floor_amount=_money(settlement.floor_amount),
            principal=_money(settlement.principal),
            fee=_money(settlement.fee),
            due=_money(settlement.due),
            shared_by=settlement.shared_by,
            boards=[
                SettlementBoard(
                    board=b.board,
                    realised_savings=_money(b.realised_savings),
                    share=_ratio(b.share),
                    principal=_money(b.principal),
                    fee=_money(b.fee),
                    due=_money(b.due),
                )
                for b in settlement.boards
            ],
        )
    return out, warnings


def _kronor(amount: float, lang: str) -> str:
    """Whole kronor as Satsa writes them (``satsa.rules.numbers``), for messages."""
    # Imported here: satsa.rules loads its schema (pydantic), which a plan never needs.
    from satsa.rules import numbers

    return numbers.kr(amount, lang=lang)


def _realisation(case: Case, flows: Flows, actors: list[str]) -> tuple[RealisationOut, list[Issue]]:
    """The realisation plan per board and year beside the board's cash-releasing savings;
    a warning where a year's plan takes home more than the board saves in cash."""
    plan = case.realisation_plan or ()
    cash = _split(case, case.intervention, flows, actors)["cash_by_actor"]
    years = [int(y) for y in flows.years]
    boards = list(dict.fromkeys(entry.board for entry in plan))
    planned = {b: np.zeros(len(years)) for b in boards}
    measures: dict[tuple[str, int], dict[str, float]] = {}
    for entry in plan:
        i = years.index(entry.year)
        planned[entry.board][i] += entry.amount
        slot = measures.setdefault((entry.board, entry.year), {})
        slot[entry.measure] = slot.get(entry.measure, 0.0) + entry.amount
    warnings: list[Issue] = []
    seen: set[tuple[str, int]] = set()
    for entry in plan:
        i = years.index(entry.year)
        key = (entry.board, entry.year)
        saving = float(cash.get(entry.board, np.zeros(len(years)))[i])
        if key not in seen and round(planned[entry.board][i] - saving, 2) > 0:
            seen.add(key)
            amount = float(planned[entry.board][i])
            warnings.append(
                Issue(
                    entry.path,
                    f"{entry.board} planerar att ta hem {_kronor(amount, 'sv')} {entry.year} men "
                    f"besparingarna som frigör pengar det året är {_kronor(saving, 'sv')}",
                    f"{entry.board} plans to take home {_kronor(amount, 'en')} in {entry.year} "
                    f"but its cash-releasing savings that year are {_kronor(saving, 'en')}",
                )
            )
    out_boards: list[RealisationBoard] = []
    for board in boards:
        saved = cash.get(board, np.zeros(len(years)))
        out_boards.append(
            RealisationBoard(
                board=board,
                planned=_money(planned[board].sum()),
                cashable_savings=_money(saved.sum()),
                years=[
                    RealisationYear(
                        year=year,
                        planned=_money(planned[board][i]),
                        cashable_savings=_money(saved[i]),
                        measures={m: _money(a) for m, a in measures.get((board, year), {}).items()},
                    )
                    for i, year in enumerate(years)
                    if planned[board][i] or saved[i]
                ],
            )
        )
    total_planned = float(sum(p.sum() for p in planned.values()))
    total_cash = float(sum(v.sum() for v in cash.values()))
    return (
        RealisationOut(
            planned=_money(total_planned),
            cashable_savings=_money(total_cash),
            unplanned=_money(total_cash - total_planned),
            boards=out_boards,
        ),
        warnings,
    )


def _check_run(draws: Any, seed: Any) -> None:
    issues = []
    if isinstance(draws, bool) or not isinstance(draws, int) or not 0 <= draws <= MAX_DRAWS:
        issues.append(
            Issue(
                "draws",
                f"måste vara ett heltal från 0 till {MAX_DRAWS}, fick {draws!r}",
                f"must be a whole number from 0 to {MAX_DRAWS}, got {draws!r}",
            )
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        issues.append(
            Issue(
                "seed",
                f"måste vara ett heltal ≥ 0, fick {seed!r}",
                f"must be a whole number ≥ 0, got {seed!r}",
            )
        )
    if issues:
        raise CalculationError(issues)


def calculate(case: Mapping[str, Any], draws: int = 0, seed: int | None = None) -> dict[str, Any]:
    """Calculate a case: flows, totals, approval rule, uncertainty, alternatives, repayment.

    Parameters
    ----------
    case : mapping
        The case in the exchange format (ECONOMICS.md §5, extended in docs/economics.md).
    draws : int
        Monte Carlo draws; 0 (default) leaves ``monte_carlo`` out.
    seed : int or None
        Seed of the random generator; None picks one (reported in ``monte_carlo.seed``).

    Returns
    -------
    dict
        Exactly what ``satsa calc --format json`` prints (see :class:`Result`).

    Raises
    ------
    CalculationError
        When the case, ``draws`` or ``seed`` is invalid; ``issues`` lists every problem.

    Examples
    --------
    Green Book: 100 now, 30 a year for five years, 3.5 %:

    >>> result = calculate({
    ...     "start_year": 0, "project_years": 1, "horizon_years_after_end": 5,
    ...     "discount_rate": 0.035,
    ...     "costs": [{"year": 0, "amount": 100}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 30, "volume_after_end": 1}]})
    >>> result["totals"]["npv"], result["totals"]["payback_year"], result["approval"]["holds"]
    (35.45, 4, True)
    >>> [row["discount_factor"] for row in result["flows"][:2]]
    [1.0, 0.966184]
    """
    return calculate_with_draws(case, draws, seed)[0]


def calculate_with_draws(
    case: Mapping[str, Any], draws: int = 0, seed: int | None = None
) -> tuple[dict[str, Any], Array | None]:
    """:func:`calculate` and, with ``draws`` > 0, the NPV of each Monte Carlo draw its
    ``monte_carlo`` summarises (what :func:`npv_draws` recomputes), from one simulation.

    >>> case = {"start_year": 2026, "project_years": 1, "horizon_years_after_end": 0,
    ...     "costs": [{"year": 2026, "amount": 100}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 150, "volume": {"2026": 1},
    ...                  "uncertainty": {"unit_cost": [0, 150, 200]}}]}
    >>> result, npv = calculate_with_draws(case, draws=1000, seed=3)
    >>> bool(np.array_equal(npv, npv_draws(case, 1000, 3))), calculate_with_draws(case)[1]
    (True, None)
    """
    _check_run(draws, seed)
    parsed = parse_case(case)
    actors = list(parsed.actors)
    flows = evaluate(parsed.intervention, parsed, modes(parsed))
    totals = _totals(parsed, flows, parsed.intervention, actors)
    warnings = list(parsed.warnings)
    result = Result(
        name=parsed.name,
        currency=parsed.currency,
        parameters=Parameters(
            start_year=parsed.start_year,
            project_years=parsed.project_years,
            end_year=parsed.end_year,
            horizon_years_after_end=parsed.horizon_years_after_end,
            horizon_end=parsed.horizon_end,
            discount_rate=_ratio(parsed.discount_rate.value),
            discount_base_year=parsed.discount_base_year,
            price_year=parsed.price_year,
            optimism_bias={
                "costs": _ratio(parsed.optimism_costs.value),
                "effects": _ratio(parsed.optimism_effects.value),
            },
        ),
        actors=actors,
        perspectives={actor: parsed.perspective(actor) for actor in actors},
        flows=_flows(parsed, flows, actors),
        totals=totals,
        savings_by_value_type=_value_types(
            float(flows.saving[:, 0].sum()), _valued(parsed), slice(None)
        ),
        flows_by_actor=_flows_by_actor(parsed, flows, actors),
        effects=_effects(parsed, flows),
        approval=_approval(parsed, flows),
        sensitivity=_sensitivity(parsed),
        warnings=[],
    )
    npv: Array | None = None
    if draws > 0:
        simulation = simulate(parsed, draws, seed)
        result["monte_carlo"] = _monte_carlo(parsed, simulation)
        npv = simulation.npv
    if parsed.alternatives:
        result["alternatives"] = _alternatives(parsed, flows, totals, actors)
    if parsed.repayment is not None:
        result["repayment"], more = _repayment(parsed, flows, actors)
        warnings.extend(more)
    if parsed.realisation_plan is not None:
        result["realisation"], more = _realisation(parsed, flows, actors)
        warnings.extend(more)
    result["warnings"] = [w.as_dict() for w in warnings]
    # the order a reader expects, whatever order the blocks were computed in
    # (mypy cannot follow a TypedDict rebuilt key by key from its own annotations)
    ordered = {key: result[key] for key in Result.__annotations__ if key in result}  # type: ignore[literal-required]
    return ordered, npv


def npv_draws(case: Mapping[str, Any], draws: int, seed: int) -> Array:
    """The Monte Carlo draws of the net present value that :func:`calculate` summarises.

    With the ``draws`` and the ``seed`` that ``calculate`` reports in ``monte_carlo``,
    these are the very draws behind its mean, percentiles and probabilities, unrounded:
    what a histogram of the result should show.

    Parameters
    ----------
    case : Mapping
        A case in the exchange format (ECONOMICS.md §5).
    draws : int
        Monte Carlo draws, as given to ``calculate``.
    seed : int
        Seed of the random generator: ``calculate``'s ``monte_carlo.seed``.

    Returns
    -------
    ndarray of float, shape (draws,)
        The net present value of each draw, in the order drawn.

    Raises
    ------
    CalculationError
        When the case, ``draws`` or ``seed`` is invalid; ``issues`` lists every problem.

    Examples
    --------
    >>> case = {
    ...     "start_year": 2026, "project_years": 1, "horizon_years_after_end": 0,
    ...     "costs": [{"year": 2026, "amount": 100}],
    ...     "effects": [{"actor": "Socialnämnden", "unit_cost": 150, "volume": {"2026": 1},
    ...                  "uncertainty": {"unit_cost": [0, 150, 200]}}]}
    >>> mc = calculate(case, draws=1000, seed=3)["monte_carlo"]
    >>> npv = npv_draws(case, mc["draws"], mc["seed"])
    >>> npv.shape
    (1000,)
    >>> bool(np.isclose(np.percentile(npv, 50), mc["p50"], atol=0.005))
    True
    """
    _check_run(draws, seed)
    return simulate(parse_case(case), draws, seed).npv
