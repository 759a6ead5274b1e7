"""Reminders of pipeline steps that fall due soon or are overdue (``satsa case_reminders``).

Run daily. Each step of a case is reminded at most twice: once when its last day is
near (``SOON_DAYS`` ahead) and once when it has passed; an overdue reminder also goes to
the coordinators, who run the process. Each reminder is recorded as a
``case.step_reminded`` event, whose notification (``satsa/cases/notifications.py``) sends
the e-mail; the event is also how a second run on the same day knows to stay quiet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from satsa.cases import selectors as sel
from satsa.cases.models import BoardNotice, Case
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.events.services import event_record
from satsa.orgs.models import Membership
from satsa.orgs.roles import Role

# a step whose last day is at most this many days away is "due soon"
SOON_DAYS = 3


def reminder_recipients(case: Case, role: str, kind: str) -> list[Any]:
    """Who is reminded of a step with ``role``: those who act, and when it is overdue the
    coordinators too."""
    people = sel.actors_for_step(case, role)
    if role == Role.BOARD_SECRETARY:
        # only the boards that have not yet commented
        waiting = BoardNotice.objects.filter(case=case, commented_at__isnull=True)
        boards = set(waiting.values_list("board_id", flat=True))
        secretaries = Membership.objects.active().filter(
            organisation=case.organisation, role=Role.BOARD_SECRETARY, board__in=boards
        )
        ids = set(secretaries.values_list("user_id", flat=True))
        people = [person for person in people if person.pk in ids]
    if kind == "overdue":
        coordinators = Membership.objects.active().filter(
            organisation=case.organisation, role=Role.COORDINATOR
        )
        known = {person.pk for person in people}
        people += list(
            get_user_model()
            .objects.filter(pk__in=coordinators.values("user_id"))
            .exclude(pk__in=known)
        )
    return people


def _already_sent(case: Case, step: str, due: dt.date, kind: str) -> bool:
    return Event.objects.filter(
        verb="case.step_reminded",
        target_type=ContentType.objects.get_for_model(Case),
        target_id=str(case.pk),
        data__step=step,
        data__due=due.isoformat(),
        data__kind=kind,
    ).exists()


def steps_remind(*, on: dt.date) -> int:
    """Remind the people who must act on every step due within ``SOON_DAYS`` of ``on`` or
    overdue, unless already reminded of it; returns how many cases had a reminder."""
    reminded = 0
    cases = (
        Case.objects.unfinished()
        .exclude(step="")
        .filter(step_due_on__isnull=False, step_due_on__lte=on + dt.timedelta(days=SOON_DAYS))
        .select_related("organisation")
    )
    for case in cases:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            step = sel.current_step(locked)
            due = locked.step_due_on
            if step is None or due is None:
                continue
            kind = "overdue" if due < on else "soon"
            if _already_sent(locked, step.id, due, kind):
                continue
            recipients = reminder_recipients(locked, step.role, kind)
            event_record(
                actor=system_actor(),
                verb="case.step_reminded",
                target=locked,
                data={"step": step.id, "due": due, "kind": kind, "recipients": len(recipients)},
            )
            reminded += 1
    return reminded
