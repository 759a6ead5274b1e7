"""Changing an organisation's e-legitimation settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from satsa.eid.models import EidSettings
from satsa.events.services import event_record
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm

# Never copied into an event.
_SECRET_FIELDS = {"oidc_client_secret", "saml_idp_metadata"}


def eid_settings_update(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> EidSettings:
    require_perm(actor, organisation, Perm.MANAGE_ORGANISATION)
    with transaction.atomic():
        settings, _created = EidSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        changed = []
        for name, value in values.items():
            if getattr(settings, name) != value:
                setattr(settings, name, value)
                changed.append(name)
        if changed:
            settings.save()
            event_record(
                actor=actor,
                verb="eid.settings_changed",
                target=organisation,
                data={
                    "changed": sorted(changed),
                    **{n: values[n] for n in changed if n not in _SECRET_FIELDS},
                },
            )
    return settings
