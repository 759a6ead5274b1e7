"""Reading events: activity feeds, and the newest change behind the public pages."""

from __future__ import annotations

import datetime as dt

from django.db import models

from satsa.events.models import Event, EventQuerySet
from satsa.events.notifications import SENT


def events_for_object(obj: models.Model, *, limit: int = 50) -> EventQuerySet:
    return Event.objects.for_object(obj).select_related("actor")[:limit]


def events_for_organisation(organisation: models.Model, *, limit: int = 50) -> EventQuerySet:
    # Records of e-mail sent are for audit, not news: one per change would crowd the feed.
    events = Event.objects.filter(organisation_id=organisation.pk).exclude(verb=SENT)
    return events.select_related("actor")[:limit]


# Events that change nothing anyone reads on a public page.
_UNSEEN = (SENT, "user.logged_in", "user.logged_out", "followup.individual_data_viewed")


def latest_change(organisation_id: int) -> tuple[int, dt.datetime] | None:
    """The id and time of the newest event of the organisation or of the national tables
    (events of no organisation): every change leaves one, so what the public pages show
    can only have changed if this has. One indexed query."""
    newest = (
        Event.objects.filter(
            models.Q(organisation_id=organisation_id) | models.Q(organisation__isnull=True)
        )
        .exclude(verb__in=_UNSEEN)
        .order_by("-pk")
        .values_list("pk", "created_at")
        .first()
    )
    return newest
