"""The step reminders as a background task: run at once in development, queued in the
database and run by ``satsa db_worker`` in production; ``case_reminders --enqueue``
queues them."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from satsa.cases.models import Case
from satsa.cases.tasks import case_reminders_send
from satsa.events.models import Event

TODAY = dt.date(2026, 11, 23)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_the_task_runs_at_once_with_the_immediate_backend(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)  # waits for the preparation group
    Case.objects.filter(pk=case.pk).update(step_due_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        result = case_reminders_send.enqueue(on=TODAY.isoformat())
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [["petra@example.org"]]


# The worker runs outside any transaction, as in production (inside the test's transaction
# it would drop the connection as "left in a transaction").
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_enqueue_waits_for_the_database_worker_which_sends_once(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any, signals_kept: None
) -> None:
    case = walk.new_idea(people)
    Case.objects.filter(pk=case.pk).update(step_due_on=TODAY)
    mail.outbox.clear()  # the new idea's own notice went out at once, outside a transaction
    out = StringIO()
    call_command("case_reminders", "--date", TODAY.isoformat(), "--enqueue", stdout=out)
    queued = DBTaskResult.objects.get()
    assert out.getvalue().strip() == f"queued task {queued.id}"
    assert queued.status == TaskResultStatus.READY
    assert not Event.objects.filter(verb="case.step_reminded").exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.task_result.return_value == 1
    assert Event.objects.filter(verb="case.step_reminded").count() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["petra@example.org"], "[Satsa] Påminnelse: Brobyggare")
    ]

    # A second round finds nothing queued and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


def test_the_command_still_sends_directly_without_enqueue(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    Case.objects.filter(pk=case.pk).update(step_due_on=TODAY)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("case_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "reminded 1 case(s)"
    assert len(mail.outbox) == 1
