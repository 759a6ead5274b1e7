"""E-mail to the people who must act next. Services call :func:`notify` after their event
is recorded; nothing here changes state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from satsa.cases.models import Case


def case_url(case: Case) -> str:
    return reverse("cases:overview", kwargs={"org_slug": case.organisation.slug, "pk": case.pk})


def notify(*, case: Case, recipients: Iterable[Any], subject: str, body: str) -> int:
    """Send one message to each recipient with an e-mail address; returns how many."""
    addresses = sorted({u.email for u in recipients if getattr(u, "email", "")})
    if not addresses:
        return 0
    text = f"{body}\n\n{case.title}\n{case_url(case)}\n"
    for address in addresses:
        send_mail(
            subject=f"[Satsa] {subject}: {case.title}",
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    return len(addresses)
