"""Login outcomes become events like every other change."""

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from satsa.accounts.two_factor import LOGIN_AT
from satsa.events.services import event_record


@receiver(user_logged_in)
def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    event_record(actor=user, verb="user.logged_in", target=user)
    if request is not None and hasattr(request, "session"):
        # Enrolling a first second factor is allowed only shortly after a login.
        request.session[LOGIN_AT] = time.time()


@receiver(user_login_failed)
def record_failed_login(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    event_record(
        actor=None, verb="user.login_failed", data={"username": credentials.get("username", "")}
    )
