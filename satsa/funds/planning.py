"""The repayment plan decided with a grant, drawn from the case's calculation or from its
realisation plan.

ECONOMICS.md §3: the plan spreads the granted cost C (and the fee g·C) over the
beneficiary boards in proportion to their expected savings, and over the years in which
those savings are expected. The expected savings come from the calculation (the effect
lines' actors that are boards of the organisation) or, where the case has one, from its
realisation plan (*effekthemtagningsplan*: what each board plans to take home, and when);
the split is done in exact öre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from satsa.calculations.selectors import (
    calculation_of,
    realisation_plan_entries,
    rulebook_terms,
)
from satsa.cases.models import Case
from satsa.economics import CalculationError
from satsa.economics.terms import calculate_under
from satsa.funds.models import RepaymentPlan
from satsa.funds.repayment import allocate
from satsa.funds.services import PlanLine, repayment_plan_create
from satsa.rulebooks.selectors import rulebook_for
from satsa.types import Actor


def expected_savings_by_board(case: Case) -> dict[tuple[Any, int], Decimal]:
    """(board, year) → expected nominal cash-releasing savings (> 0) at the organisation's
    own boards, computed under the case's rulebook terms as everywhere else."""
    calculation = calculation_of(case)
    if calculation is None or not calculation.data:
        raise ValidationError(_("Ärendet har ingen kalkyl att ta återföringsplanen från."))
    try:
        result = calculate_under(calculation.data, rulebook_terms(case))
    except CalculationError as error:
        raise ValidationError(
            _("Kalkylen går inte att räkna: %(problem)s") % {"problem": error.issues[0].sv}
        ) from None
    boards = {board.name: board for board in case.organisation.boards.all()}
    savings: dict[tuple[Any, int], Decimal] = {}
    # The plan draws on the savings that can be taken out of a budget (ECONOMICS.md §2).
    for party in result["flows_by_actor"]:
        if party["party"] not in boards:
            continue
        for row in party["years"]:
            if row["savings_cashable"] > 0:
                savings[(boards[party["party"]], int(row["year"]))] = Decimal(
                    str(row["savings_cashable"])
                )
    if not savings:
        raise ValidationError(
            _("Kalkylen visar inga förväntade besparingar hos organisationens nämnder.")
        )
    return savings


def planned_realisation_by_board(case: Case) -> dict[tuple[Any, int], Decimal]:
    """(board, year) → what the case's realisation plan takes home (> 0) at the
    organisation's own boards, the measures of a board and year added together."""
    entries = realisation_plan_entries(calculation_of(case))
    if not entries:
        raise ValidationError(
            _("Ärendet har ingen effekthemtagningsplan att ta återföringsplanen från.")
        )
    boards = {board.name: board for board in case.organisation.boards.all()}
    planned: dict[tuple[Any, int], Decimal] = {}
    for entry in entries:
        board = boards.get(str(entry.get("board")))
        amount = Decimal(str(entry.get("amount") or 0))
        if board is None or amount <= 0:
            continue
        key = (board, int(entry["year"]))
        planned[key] = planned.get(key, Decimal(0)) + amount
    if not planned:
        raise ValidationError(
            _("Effekthemtagningsplanen tar inte hem något hos organisationens nämnder.")
        )
    return planned


def plan_lines_from_calculation(case: Case) -> list[PlanLine]:
    """The plan's lines: C and g·C split by expected savings per board and year, in öre."""
    return _plan_lines(case, lambda: expected_savings_by_board(case))


def plan_lines_from_realisation(case: Case) -> list[PlanLine]:
    """The plan's lines: C and g·C split by what the realisation plan takes home per
    board and year, in öre."""
    return _plan_lines(case, lambda: planned_realisation_by_board(case))


def _plan_lines(
    case: Case, weights_of: Callable[[], dict[tuple[Any, int], Decimal]]
) -> list[PlanLine]:
    if case.granted_amount is None:
        raise ValidationError(_("Ärendet har inget beviljat belopp att återföra."))
    weights = weights_of()
    cost = Decimal(case.granted_amount)
    fee = cost * Decimal(str(rulebook_for(case).repayment.fee_share))
    principal_parts = allocate(cost, weights)
    fee_parts = allocate(fee, weights)
    return [
        PlanLine(
            board=board,
            year=year,
            principal=principal_parts[(board, year)],
            fee=fee_parts[(board, year)],
        )
        for board, year in sorted(weights, key=lambda key: (key[1], key[0].name))
    ]


def repayment_plan_from_calculation(
    *, case: Case, decided_on: dt.date, actor: Actor, reference: str = ""
) -> RepaymentPlan:
    """Record the repayment plan the case's calculation implies (see the module docstring)."""
    return repayment_plan_create(
        case=case,
        lines=plan_lines_from_calculation(case),
        decided_on=decided_on,
        actor=actor,
        reference=reference,
        source="calculation",
    )


def repayment_plan_from_realisation(
    *, case: Case, decided_on: dt.date, actor: Actor, reference: str = ""
) -> RepaymentPlan:
    """Record the repayment plan the case's realisation plan implies: the boards repay
    in the years, and in proportion to the amounts, they plan to take home."""
    return repayment_plan_create(
        case=case,
        lines=plan_lines_from_realisation(case),
        decided_on=decided_on,
        actor=actor,
        reference=reference,
        source="realisation",
    )
