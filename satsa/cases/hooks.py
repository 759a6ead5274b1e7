"""What the apps above the pipeline tell it, without the pipeline importing them.

The pipeline's guards can depend on facts that other apps keep: the payment plans are
approved in the fund (satsa.funds), the evaluation schema is built in follow-up
(satsa.followup). Those apps register a *guard fact* here from their ``AppConfig.ready()``;
the pipeline asks every registered fact when it works out which guards hold. Likewise an
app that keeps something for each submitted application (the calculation's snapshot)
registers a hook that runs inside the submission's transaction, and an app that keeps
something for each stage (follow-up's report schedule) one that runs with each stage change;
the calculation tells the eligibility check the savings it computed.
And the apps that give people work after the decision (reports to write and review,
claims to approve and pay) register a *task source*, so that "My tasks" lists everything
a person has to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from satsa.cases.models import Case
from satsa.orgs.models import Organisation
from satsa.types import Actor

GuardFact = Callable[[Case], bool]
SubmittedHook = Callable[[Case, Actor], None]
# The approval block (savings, cost, …) of the calculation a case is judged on, or None.
ApprovalFigures = Callable[[Case], dict[str, Any] | None]
StageHook = Callable[[Case, Actor], None]

_GUARD_FACTS: dict[str, GuardFact] = {}
_SUBMITTED: list[SubmittedHook] = []
# (user, organisation, today) -> the person's tasks there (satsa.cases.selectors.Task)
TaskSource = Callable[[Any, Organisation, dt.date], list[Any]]
_TASK_SOURCES: list[TaskSource] = []
_STAGE_CHANGED: list[StageHook] = []
_APPROVAL: list[ApprovalFigures] = []


def guard_fact(code: str) -> Callable[[GuardFact], GuardFact]:
    """Register ``fact`` as one way for the guard ``code`` to hold for a case."""

    def register(fact: GuardFact) -> GuardFact:
        _GUARD_FACTS[code] = fact
        return fact

    return register


def facts_holding(case: Case, skip: set[str]) -> set[str]:
    """The registered guard codes, outside ``skip``, whose fact holds for ``case``."""
    return {code for code, fact in _GUARD_FACTS.items() if code not in skip and fact(case)}


def fact_holds(code: str, case: Case) -> bool:
    fact = _GUARD_FACTS.get(code)
    return fact is not None and fact(case)


def on_application_submitted(hook: SubmittedHook) -> SubmittedHook:
    """Register ``hook(case, actor)`` to run when an application version is submitted."""
    if hook not in _SUBMITTED:
        _SUBMITTED.append(hook)
    return hook


def application_submitted(case: Case, actor: Actor) -> None:
    for hook in _SUBMITTED:
        hook(case, actor)


def task_source(source: TaskSource) -> TaskSource:
    """Register ``source(user, organisation, on)``: the tasks an app gives the person."""
    if source not in _TASK_SOURCES:
        _TASK_SOURCES.append(source)
    return source


def tasks_from_sources(user: Any, organisation: Organisation, on: dt.date) -> list[Any]:
    return [task for source in _TASK_SOURCES for task in source(user, organisation, on)]


def on_stage_changed(hook: StageHook) -> StageHook:
    """Register ``hook(case, actor)`` to run inside the transaction of every stage change
    (and of a change of the fields written with it, such as the project's dates)."""
    if hook not in _STAGE_CHANGED:
        _STAGE_CHANGED.append(hook)
    return hook


def stage_changed(case: Case, actor: Actor) -> None:
    for hook in _STAGE_CHANGED:
        hook(case, actor)


def calculated_approval_figures(reader: ApprovalFigures) -> ApprovalFigures:
    """Register ``reader(case)``: the approval figures of the case's calculation."""
    if reader not in _APPROVAL:
        _APPROVAL.append(reader)
    return reader


def calculated_approval(case: Case) -> dict[str, Any] | None:
    """The approval figures of the calculation ``case`` is judged on; None without one."""
    for reader in _APPROVAL:
        found = reader(case)
        if found is not None:
            return found
    return None
