"""Satsa as a SAML 2.0 service provider, one per organisation, on pysaml2.

Each organisation gets its own entity id (its metadata URL), so its IdP or the Sweden
Connect federation can register it on its own. The identity provider is the
organisation's own (metadata pasted into its settings) or one of the federation's
(``SATSA_SAML_FEDERATION_METADATA``, chosen on the login page). Assertions must be
signed; responses must answer a request this browser session made (no unsolicited
responses), within the clock skew, and an assertion is consumed once only.
"""

from __future__ import annotations

import base64
import calendar
import copy
import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import saml2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from saml2 import samlp
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.response import StatusError
from saml2.saml import NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import security_context
from saml2.time_util import str_to_time

from satsa.eid.identity import PERSONAL_NUMBER_OID, EidLoginError, VerifiedIdentity
from satsa.eid.keys import key_pair_ensure, key_pair_from_pem
from satsa.eid.models import ConsumedAssertion, EidSettings
from satsa.orgs.models import Organisation

logger = logging.getLogger(__name__)

# Attributes of the Swedish eID Framework (attribute set ELN-AP-Pnr-01), by OID.
ATTRIBUTES = {
    "personalIdentityNumber": PERSONAL_NUMBER_OID,
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
}
# Entity categories the SP declares in its metadata (Sweden Connect reads them).
ENTITY_CATEGORIES = [
    "http://id.elegnamnden.se/ec/1.0/loa3-pnr",
    "http://id.elegnamnden.se/st/1.0/public-sector-sp",
]
CANCEL_STATUS = "http://id.elegnamnden.se/status/1.0/cancel"
# How far the IdP's clock may differ from ours.
CLOCK_SKEW_SECONDS = 90


def base_url() -> str:
    return str(settings.SATSA_BASE_URL).rstrip("/")


def sp_entity_id(organisation: Organisation) -> str:
    return base_url() + reverse("eid:saml_metadata", args=[organisation.slug])


def sp_key_files() -> tuple[Path, Path]:
    """The SP's key pair as files. With several servers every one must sign with the same
    pair: ``SATSA_SAML_KEY_PEM``/``SATSA_SAML_CERT_PEM`` (the PEM text from the secret
    store) or the two files on a shared path. Otherwise the files are made on first use,
    which suits one server only."""
    key_pem, cert_pem = settings.SATSA_SAML_KEY_PEM, settings.SATSA_SAML_CERT_PEM
    if key_pem or cert_pem:
        if not (key_pem and cert_pem):
            raise ImproperlyConfigured("Set both SATSA_SAML_KEY_PEM and SATSA_SAML_CERT_PEM.")
        folder = Path(settings.VAR_DIR) / "saml" / "from-environment"
        return key_pair_from_pem(key_pem=key_pem, cert_pem=cert_pem, folder=folder)
    key_file = Path(settings.SATSA_SAML_KEY_FILE)
    cert_file = Path(settings.SATSA_SAML_CERT_FILE)
    key_pair_ensure(key_file=key_file, cert_file=cert_file, common_name="Satsa")
    return key_file, cert_file


def _xmlsec_binary() -> str:
    return saml2.sigver.get_xmlsec_binary(["/usr/bin", "/usr/local/bin"])


def sp_config(organisation: Organisation, eid: EidSettings | None) -> SPConfig:
    key_file, cert_file = sp_key_files()
    base = base_url()
    slug = organisation.slug
    if eid is not None and eid.saml_idp_metadata.strip():
        metadata: dict[str, Any] = {"inline": [eid.saml_idp_metadata]}
    elif settings.SATSA_SAML_FEDERATION_METADATA:
        metadata = {"local": [str(settings.SATSA_SAML_FEDERATION_METADATA)]}
    else:
        metadata = {}
    conf = {
        "entityid": sp_entity_id(organisation),
        "xmlsec_binary": _xmlsec_binary(),
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "encryption_keypairs": [{"key_file": str(key_file), "cert_file": str(cert_file)}],
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "entity_category": ENTITY_CATEGORIES,
        "metadata": metadata,
        "service": {
            "sp": {
                "name": f"Satsa – {organisation.name}",
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [
                        (base + reverse("eid:saml_acs", args=[slug]), saml2.BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (base + reverse("eid:saml_sls", args=[slug]), saml2.BINDING_HTTP_REDIRECT)
                    ],
                },
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                # Requested in the metadata by OID, as the eID Framework names them.
                "required_attributes": list(ATTRIBUTES.values()),
                # IdPs release only what the SP's metadata asks for.
                "optional_attributes": [eid.group_attribute] if eid and eid.group_attribute else [],
                "logout_requests_signed": True,
            }
        },
    }
    config = SPConfig()
    config.load(copy.deepcopy(conf))
    return config


def sp_client(organisation: Organisation, eid: EidSettings | None) -> Saml2Client:
    return Saml2Client(config=sp_config(organisation, eid))


def sp_metadata_xml(organisation: Organisation, eid: EidSettings | None) -> str:
    """The SP's metadata, signed with its own key (the federation re-signs what it publishes)."""
    config = sp_config(organisation, eid)
    descriptor = entity_descriptor(config)
    secc = security_context(config)
    _eid, xml = sign_entity_descriptor(descriptor, None, secc)
    return str(xml)


@dataclass(frozen=True)
class IdpChoice:
    entity_id: str
    name: str


