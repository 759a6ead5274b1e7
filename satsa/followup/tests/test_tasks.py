"""The report reminders as a background task: ``followup_reminders --enqueue`` queues them
in the database and one round of ``satsa db_worker`` sends them."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from satsa.events.models import Event


# The worker runs outside any transaction, as in production (inside the test's transaction
# it would drop the connection as "left in a transaction").
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_queued_report_reminders_go_out_when_the_worker_runs(
    schema: Any, lina: Any, django_capture_on_commit_callbacks: Any, signals_kept: None
) -> None:
    out = StringIO()
    call_command("followup_reminders", "--date", "2025-09-20", "--enqueue", stdout=out)
    queued = DBTaskResult.objects.get()
    assert out.getvalue().strip() == f"queued task {queued.id}"
    assert not Event.objects.filter(verb="followup.report_reminded").exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.task_result.return_value == 1
    assert Event.objects.filter(verb="followup.report_reminded").count() == 1
    assert len(mail.outbox) == 1 and "2025-09-30" in mail.outbox[0].body
