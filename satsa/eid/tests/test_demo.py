"""The demo sets Örebro up for the demo identity provider, with its persons registered."""

from __future__ import annotations

from typing import Any

from satsa.eid import demo
from satsa.eid.demo_idp import DEMO_PERSONS
from satsa.eid.identity import identity_hash
from satsa.eid.models import EidSettings, PersonIdentity
from satsa.orgs import demo as orgs_demo


def test_the_demo_registers_its_persons_as_the_demo_users(db: Any, settings: Any) -> None:
    orgs_demo.load()
    demo.load()
    demo.load()  # safe to re-run
    eid = EidSettings.objects.get(organisation__slug="orebro")
    assert eid.enabled and eid.method == "saml"
    assert settings.SATSA_DEMO_IDP_URL + "/idp/sso/redirect" in eid.saml_idp_metadata
    matched = {
        p.user.username: p.number_hash for p in PersonIdentity.objects.select_related("user")
    }
    assert matched == {
        person.demo_username: identity_hash(person.personal_number)
        for person in DEMO_PERSONS
        if person.demo_username
    }
