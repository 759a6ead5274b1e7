from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.events.models import AppendOnlyError, Event
from satsa.events.selectors import events_for_object
from satsa.events.services import event_record


def test_it_records_actor_verb_object_and_data(alice: Any, orebro: Any) -> None:
    event = event_record(
        actor=alice, verb="organisation.updated", target=orebro, data={"answer": 42}
    )
    assert (event.actor, event.verb, event.target, event.organisation) == (
        alice,
        "organisation.updated",
        orebro,
        orebro,
    )
    assert event.data == {"answer": 42}
    assert event.created_at.utcoffset().total_seconds() == 0
    assert list(events_for_object(orebro)) == [event]


def test_it_refuses_unknown_verbs(alice: Any) -> None:
    with pytest.raises(ValueError, match="unknown event verb"):
        event_record(actor=alice, verb="made.up", target=alice)


def test_events_cannot_be_changed_or_deleted(alice: Any, orebro: Any) -> None:
    event = event_record(actor=alice, verb="organisation.updated", target=orebro)
    event.verb = "user.logged_in"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    assert Event.objects.get(pk=event.pk).verb == "organisation.updated"


def test_the_activity_feed_shows_events_of_the_organisation(
    client_as: Any, alice: Any, orebro: Any, uppsala: Any
) -> None:
    event_record(actor=alice, verb="organisation.updated", target=orebro)
    event_record(actor=system_actor(), verb="organisation.updated", target=uppsala)
    content = client_as(alice).get(reverse("orgs:activity", args=["orebro"])).content.decode()
    assert "ändrade organisationens inställningar" in content
    assert "Örebro kommun" in content and "Uppsala kommun" not in content
