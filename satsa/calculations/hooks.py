"""What the calculation keeps when the pipeline moves (registered in satsa.cases.hooks)."""

from __future__ import annotations

from typing import Any

from satsa.calculations.models import Calculation
from satsa.calculations.selectors import calculation_of_record
from satsa.calculations.services import calculation_snapshot
from satsa.cases.hooks import calculated_approval_figures, guard_fact, on_application_submitted
from satsa.cases.models import Case
from satsa.types import Actor


@on_application_submitted
def snapshot_submitted(case: Case, actor: Actor) -> None:
    """Keep the calculation as it was when the application was submitted."""
    calculation_snapshot(case=case, reason="submitted", actor=actor)


@calculated_approval_figures
def approval_figures(case: Case) -> dict[str, Any] | None:
    """The approval rule as the case's calculation of record computes it."""
    result, _snapshot = calculation_of_record(case)
    approval = (result or {}).get("approval")
    return approval if isinstance(approval, dict) else None


@guard_fact("calculation_built")
def calculation_built(case: Case) -> bool:
    """The case's economic calculation is built in Satsa's editor (costs entered)."""
    calculation = Calculation.objects.filter(case=case).only("data", "result").first()
    return calculation is not None and bool(
        calculation.result or (calculation.data or {}).get("costs")
    )
