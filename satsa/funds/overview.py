"""The fund's panel on the organisation's overview (see satsa.orgs.overview)."""

from __future__ import annotations

from typing import Any

from satsa.funds import selectors as sel
from satsa.funds.models import Claim
from satsa.orgs.overview import Panel


def fund_panel(user: Any, organisation: Any) -> Panel:
    position = sel.fund_position(organisation=organisation)
    claims = sel.open_claims(organisation)
    return Panel(
        "funds/_panel_fund.html",
        {
            "position": position,
            "claims_submitted": claims.filter(status=Claim.Status.SUBMITTED).count(),
            "claims_approved": claims.filter(status=Claim.Status.APPROVED).count(),
        },
    )
