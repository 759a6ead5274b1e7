"""Where follow-up hands money matters to the fund's ledger (satsa.funds).

Two hand-overs: a report carries its period's payment claim (``claim_submit``), and the
effect evaluation carries the realised savings per board to the repayment settlement
(``repayment_settle``). The ledger applies its own rules (who may claim, in arrears, not
over the grant, a rulebook with repayment, something paid); its refusals are
``ValidationError``s in Swedish and stop the follow-up change that carried them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.cases.models import Case
from satsa.events.actors import system_actor
from satsa.funds.services import (
    check_claim_co_financing,
    claim_submit,
    commitment_release,
    repayment_settle,
    reporting_periods,
)
from satsa.orgs.models import Board
from satsa.types import Actor


def claim_period(report: Any) -> tuple[str, dt.date] | None:
    """The rulebook reporting point a report's claim belongs to.

    A periodic report claims for its own period; the final report for the first reporting
    point on or after the project's end (payment is made at reporting points only).
    """
    if report.kind == "periodic":
        return report.period_code, report.period_end
    # The fund's reporting points (a rulebook without any is paid at each year's end).
    periods = reporting_periods(report.case)
    end = report.period_end
    for year in (end.year, end.year + 1):
        for p in periods:
            if p.in_year(year) >= end:
                return p.code, p.in_year(year)
    return None


def co_financing_refusals(
    *, case: Case, amount: Decimal, costs_incurred: Decimal | None
) -> dict[str, list[str]]:
    """The ledger's co-financing check of a report's claim, asked before the report is
    sent, by the report form's fields (``claim_to_ledger`` meets the same check)."""
    try:
        check_claim_co_financing(case=case, amount=amount, costs_incurred=costs_incurred)
    except ValidationError as error:
        fields = {"amount": "claim_amount"}
        return {fields.get(f, f): m for f, m in error.message_dict.items()}
    return {}


def claim_to_ledger(*, report: Any, actor: Actor) -> str:
    """Submit the report's claim for its period to the ledger; the claim's id."""
    period = claim_period(report)
    if period is None:
        raise ValidationError(
            _("Rapporten hör inte till någon av regelbokens rapporteringstidpunkter.")
        )
    code, end = period
    claim = claim_submit(
        case=report.case,
        period_code=code,
        period_end=end,
        amount=report.claim_amount,
        actor=actor,
        # One claim per report, however often the submission is retried.
        idempotency_key=f"followup-report-{report.pk}",
        description=f"{report.get_kind_display()} {report.period_name}",
        report_reference=f"followup-report-{report.pk}",
        costs_incurred=report.costs_incurred,
    )
    return str(claim.pk)


def settlement_to_ledger(
    *, case: Case, actor: Actor, realised_savings: dict[str, Decimal], reference: str = ""
) -> str:
    """Hand the realised savings per board to the repayment settlement; the plan's id.

    Savings arising outside the organisation's boards (region, state, the individual)
    are part of the evaluation but repay nothing, so only boards are handed over.
    """
    boards = {b.name: b for b in Board.objects.filter(organisation=case.organisation)}
    by_board = {boards[name]: amount for name, amount in realised_savings.items() if name in boards}
    if not by_board:
        raise ValidationError(
            _("Ingen av de realiserade besparingarna hör till organisationens nämnder.")
        )
    plan = repayment_settle(
        case=case,
        realised_savings=by_board,
        settled_on=timezone.localdate(),
        actor=actor,
        reference=reference,
    )
    return str(plan.pk)


def release_remaining(*, case: Case, reason: str) -> None:
    """The project is over: what it will never claim goes back to the fund's free capital.

    Booked by the system as a consequence of the decision that ended the project (that
    decision's event names who took it), so no fund-management permission is asked of
    the person who recorded it.
    """
    commitment_release(
        case=case, booked_on=timezone.localdate(), reason=reason, actor=system_actor()
    )
