"""The pipeline's guards that the fund keeps (registered in satsa.cases.hooks)."""

from __future__ import annotations

from satsa.cases.hooks import guard_fact
from satsa.cases.models import Case
from satsa.funds.selectors import payment_plan_is_approved, repayment_plan_is_approved


@guard_fact("payment_plan_approved")
def payment_plan_approved(case: Case) -> bool:
    """The steering group approved the case's payment plan (on the case's money page)."""
    return case.granted_amount is not None and payment_plan_is_approved(case)


@guard_fact("repayment_plan_approved")
def repayment_plan_approved(case: Case) -> bool:
    return case.granted_amount is not None and repayment_plan_is_approved(case)
