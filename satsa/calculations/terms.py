"""The terms a case's rulebook sets in its calculation.

The approval basis and perspectives, the horizon cap and the repayment model's floor,
fee and sharing are the rulebook's terms, not the applicant's choice: the editor shows
them read-only and every save applies them again. Their one owner is the pure
``satsa.economics.terms`` (``satsa calc --rulebook`` uses it too); this module adds the
web calculation's defaults.
"""

from __future__ import annotations

from satsa.economics.terms import (
    CASE_REPAYMENT_KEYS,
    RulebookTerms,
    apply_terms,
    calculate_under,
    terms_of,
)

__all__ = [
    "CASE_REPAYMENT_KEYS",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_HORIZON_YEARS",
    "RulebookTerms",
    "apply_terms",
    "calculate_under",
    "terms_of",
]

# What the engine uses when a calculation is started without a rulebook, or when the
# rulebook states no discount rate: the Green Book's real rate.
DEFAULT_DISCOUNT_RATE = 0.035
DEFAULT_HORIZON_YEARS = 10
