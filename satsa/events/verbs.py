"""Every kind of event Satsa records, with the sentence shown in activity feeds.

Each app declares its own verbs in ``<app>/verbs.py`` as a ``VERBS`` dict; this module
collects them from the installed Satsa apps, so adding a verb touches only its app.
"""

from __future__ import annotations

import importlib
from functools import cache

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    "user.logged_in": _("loggade in"),
    "user.login_failed": _("misslyckad inloggning"),
    "user.two_factor_enabled": _("aktiverade tvåfaktorsinloggning"),
    "user.two_factor_disabled": _("stängde av tvåfaktorsinloggning"),
    "notification.sent": _("skickade e-post om en händelse"),
    "user.recovery_codes_created": _("skapade nya reservkoder"),
    "user.recovery_code_used": _("loggade in med en reservkod"),
}


@cache
def all_verbs() -> dict[str, Promise]:
    verbs = dict(VERBS)
    for config in apps.get_app_configs():
        if not config.name.startswith("satsa.") or config.name == "satsa.events":
            continue
        try:
            module = importlib.import_module(f"{config.name}.verbs")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.verbs":
                raise
            continue
        for verb in module.VERBS:
            if verb in verbs:
                raise RuntimeError(f"event verb {verb!r} is declared twice")
        verbs.update(module.VERBS)
    return verbs
