"""Reading events for activity feeds."""

from __future__ import annotations

from django.db import models

from satsa.events.models import Event, EventQuerySet
from satsa.events.notifications import SENT


def events_for_object(obj: models.Model, *, limit: int = 50) -> EventQuerySet:
    return Event.objects.for_object(obj).select_related("actor")[:limit]


def events_for_organisation(organisation: models.Model, *, limit: int = 50) -> EventQuerySet:
    # Records of e-mail sent are for audit, not news: one per change would crowd the feed.
    events = Event.objects.filter(organisation_id=organisation.pk).exclude(verb=SENT)
    return events.select_related("actor")[:limit]
