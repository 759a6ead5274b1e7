from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command

from satsa.events.models import Event
from satsa.followup.models import Report


def test_reminders_go_out_once_before_the_due_date(
    schema: Any, lina: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bob.email = "bob@example.org"
    bob.save()
    # Delår 2 2025 ends 31 August and is due 30 September; within two weeks of that, it is reminded.
    # The mail goes out once the reminder's event has committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("followup_reminders", "--date", "2025-09-20")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["bob@example.org", "lina@example.org"]
    assert "Delår 2 2025" in message.subject and "2025-09-30" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("followup_reminders", "--date", "2025-09-21")
    assert len(mail.outbox) == 1
    assert Event.objects.filter(verb="followup.report_reminded").count() == 1
    assert Report.objects.get(period_end=dt.date(2025, 8, 31)).reminded_at is not None


def test_nothing_is_sent_long_before_the_due_date(
    schema: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("followup_reminders", "--date", "2025-06-01")
    assert mail.outbox == []
