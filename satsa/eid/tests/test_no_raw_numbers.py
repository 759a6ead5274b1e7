"""No personal identity number is stored or logged: after registrations, logins and
refused logins, the whole database (sessions decoded) and the log output are searched."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from satsa.eid.demo_idp import DEMO_PERSONS, DemoIdp, DemoPerson
from satsa.eid.logging import RedactPersonalNumbers, redact
from satsa.eid.models import EidSettings
from satsa.eid.tests.conftest import login_start
from satsa.eid.tests.test_saml import post, respond


def forms_of(number: str) -> list[str]:
    return [number, number[2:], f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The configured console handler (with its filters), writing to a buffer at DEBUG."""
    root = logging.getLogger()
    handler = next(
        h for h in root.handlers if any(isinstance(f, RedactPersonalNumbers) for f in h.filters)
    )
    buffer = io.StringIO()
    old_stream, old_level = handler.setStream(buffer), root.level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)  # type: ignore[arg-type]


def database_text() -> str:
    parts = []
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            parts.append(repr(row))
    for session in Session.objects.all():
        parts.append(repr(session.get_decoded()))
    return "\n".join(parts)


def test_no_number_reaches_the_database_or_the_logs(
    client: Client,
    orebro_eid: EidSettings,
    idp: DemoIdp,
    alice: Any,
    log_output: io.StringIO,
) -> None:
    anna, bertil = DEMO_PERSONS[0], DEMO_PERSONS[1]
    client.force_login(alice)
    response = client.post(
        reverse("eid_org:people", args=["orebro"]),
        {
            "first_name": anna.given_name,
            "last_name": anna.surname,
            "personal_number": anna.personal_number,
            "roles": ["economist"],
        },
    )
    assert response.status_code == 302
    client.logout()
    orebro = orebro_eid.organisation
    # A login, an unknown person, a tampered response and a replay.
    request = login_start(client, orebro, idp)
    good = respond(idp, request, anna)
    assert post(client, orebro, good).status_code == 302
    assert post(client, orebro, good).status_code == 403
    stranger = Client()
    request = login_start(stranger, orebro, idp)
    assert post(stranger, orebro, respond(idp, request, bertil)).status_code == 403
    request = login_start(stranger, orebro, idp)
    xml = base64.b64decode(respond(idp, request, bertil)).decode()
    tampered = xml.replace(bertil.personal_number, anna.personal_number)
    assert post(stranger, orebro, base64.b64encode(tampered.encode()).decode()).status_code == 403
    logging.getLogger("satsa.test").debug("a number in a message: %s", anna.personal_number)

    stored = database_text()
    logged = log_output.getvalue()
    assert "e-legitimation login refused" in logged  # the logs were captured
    assert "[personnummer]" in logged  # and the filter worked on the planted message
    for person in (anna, bertil):
        for form in forms_of(person.personal_number):
            assert form not in stored
            assert form not in logged


@pytest.mark.parametrize("person", DEMO_PERSONS, ids=lambda p: p.given_name)
def test_the_log_filter_redacts_every_written_form(person: DemoPerson) -> None:
    for form in forms_of(person.personal_number):
        assert form not in redact(f"number={form};")
