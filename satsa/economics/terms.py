"""The terms a rulebook sets in a calculation, and the calculation under them.

The approval basis and perspectives, whether savings during the project count, the
horizon cap, the discount rate of a discounted rule and the repayment model are the
rulebook's, not the applicant's choice. :func:`calculate_under` is the one function that
computes a case under them: ``satsa calc --rulebook`` and the product's calculation of a
case both call it, so they agree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from satsa.economics.errors import Issue
from satsa.economics.report import Array, calculate_with_draws

if TYPE_CHECKING:
    from satsa.rules import Rulebook

__all__ = [
    "CASE_REPAYMENT_KEYS",
    "RulebookTerms",
    "apply_terms",
    "calculate_under",
    "cap_horizon",
    "terms_of",
]

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
    # The most years after the end that savings are counted; None: no cap.
    horizon_years_after_end: int | None
    # "off", "to_fund" or "budget_frame" (satsa.rules.schema.RepaymentRule).
    repayment_model: str
    floor: float
    fee: float
    shared_by: str
    # "savings_cover_cost" or "judgement" (the rule is weighed, not computed)
    rule: str = "savings_cover_cost"
    perspectives: tuple[str, ...] = ("organisation",)
    project_savings: bool = True

    @property
    def has_repayment(self) -> bool:
        return self.repayment_model != "off"

    @property
    def fixes_discount_rate(self) -> bool:
        """A discounted approval rule is judged at the rulebook's rate, so the rate is fixed too."""
        return self.basis == "discounted" and self.discount_rate is not None

    def approval(self) -> dict[str, Any]:
        """The ``approval`` block of the exchange format; defaults are left out."""
        block: dict[str, Any] = {"basis": self.basis}
        if self.perspectives != ("organisation",):
            block["perspectives"] = list(self.perspectives)
        if not self.project_savings:
            block["project_savings"] = False
        return block

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
    """The calculation terms of a rulebook.

    >>> from satsa.rules import get_preset
    >>> terms = terms_of(get_preset("orebro-2020"))
    >>> terms.horizon_years_after_end, terms.perspectives, terms.repayment_model
    (10, ('organisation',), 'off')
    """
    from satsa.rules import calculation_parameters

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
        rule=approval.rule,
        perspectives=tuple(approval.perspectives),
        project_savings=approval.project_savings,
    )


def apply_terms(data: Mapping[str, Any], terms: RulebookTerms | None) -> dict[str, Any]:
    """``data`` with the rulebook's terms put back (a new dict; ``data`` is not changed).

    Without a rulebook the data is returned as it is. A rulebook without a repayment
    model leaves no repayment block (ECONOMICS.md §5: the block is present only when the
    rulebook has a repayment model). The horizon is left as given: :func:`cap_horizon`
    computes a longer one at the cap without losing what was typed.
    """
    if terms is None:
        return dict(data)
    out = dict(data)
    out["approval"] = terms.approval()
    if terms.fixes_discount_rate:
        out["discount_rate"] = terms.discount_rate
    repayment = terms.repayment(data.get("repayment"))
    if repayment is None:
        out.pop("repayment", None)
    else:
        out["repayment"] = repayment
    return out


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _year(key: Any) -> int | None:
    try:
        return int(str(key).strip())
    except ValueError:
        return None


def _trim(lines: Any, last: int) -> bool:
    """Drop the costs and volumes of ``lines`` after ``last`` (in place); True if any."""
    if not isinstance(lines, dict):
        return False
    dropped = False
    costs = lines.get("costs")
    if isinstance(costs, list):
        kept = [
            c for c in costs if not (isinstance(c, dict) and (_whole(c.get("year")) or 0) > last)
        ]
        dropped |= len(kept) != len(costs)
        lines["costs"] = kept
    for effect in lines.get("effects") or []:
        if not isinstance(effect, dict):
            continue
        volume = effect.get("volume")
        if isinstance(volume, dict):
            later = [k for k in volume if (_year(k) or 0) > last]
            for key in later:
                del volume[key]
            dropped |= bool(later)
        ranges = effect.get("uncertainty")
        if isinstance(ranges, dict):
            for key in [k for k in ranges if str(k).startswith("volume.")]:
                if (_year(str(key).removeprefix("volume.")) or 0) > last:
                    del ranges[key]
        profile = effect.get("volume_profile")
        if isinstance(profile, dict):
            first, count = _whole(profile.get("first_year")), _whole(profile.get("years"))
            if first is not None and first > last:
                del effect["volume_profile"]
                if isinstance(ranges, dict):
                    ranges.pop("volume_profile.per_year", None)
                dropped = True
            elif first is not None and count is not None and first + count - 1 > last:
                profile["years"] = last - first + 1
                dropped = True
    return dropped


