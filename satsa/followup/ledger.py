"""Where follow-up hands money matters to the fund's ledger (satsa.funds).

Two hand-overs: a report carries its period's payment claim, and the effect evaluation
carries the realised savings per board to the repayment settlement. Each is one small
function here, so that the follow-up code does not depend on the ledger's internals.
While satsa.funds does not provide a service yet, the function returns ``None`` and the
claim or settlement stays recorded on the follow-up side (the report's claim amount,
the evaluation's realised savings) for the ledger to pick up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def claim_to_ledger(*, report: Any, actor: Any) -> str | None:
    """Submit the report's claim for its period to the ledger; the claim's id, or None."""
    try:
        from satsa.funds.services import claim_submit
    except ImportError:
        return None
    claim = claim_submit(
        case=report.case,
        actor=actor,
        amount=report.claim_amount,
        period_end=report.period_end,
        description=f"{report.get_kind_display()} {report.period_name}",
    )
    return str(getattr(claim, "pk", claim))


def settlement_to_ledger(
    *, case: Any, actor: Any, realised_savings: dict[str, Decimal]
) -> str | None:
    """Hand the realised savings per board to the repayment settlement; its id, or None."""
    try:
        from satsa.funds.services import repayment_settle
    except ImportError:
        return None
    settlement = repayment_settle(case=case, actor=actor, realised_savings=realised_savings)
    return str(getattr(settlement, "pk", settlement))
