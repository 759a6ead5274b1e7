"""The terms a case's rulebook sets in its calculation.

The approval basis and the repayment model's floor, fee and sharing are the rulebook's
terms, not the applicant's choice: the editor shows them read-only and every save
applies them again (:func:`apply_terms`). ``satsa.rules.calculation_parameters`` is the
rulebook's own view of these fields; this module adds what the web calculation needs
around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from satsa.rules import Rulebook, calculation_parameters

# What the engine uses when a calculation is started without a rulebook, or when the
# rulebook states no discount rate: the Green Book's real rate.
DEFAULT_DISCOUNT_RATE = 0.035
DEFAULT_HORIZON_YEARS = 10

# Parts of a stored repayment block that belong to the case, not to the rulebook: the
# boards that repay and the savings measured in the effect evaluation.
CASE_REPAYMENT_KEYS = ("boards", "realised_savings")


@dataclass(frozen=True)
class RulebookTerms:
    """The rulebook's part of a calculation (ECONOMICS.md §3 and §5)."""

    rulebook_id: str
    title: str
    basis: str
    # The rate the rulebook states; None when it states none (the schema's 0.0 default).
    discount_rate: float | None
    horizon_years_after_end: int | None
    # "off", "to_fund" or "budget_frame" (satsa.rules.schema.RepaymentRule).
    repayment_model: str
    floor: float
    fee: float
    shared_by: str

    @property
    def has_repayment(self) -> bool:
        return self.repayment_model != "off"

    @property
    def fixes_discount_rate(self) -> bool:
        """A discounted approval rule is judged at the rulebook's rate, so the rate is fixed too."""
        return self.basis == "discounted" and self.discount_rate is not None

    def repayment(self, stored: Any = None) -> dict[str, Any] | None:
        """The repayment block: the rulebook's floor, fee and sharing, with the case's
        boards and realised savings kept from ``stored``; None without a repayment model."""
        if not self.has_repayment:
            return None
        block: dict[str, Any] = {"floor": self.floor, "fee": self.fee}
        if isinstance(stored, dict):
            block.update((key, stored[key]) for key in CASE_REPAYMENT_KEYS if key in stored)
        block["shared_by"] = self.shared_by
        return block


def terms_of(rulebook: Rulebook) -> RulebookTerms:
    params = calculation_parameters(rulebook)
    approval = rulebook.approval
    stated_rate = "discount_rate" in approval.model_fields_set or approval.basis == "discounted"
    return RulebookTerms(
        rulebook_id=str(rulebook.id),
        title=str(rulebook.title),
        basis=params["approval"]["basis"],
        discount_rate=float(params["discount_rate"]) if stated_rate else None,
        horizon_years_after_end=params.get("horizon_years_after_end"),
        repayment_model=rulebook.repayment.model,
        floor=float(rulebook.repayment.floor_share),
        fee=float(rulebook.repayment.fee_share),
        shared_by=rulebook.repayment.shared_by,
    )


def apply_terms(data: dict[str, Any], terms: RulebookTerms | None) -> dict[str, Any]:
    """``data`` with the rulebook's terms put back (a new dict; ``data`` is not changed).

    Without a rulebook the data is returned as it is. A rulebook without a repayment
    model leaves no repayment block (ECONOMICS.md §5: the block is present only when the
    rulebook has a repayment model).
    """
    if terms is None:
        return dict(data)
    out = dict(data)
    out["approval"] = {"basis": terms.basis}
    if terms.fixes_discount_rate:
        out["discount_rate"] = terms.discount_rate
    repayment = terms.repayment(data.get("repayment"))
    if repayment is None:
        out.pop("repayment", None)
    else:
        out["repayment"] = repayment
    return out
