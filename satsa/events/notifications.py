"""E-mail as a consumer of events: the one place Satsa sends notifications from.

An app that owns a verb may declare in ``<app>/notifications.py`` a ``HANDLERS`` dict from
the verb to a handler (or a list of handlers). A handler reads the recorded
:class:`~satsa.events.models.Event` (its ``data`` and ``target``) and returns the
:class:`Notice` objects to send: to whom, and what. This module collects the handlers from
the installed Satsa apps the way ``verbs.py`` collects the verbs, so ``events`` imports no
app and adding a notification touches only the app that owns the verb.

:func:`satsa.events.services.event_record` calls :func:`dispatch` once the transaction
has committed, so a change that is rolled back sends nothing. What was sent is recorded
as a ``notification.sent`` event, which is also how a second dispatch of the same event
knows to stay quiet; a mail server that fails is logged and never undoes the change.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import translation

from satsa.events.actors import system_actor
from satsa.events.models import Event

logger = logging.getLogger(__name__)

SENT = "notification.sent"


@dataclass(frozen=True)
class Notice:
    """One message about an event, to a list of people.

    ``title`` names the object (a case's title) and ``link`` is the path of its page; both
    close the message. ``together`` sends one message addressed to everyone (a team that
    writes a report together); otherwise each person gets their own.
    """

    recipients: Sequence[Any]
    subject: str
    body: str
    title: str = ""
    link: str = ""
    together: bool = False


Handler = Callable[[Event], Iterable[Notice]]


@cache
def all_handlers() -> dict[str, tuple[tuple[str, Handler], ...]]:
    """The handlers of every verb, each with a stable name (its dotted path)."""
    from satsa.events.verbs import all_verbs

    found: dict[str, list[tuple[str, Handler]]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("satsa."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.notifications")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.notifications":
                raise
            continue
        handlers = getattr(module, "HANDLERS", None)
        if handlers is None:
            continue
        for verb, given in handlers.items():
            if verb not in all_verbs():
                raise RuntimeError(f"{module.__name__} notifies of unknown event verb {verb!r}")
            for handler in given if isinstance(given, list | tuple) else [given]:
                name = f"{handler.__module__}.{handler.__qualname__}"
                found.setdefault(verb, []).append((name, handler))
    return {verb: tuple(items) for verb, items in found.items()}


def handles(verb: str) -> bool:
    return verb in all_handlers()


def _already_sent(event: Event, key: str) -> bool:
    return Event.objects.filter(verb=SENT, data__event=event.pk, data__notice=key).exists()


def _members(event: Event, people: Iterable[Any]) -> list[Any]:
    """The people with an e-mail address, once each, who belong to the event's organisation.

    A handler should only name people of the organisation; this is the guard that makes a
    mistake there unable to mail another organisation's data out.
    """
    ids = {p.pk for p in people if p is not None and bool(getattr(p, "email", ""))}
    users = get_user_model().objects.filter(pk__in=ids)
    if event.organisation_id is not None:
        users = users.filter(
            memberships__organisation_id=event.organisation_id,
            memberships__ended_at__isnull=True,
        )
    return list(users.distinct().order_by("email", "pk"))


def _compose(notice: Notice) -> tuple[str, str]:
    subject = f"[Satsa] {notice.subject}"
    if notice.title:
        subject += f": {notice.title}"
    closing = "\n".join(line for line in (notice.title, notice.link) if line)
    body = f"{notice.body}\n\n{closing}\n" if closing else f"{notice.body}\n"
    return subject, body


def _send(subject: str, body: str, addresses: list[str]) -> bool:
    try:
        EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=addresses
        ).send()
    except Exception:
        # The change this mail is about has been committed; a mail server that is down
        # must not turn it into an error for the person who made it.
        logger.exception("could not send %r to %s", subject, ", ".join(addresses))
        return False
    return True


def _deliver(event: Event, key: str, notice: Notice) -> int:
    from satsa.events.services import event_record

    people = _members(event, notice.recipients)
    if not people:
        return 0
    subject, body = _compose(notice)
    sent: list[Any] = []
    failed: list[Any] = []
    batches = [people] if notice.together else [[person] for person in people]
    for batch in batches:
        ok = _send(subject, body, [person.email for person in batch])
        (sent if ok else failed).extend(batch)
    event_record(
        actor=system_actor(),
        verb=SENT,
        organisation=event.organisation,
        data={
            "event": event.pk,
            "verb": event.verb,
            "notice": key,
            "recipients": [person.pk for person in sent],
            "failed": [person.pk for person in failed],
        },
    )
    return len(sent)


def dispatch(event: Event) -> int:
    """Send what the handlers of ``event.verb`` say, unless already sent; returns how many
    people got a message."""
    count = 0
    for name, handler in all_handlers().get(event.verb, ()):
        try:
            # No language is stored per person yet, so everyone reads Satsa's own.
            with translation.override(settings.LANGUAGE_CODE):
                notices = list(handler(event))
        except Exception:
            logger.exception("notification handler %s failed on event %s", name, event.pk)
            continue
        for index, notice in enumerate(notices):
            key = f"{name}:{index}"
            if _already_sent(event, key):
                continue
            count += _deliver(event, key, notice)
    return count
