"""The pipeline's guards and stage hooks that follow-up keeps (registered in
satsa.cases.hooks)."""

from __future__ import annotations

from satsa.cases.hooks import guard_fact, on_stage_changed
from satsa.cases.models import Case
from satsa.followup.selectors import schema_is_complete
from satsa.types import Actor


@guard_fact("evaluation_schema_attached")
def evaluation_schema_built(case: Case) -> bool:
    """The evaluation schema is built in Satsa with every baseline (nothing missing)."""
    return not schema_is_complete(case)


@on_stage_changed
def schedule_reports(case: Case, actor: Actor) -> None:
    """A decided project gets its reports when it is decided (or its dates change), so no
    page has to create them when it is read."""
    from satsa.events.actors import system_actor
    from satsa.followup.services import reports_schedule

    reports_schedule(case=case, actor=system_actor())
