"""Logging in through a real OpenID Provider (Authlib's server on 127.0.0.1)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from satsa.eid.demo_idp import DEMO_PERSONS, DemoPerson
from satsa.eid.identity import person_register
from satsa.eid.models import EidSettings, Loa
from satsa.eid.oidc import PERSONAL_NUMBER_CLAIM
from satsa.eid.tests.oidc_provider import Provider
from satsa.events.models import Event
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role

REDIRECT = "http://testserver/konto/oidc/orebro/callback/"


@pytest.fixture
def provider() -> Iterator[Provider]:
    provider = Provider(client_id="satsa-orebro", client_secret="s3cret", redirect_uri=REDIRECT)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def orebro_oidc(orebro: Organisation, provider: Provider, alice: Any) -> EidSettings:
    person_register(
        actor=alice,
        organisation=orebro,
        first_name=DEMO_PERSONS[0].given_name,
        last_name=DEMO_PERSONS[0].surname,
        email="",
        personal_number=DEMO_PERSONS[0].personal_number,
        roles=[Role.ECONOMIST],
    )
    return EidSettings.objects.create(
        organisation=orebro,
        enabled=True,
        method=EidSettings.Method.OIDC,
        oidc_issuer=provider.issuer,
        oidc_client_id="satsa-orebro",
        oidc_client_secret="s3cret",
    )


def log_in(client: Client, provider: Provider, person: DemoPerson, **tweak: str) -> Any:
    """Start at Satsa, authenticate at the provider, come back with the code."""
    provider.person = person
    start = client.get(reverse("eid:oidc_login", args=["orebro"]))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"http://testserver{back.path}" == REDIRECT
    params = {k: v[0] for k, v in parse_qs(back.query).items()} | tweak
    return client.get(back.path, params)


def reasons() -> list[str]:
    return [e.data["reason"] for e in Event.objects.filter(verb="eid.login_failed")]


def test_it_logs_in_a_registered_person_with_pkce_nonce_and_state(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    start = client.get(reverse("eid:oidc_login", args=["orebro"]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0] and query["code_challenge"][0]
    response = log_in(Client(), provider, DEMO_PERSONS[0])
    assert response.status_code == 302
    event = Event.objects.get(verb="eid.logged_in")
    assert event.data == {"method": "oidc", "loa": Loa.LOA3}
    assert event.actor.get_full_name() == DEMO_PERSONS[0].display_name


def test_it_refuses_a_tampered_id_token(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    def swap_person(token: str) -> str:
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims[PERSONAL_NUMBER_CLAIM] = DEMO_PERSONS[0].personal_number
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"

    provider.tamper = swap_person
    response = log_in(client, provider, DEMO_PERSONS[1])
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert reasons() == ["invalid"]


def test_it_refuses_a_wrong_nonce(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    provider.claims_override = {"nonce": "somebody-elses-nonce"}
    response = log_in(client, provider, DEMO_PERSONS[0])
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert reasons() == ["invalid"]


def test_it_refuses_a_token_for_another_audience(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    provider.claims_override = {"aud": ["another-client"]}
    response = log_in(client, provider, DEMO_PERSONS[0])
    assert response.status_code == 403
    assert reasons() == ["invalid"]


def test_it_refuses_a_callback_with_another_state(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    response = log_in(client, provider, DEMO_PERSONS[0], state="forged")
    assert response.status_code == 403
    assert reasons() == ["invalid"]


def test_it_refuses_too_low_a_level_of_assurance(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    provider.acr = Loa.LOA2.value
    response = log_in(client, provider, DEMO_PERSONS[0])
    assert response.status_code == 403
    assert "för låg tillitsnivå" in response.content.decode()


def test_it_tells_a_person_who_cancelled(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    client.get(reverse("eid:oidc_login", args=["orebro"]))
    response = client.get(
        reverse("eid:oidc_callback", args=["orebro"]), {"error": "access_denied", "state": "x"}
    )
    assert response.status_code == 403
    assert "avbröts" in response.content.decode()


def test_an_unknown_person_is_refused(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    response = log_in(client, provider, DEMO_PERSONS[2])
    assert response.status_code == 403
    assert reasons() == ["unknown_person"]


def test_a_mapped_group_claim_gives_a_role(
    client: Client, provider: Provider, orebro_oidc: EidSettings
) -> None:
    orebro_oidc.group_attribute = "groups"
    orebro_oidc.group_roles = {"satsa-styrgrupp": Role.STEERING_GROUP}
    orebro_oidc.save()
    provider.claims_override = {"groups": ["satsa-styrgrupp"]}
    assert log_in(client, provider, DEMO_PERSONS[0]).status_code == 302
    user = Event.objects.get(verb="eid.logged_in").actor
    roles = set(user.memberships.active().values_list("role", flat=True))
    assert roles == {Role.ECONOMIST, Role.STEERING_GROUP}
