"""What the calculation keeps when the pipeline moves (registered in satsa.cases.hooks)."""

from __future__ import annotations

from satsa.calculations.services import calculation_snapshot
from satsa.cases.hooks import on_application_submitted
from satsa.cases.models import Case
from satsa.types import Actor


@on_application_submitted
def snapshot_submitted(case: Case, actor: Actor) -> None:
    """Keep the calculation as it was when the application was submitted."""
    calculation_snapshot(case=case, reason="submitted", actor=actor)