def cap_horizon(data: Mapping[str, Any], cap: int | None) -> tuple[dict[str, Any], list[Issue]]:
    """``data`` computed at most ``cap`` years after the end, with a warning when cut.

    Costs and volumes in the years beyond the cap are left out of the copy returned;
    ``data`` itself is not changed.

    >>> data, warnings = cap_horizon({"start_year": 2026, "project_years": 2,
    ...     "horizon_years_after_end": 25, "costs": [], "effects": [
    ...     {"actor": "Socialnämnden", "unit_cost": 1, "volume": {"2030": 1, "2040": 1}}]}, 10)
    >>> data["horizon_years_after_end"], data["effects"][0]["volume"], warnings[0].path
    (10, {'2030': 1}, 'horizon_years_after_end')
    """
    given = _whole(data.get("horizon_years_after_end"))
    start, years = _whole(data.get("start_year")), _whole(data.get("project_years"))
    if cap is None or given is None or given <= cap or start is None or years is None:
        # Nothing is cut: a new dict, the lines shared (the engine only reads them).
        return dict(data), []
    # Lines are cut in place below: a deep copy, so that ``data`` is not changed.
    out = copy.deepcopy(dict(data))
    last = start + years - 1 + cap
    out["horizon_years_after_end"] = cap
    dropped = _trim(out, last)
    alternatives = out.get("alternatives")
    if isinstance(alternatives, dict):
        for alternative in alternatives.values():
            dropped |= _trim(alternative, last)
    sv_more = f"; belopp och volymer efter {last} räknas inte" if dropped else ""
    en_more = f"; amounts and volumes after {last} are not counted" if dropped else ""
    return out, [
        Issue(
            "horizon_years_after_end",
            f"regelverket räknar besparingar högst {cap} år efter projektets slut: kalkylen "
            f"räknas till och med {last}, inte {given} år efter slutet{sv_more}",
            f"the rulebook counts savings at most {cap} years after the project's end: the "
            f"calculation runs to {last}, not {given} years after the end{en_more}",
        )
    ]


def calculate_under(
    data: Mapping[str, Any],
    terms: RulebookTerms | None,
    *,
    draws: int = 0,
    seed: int | None = None,
) -> dict[str, Any]:
    """:func:`~satsa.economics.calculate` of ``data`` under the rulebook's ``terms``.

    The terms are applied (:func:`apply_terms`), a longer horizon is computed at the
    rulebook's cap with a warning (:func:`cap_horizon`), and the result names the
    rulebook in ``rulebook``. Without terms it is ``calculate`` itself.

    >>> from satsa.rules import get_preset
    >>> result = calculate_under({"start_year": 2026, "project_years": 2,
    ...     "horizon_years_after_end": 25, "costs": [], "effects": []},
    ...     terms_of(get_preset("orebro-2020")))
    >>> result["parameters"]["horizon_end"], result["rulebook"]["id"]
    (2037, 'orebro-2020')
    """
    return calculate_under_with_draws(data, terms, draws=draws, seed=seed)[0]


def calculate_under_with_draws(
    data: Mapping[str, Any],
    terms: RulebookTerms | None,
    *,
    draws: int = 0,
    seed: int | None = None,
) -> tuple[dict[str, Any], Array | None]:
    """:func:`calculate_under` and the NPV draws its ``monte_carlo`` summarises (None
    without draws), from one simulation (:func:`~satsa.economics.report.calculate_with_draws`)."""
    if terms is None:
        return calculate_with_draws(data, draws=draws, seed=seed)
    capped, warnings = cap_horizon(apply_terms(data, terms), terms.horizon_years_after_end)
    result, npv = calculate_with_draws(capped, draws=draws, seed=seed)
    result["warnings"] = [w.as_dict() for w in warnings] + result["warnings"]
    rulebook = {
        "id": terms.rulebook_id,
        "title": terms.title,
        "rule": terms.rule,
        "horizon_years_after_end": terms.horizon_years_after_end,
        "repayment_model": terms.repayment_model,
    }
    # before the warnings, which stay last
    out = {key: value for key, value in result.items() if key != "warnings"}
    out["rulebook"] = rulebook
    out["warnings"] = result["warnings"]
    return out, npv
