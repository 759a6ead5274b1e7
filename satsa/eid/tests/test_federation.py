"""An organisation without its own IdP uses the federation's (Sweden Connect's) metadata;
the person picks an identity provider first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.test import Client
from django.urls import reverse

from satsa.eid import saml
from satsa.eid.demo_idp import DemoIdp, DemoPerson
from satsa.eid.models import EidSettings
from satsa.eid.tests.conftest import login_start
from satsa.eid.tests.test_saml import post, register, respond
from satsa.orgs.models import Organisation


def federation(tmp_path: Path, key_dir: Path, orebro: Organisation) -> tuple[DemoIdp, DemoIdp]:
    idps = tuple(
        DemoIdp(
            base_url=f"http://{host}.test",
            key_file=key_dir / "idp.key",
            cert_file=key_dir / "idp.crt",
            sp_metadata=[saml.sp_metadata_xml(orebro, None)],
            name=name,
        )
        for host, name in (("bankid", "BankID demo"), ("freja", "Freja demo"))
    )
    entities = "".join(re.sub(r"^<\?xml[^>]*\?>\s*", "", idp.metadata_xml()) for idp in idps)
    path = tmp_path / "federation.xml"
    path.write_text(
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'Name="test-federation">{entities}</md:EntitiesDescriptor>',
        encoding="utf-8",
    )
    return idps  # type: ignore[return-value]


def test_the_person_picks_an_identity_provider_of_the_federation(
    client: Client,
    settings: Any,
    tmp_path: Path,
    key_dir: Path,
    orebro: Organisation,
    alice: Any,
    anna: DemoPerson,
) -> None:
    bankid, freja = federation(tmp_path, key_dir, orebro)
    settings.SATSA_SAML_FEDERATION_METADATA = str(tmp_path / "federation.xml")
    EidSettings.objects.create(organisation=orebro, enabled=True, method="saml")
    register(orebro, alice, anna)

    page = client.get(reverse("eid:chooser", args=["orebro"])).content.decode()
    assert "BankID demo" in page and "Freja demo" in page
    # An IdP outside the federation is not accepted: back to the chooser.
    bogus = client.get(reverse("eid:saml_login", args=["orebro"]) + "?idp=http://evil.test/")
    assert bogus["Location"] == reverse("eid:chooser", args=["orebro"])

    response = client.get(reverse("eid:saml_login", args=["orebro"]) + f"?idp={freja.entity_id}")
    assert urlparse(response["Location"]).netloc == "freja.test"
    request = login_start(client, orebro, freja)  # the chooser's link, followed
    assert post(client, orebro, respond(freja, request, anna)).status_code == 302
