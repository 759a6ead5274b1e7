"""Writing events. Every change of state in Satsa calls :func:`event_record`, which also
hands the event to its notifications once the transaction commits."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from satsa.events.models import Event
from satsa.events.notifications import dispatch, handles
from satsa.events.verbs import all_verbs
from satsa.types import Actor


def event_record(
    *,
    actor: Actor | None,
    verb: str,
    target: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event. ``verb`` must be declared in some app's ``verbs.py``."""
    if verb not in all_verbs():
        raise ValueError(f"unknown event verb {verb!r}; declare it in its app's verbs.py")
    if organisation is None and target is not None:
        # An organisation's own events belong to it; anything else to its organisation.
        is_org = target._meta.label == "orgs.Organisation"
        organisation = target if is_org else getattr(target, "organisation", None)
    # Round-trip through Django's encoder so dates and Decimals are stored as strings.
    clean = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    event = Event.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        data=clean,
    )
    if handles(verb):
        # After the commit, so that a change rolled back sends nothing.
        transaction.on_commit(partial(dispatch, event), robust=True)
    return event
