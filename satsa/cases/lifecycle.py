"""The case life cycle: the named groups of stages, the moves between them, and the one
function that changes a case's stage.

Every app asks this module which stages are "active", "followed up" or "locked", and every
change of ``Case.stage`` goes through :func:`stage_change`, which locks the row, checks the
move against what is stored *inside* the lock and records the event. A stale copy of the
case (a second click, a second tab) therefore cannot move a case twice.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satsa.cases import hooks
from satsa.cases.models import Case, Stage
from satsa.events.services import event_record
from satsa.types import Actor

# Before the executive board's decision: the pipeline (needs analysis to preparation).
OPEN = frozenset({Stage.NEEDS, Stage.IDEA, Stage.APPLICATION, Stage.PREPARATION})
# Granted and not yet over: money is claimed and reports are due.
ACTIVE = frozenset({Stage.DECIDED, Stage.RUNNING})
# Granted, whatever happened since: what follow-up, the fund and the portfolio show.
FOLLOWED = frozenset(
    {Stage.DECIDED, Stage.RUNNING, Stage.CLOSED, Stage.TERMINATED, Stage.IMPLEMENTED}
)
# The granted project is over.
ENDED = frozenset({Stage.CLOSED, Stage.TERMINATED, Stage.IMPLEMENTED})
# No step waits for anyone.
FINISHED = ENDED | {Stage.REJECTED}
# After the decision: the application and its calculation are what the decision rests on.
LOCKED = FOLLOWED | {Stage.REJECTED}

# Where each stage may be entered from. The pipeline moves among the open stages as the
# case walks its rulebook's chain; the decision leaves them; follow-up ends the project.
MOVES: dict[str, frozenset[str]] = {
    Stage.IDEA: OPEN,
    Stage.APPLICATION: OPEN,
    Stage.PREPARATION: OPEN,
    Stage.REJECTED: OPEN,
    Stage.DECIDED: OPEN,
    Stage.RUNNING: frozenset({Stage.DECIDED}),
    Stage.TERMINATED: ACTIVE,
    Stage.CLOSED: ACTIVE,
    Stage.IMPLEMENTED: ACTIVE | {Stage.CLOSED},
}


class StageError(ValidationError):
    """The case cannot move to the stage asked for (already moved, or not allowed)."""


def may_move(case: Case, to: str) -> bool:
    return case.stage == to or case.stage in MOVES.get(to, frozenset())


def locked_case(case: Case) -> Case:
    """Lock ``case``'s row until the transaction ends and return its stored state.

    The caller's copy is refreshed in place as well, so code holding it sees what the lock
    protects. Must run inside ``transaction.atomic()``.
    """
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    case.refresh_from_db()
    return fresh


def locked_at_step(case: Case, expected_step: str | None) -> Case:
    """Lock ``case`` (see :func:`locked_case`) and refuse when it has left the step the
    person saw (``expected_step``; None when the caller does not know it)."""
    locked_case(case)
    if expected_step is not None and case.step != expected_step:
        raise StageError(_("Ärendet har redan gått vidare från steget du såg. Ladda om sidan."))
    return case


def stage_change(
    *,
    case: Case,
    to: str,
    actor: Actor,
    reason: str,
    expected: str | None = None,
    fields: dict[str, Any] | None = None,
) -> Case:
    """Move ``case`` to stage ``to``; the one place a stage is written.

    Locks the row, then checks inside the lock that the stored stage may move to ``to``
    (and is ``expected``, when the caller says which stage the person saw), saves the
    stage with any other ``fields`` of the same change, and records ``case.stage_changed``.
    Moving to the stage the case is already at changes nothing and records nothing.
    """
    if to not in MOVES:
        raise ValueError(f"no move into {to!r}")
    with transaction.atomic():
        locked_case(case)
        if expected is not None and case.stage != expected:
            raise StageError(
                _("Ärendet har redan ändrats av någon annan: det är nu i skedet %(stage)s.")
                % {"stage": case.get_stage_display()}
            )
        before = case.stage
        if before not in MOVES[to] and before != to:
            raise StageError(
                _("Ärendet kan inte gå från skedet %(from)s till %(to)s.")
                % {"from": case.get_stage_display(), "to": Stage(to).label}
            )
        for name, value in (fields or {}).items():
            setattr(case, name, value)
        case.stage = to
        case.save(update_fields=["stage", *(fields or {})])
        if before != to:
            event_record(
                actor=actor,
                verb="case.stage_changed",
                target=case,
                data={"from": before, "to": to, "reason": reason},
            )
        if before != to or fields:
            hooks.stage_changed(case, actor)
    return case
