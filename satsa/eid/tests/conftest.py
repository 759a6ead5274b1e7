"""A real SAML identity provider for the tests: pysaml2's ``Server`` with a key pair the
tests make, knowing the metadata of Örebro's and Uppsala's service providers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from satsa.eid import saml
from satsa.eid.demo_idp import DEMO_PERSONS, DemoIdp, DemoPerson, request_parse
from satsa.eid.keys import key_pair_create
from satsa.eid.models import EidSettings
from satsa.orgs.models import Organisation


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("saml-keys")
    key_pair_create(key_file=folder / "sp.key", cert_file=folder / "sp.crt", common_name="sp")
    key_pair_create(key_file=folder / "idp.key", cert_file=folder / "idp.crt", common_name="idp")
    return folder


@pytest.fixture(autouse=True)
def saml_settings(settings: Any, key_dir: Path) -> None:
    settings.SATSA_BASE_URL = "http://testserver"
    settings.SATSA_SAML_KEY_FILE = str(key_dir / "sp.key")
    settings.SATSA_SAML_CERT_FILE = str(key_dir / "sp.crt")
    settings.SATSA_SAML_FEDERATION_METADATA = ""


@pytest.fixture
def make_idp(key_dir: Path, orebro: Organisation, uppsala: Organisation) -> Any:
    def make(lifetime_minutes: int = 5, sp_metadata: list[str] | None = None) -> DemoIdp:
        return DemoIdp(
            base_url="http://idp.test",
            key_file=key_dir / "idp.key",
            cert_file=key_dir / "idp.crt",
            sp_metadata=sp_metadata
            or [saml.sp_metadata_xml(org, None) for org in (orebro, uppsala)],
            lifetime_minutes=lifetime_minutes,
        )

    return make


@pytest.fixture
def idp(make_idp: Any) -> DemoIdp:
    return make_idp()


@pytest.fixture
def orebro_eid(orebro: Organisation, idp: DemoIdp) -> EidSettings:
    return EidSettings.objects.create(
        organisation=orebro,
        enabled=True,
        method=EidSettings.Method.SAML,
        saml_idp_metadata=idp.metadata_xml(),
    )


@pytest.fixture
def anna() -> DemoPerson:
    return DEMO_PERSONS[0]


def login_start(client: Client, org: Organisation, idp: DemoIdp, next_url: str = "") -> Any:
    """Follow "Logga in med e-legitimation" to the IdP; the AuthnRequest it receives."""
    url = reverse("eid:saml_login", args=[org.slug])
    params = {"idp": idp.entity_id, **({"next": next_url} if next_url else {})}
    response = client.get(url, params)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.netloc == urlparse(idp.base_url).netloc
    saml_request = parse_qs(location.query)["SAMLRequest"][0]
    return request_parse(idp.server(), saml_request)
