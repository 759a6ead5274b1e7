"""The named actor behind what no person did by hand."""

from __future__ import annotations

from typing import Any

# The user the system itself acts as: the demo loader, the commands run from cron, and the
# consequences a decision books by itself (such as releasing an ended project's money).
# The colon is outside Django's username alphabet, so no person can be given this name,
# and the account is inactive with no usable password, so nobody can log in as it.
SYSTEM_USERNAME = "system:satsa"


def system_actor() -> Any:
    """The named system actor (created on first use); it holds every role everywhere."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Satsa", "last_name": "(systemet)"},
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system(user: Any) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active