def idp_choices(organisation: Organisation, eid: EidSettings | None) -> list[IdpChoice]:
    """The identity providers a person may pick for this organisation (one for its own IdP)."""
    config = sp_config(organisation, eid)
    store: MetadataStore = config.metadata
    choices = []
    for entity_id in store.identity_providers():
        name = store.name(entity_id) or entity_id
        choices.append(IdpChoice(entity_id=entity_id, name=name))
    return sorted(choices, key=lambda c: c.name)


def authn_request_prepare(
    *, organisation: Organisation, eid: EidSettings, idp_entity_id: str, relay_state: str
) -> tuple[str, str]:
    """A signed AuthnRequest for ``idp_entity_id``: (request id, URL to send the browser to)."""
    client = sp_client(organisation, eid)
    context = RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(text=eid.required_loa)],
        comparison="exact",
    )
    request_id, info = client.prepare_for_authenticate(
        entityid=idp_entity_id,
        relay_state=relay_state,
        binding=saml2.BINDING_HTTP_REDIRECT,
        requested_authn_context=context,
        sign=True,
        sigalg=saml2.xmldsig.SIG_RSA_SHA256,
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def _first(ava: dict[str, list[str]], friendly: str) -> str:
    for key in (friendly, ATTRIBUTES[friendly]):
        values = ava.get(key)
        if values:
            return str(values[0])
    return ""


def authn_response_verify(
    *,
    organisation: Organisation,
    eid: EidSettings,
    saml_response: str,
    outstanding: dict[str, str],
) -> tuple[VerifiedIdentity, dict[str, str]]:
    """Verify a POSTed SAMLResponse; return the identity and what single logout needs
    (with ``request_id``, the AuthnRequest it answers).

    Raises :class:`EidLoginError` for a response that is cancelled, unsigned, tampered,
    for another service provider, expired, unsolicited or replayed.
    """
    client = sp_client(organisation, eid)
    try:
        response = client.parse_authn_request_response(
            saml_response, saml2.BINDING_HTTP_POST, outstanding=outstanding
        )
    except StatusError as error:
        reason = (
            "cancelled"
            if CANCEL_STATUS in str(error) or "cancel" in str(error).lower()
            else "failed"
        )
        raise EidLoginError(reason) from error
    except Exception as error:  # pysaml2 raises many kinds; each means "not acceptable"
        name = type(error).__name__
        logger.info("SAML response refused: %s", name)
        if name in {"ResponseLifetimeExceed", "ToEarly", "UnsolicitedResponse"} or (
            name == "VerificationError" and _has_expired(saml_response)
        ):
            raise EidLoginError("expired") from error
        raise EidLoginError("invalid") from error
    if response is None or response.assertion is None:
        raise EidLoginError("invalid")
    assertion = response.assertion
    issuer = response.issuer()
    _assertion_consume(assertion=assertion, issuer=issuer)
    ava = response.ava or {}
    class_refs = [info[0] for info in response.authn_info()]
    identity = VerifiedIdentity(
        method="saml",
        issuer=issuer,
        personal_number=_first(ava, "personalIdentityNumber"),
        loa=class_refs[0] if class_refs else "",
        given_name=_first(ava, "givenName"),
        surname=_first(ava, "sn"),
        display_name=_first(ava, "displayName"),
        groups=_attribute_values(client, ava, eid.group_attribute),
    )
    session_index = ""
    if assertion.authn_statement:
        session_index = assertion.authn_statement[0].session_index or ""
    logout = {
        "request_id": str(response.in_response_to or ""),
        "idp": issuer,
        "name_id": str(response.name_id) if response.name_id is not None else "",
        "session_index": session_index,
    }
    return identity, logout


def _attribute_values(client: Saml2Client, ava: dict[str, Any], name: str) -> tuple[str, ...]:
    """An attribute's values whether pysaml2 keeps it under its URI or a friendly name."""
    if not name:
        return ()
    names = {name}
    for converter in client.config.attribute_converters:
        friendly = (converter._fro or {}).get(name.lower())
        if friendly:
            names.add(friendly)
    return tuple(str(v) for n in names for v in ava.get(n, []))


def _assertion_consume(*, assertion: Any, issuer: str) -> None:
    """Remember the assertion until it expires; a second use of it is a replay."""
    not_on_or_after = timezone.now() + dt.timedelta(hours=1)
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        not_on_or_after = dt.datetime.fromtimestamp(
            _epoch(conditions.not_on_or_after), tz=dt.UTC
        ) + dt.timedelta(seconds=CLOCK_SKEW_SECONDS)
    ConsumedAssertion.objects.filter(not_on_or_after__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            ConsumedAssertion.objects.create(
                assertion_id=assertion.id, issuer=issuer, not_on_or_after=not_on_or_after
            )
    except IntegrityError as error:
        raise EidLoginError("expired") from error


def _epoch(instant: str) -> float:
    return float(calendar.timegm(str_to_time(instant)))


def _has_expired(saml_response: str) -> bool:
    """Whether a response that failed verification had run out of time (for the message)."""
    try:
        response = samlp.response_from_string(base64.b64decode(saml_response))
        limit = time.time() - CLOCK_SKEW_SECONDS
        return any(
            a.conditions is not None
            and a.conditions.not_on_or_after
            and _epoch(a.conditions.not_on_or_after) < limit
            for a in response.assertion
        )
    except Exception:  # unreadable: not a question of time
        return False
