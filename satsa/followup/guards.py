"""The pipeline's guards that follow-up keeps (registered in satsa.cases.hooks)."""

from __future__ import annotations

from satsa.cases.hooks import guard_fact
from satsa.cases.models import Case
from satsa.followup.selectors import schema_is_complete


@guard_fact("evaluation_schema_attached")
def evaluation_schema_built(case: Case) -> bool:
    """The evaluation schema is built in Satsa with every baseline (nothing missing)."""
    return not schema_is_complete(case)
