"""Demo: Örebro kommun logs in with e-legitimation through ``satsa demo_idp``.

The demo identity provider's key pair lives under ``var/saml/`` (made here if missing,
reused by ``satsa demo_idp``), and its demo persons are registered as the demo users
they stand for, by the keyed hash of their test personal identity numbers.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from satsa.eid import saml
from satsa.eid.demo_idp import DEMO_PERSONS, DemoIdp
from satsa.eid.identity import identity_hash
from satsa.eid.models import EidSettings, Loa, PersonIdentity
from satsa.orgs.models import Organisation

DEMO_ORGANISATION = "orebro"


def demo_idp(base_url: str | None = None) -> DemoIdp:
    folder = Path(settings.SATSA_SAML_KEY_FILE).parent
    return DemoIdp(
        base_url=base_url or settings.SATSA_DEMO_IDP_URL,
        key_file=folder / "demo-idp-key.pem",
        cert_file=folder / "demo-idp-cert.pem",
        sp_metadata=[
            saml.sp_metadata_xml(org, None) for org in Organisation.objects.order_by("slug")
        ],
    )


def load() -> None:
    org = Organisation.objects.filter(slug=DEMO_ORGANISATION).first()
    if org is None:
        return
    EidSettings.objects.update_or_create(
        organisation=org,
        defaults={
            "enabled": True,
            "method": EidSettings.Method.SAML,
            "saml_idp_metadata": demo_idp().metadata_xml(),
            "required_loa": Loa.LOA3,
            "allow_just_in_time": False,
            "require_eid_for_staff": False,  # the demo's password logins keep working
        },
    )
    users = get_user_model().objects
    for person in DEMO_PERSONS:
        user = users.filter(username=person.demo_username).first()
        if not person.demo_username or user is None:
            continue
        PersonIdentity.objects.update_or_create(
            organisation=org,
            user=user,
            defaults={"number_hash": identity_hash(person.personal_number)},
        )
