"""A small SAML identity provider (pysaml2's ``Server``) for the demo and the tests.

It issues the same kind of signed responses as Sweden Connect's identity providers: the
eID Framework's attributes named by OID and a level of assurance. Its persons carry
personal identity numbers from Skatteverket's test series, never real people's.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import saml2
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

from satsa.eid.keys import key_pair_ensure
from satsa.eid.models import Loa
from satsa.eid.saml import ATTRIBUTES


@dataclass(frozen=True)
class DemoPerson:
    personal_number: str
    given_name: str
    surname: str
    #: The demo user this person is registered as in ``satsa demo`` ("" for nobody).
    demo_username: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    def __repr__(self) -> str:
        return f"DemoPerson({self.display_name!r})"


# Test personal identity numbers (birth number 98x, as in Skatteverket's test series;
# check them against its published list before relying on them being unassigned).
DEMO_PERSONS = [
    DemoPerson("198112189876", "Anna", "Lindqvist", "anna"),
    DemoPerson("197802249867", "Erik", "Nordin", "erik"),
    DemoPerson("199010109891", "Cecilia", "Carlsson"),
]


@dataclass
class DemoIdp:
    """An identity provider at ``base_url`` that knows the given SPs' metadata."""

    base_url: str
    key_file: Path
    cert_file: Path
    sp_metadata: list[str] = field(default_factory=list)
    lifetime_minutes: int = 5
    name: str = "Satsa demo-IdP"

    @property
    def entity_id(self) -> str:
        return self.base_url.rstrip("/") + "/idp/metadata"

    @property
    def sso_url(self) -> str:
        return self.base_url.rstrip("/") + "/idp/sso/redirect"

    @property
    def slo_url(self) -> str:
        return self.base_url.rstrip("/") + "/idp/slo/redirect"

    def config(self) -> IdPConfig:
        key_pair_ensure(
            key_file=self.key_file, cert_file=self.cert_file, common_name="Satsa demo IdP"
        )
        conf = {
            "entityid": self.entity_id,
            "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
            "key_file": str(self.key_file),
            "cert_file": str(self.cert_file),
            "accepted_time_diff": 90,
            "allow_unknown_attributes": True,
            "organization": {"name": self.name, "display_name": self.name, "url": self.base_url},
            "metadata": {"inline": list(self.sp_metadata)} if self.sp_metadata else {},
            "service": {
                "idp": {
                    "name": self.name,
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                    "endpoints": {
                        "single_sign_on_service": [(self.sso_url, saml2.BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(self.slo_url, saml2.BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": self.lifetime_minutes},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
        }
        config = IdPConfig()
        config.load(copy.deepcopy(conf))
        return config

    def server(self) -> Server:
        return Server(config=self.config())

    def metadata_xml(self) -> str:
        return str(entity_descriptor(self.config()))


def identity_of(person: DemoPerson) -> dict[str, list[str]]:
    """The person's attributes, named by OID as the eID Framework sends them."""
    return {
        ATTRIBUTES["personalIdentityNumber"]: [person.personal_number],
        ATTRIBUTES["givenName"]: [person.given_name],
        ATTRIBUTES["sn"]: [person.surname],
        ATTRIBUTES["displayName"]: [person.display_name],
    }


def authn_response_create(
    server: Server,
    *,
    person: DemoPerson,
    in_response_to: str,
    destination: str,
    sp_entity_id: str,
    loa: str = Loa.LOA3.value,
    sign_assertion: bool = True,
    extra_attributes: dict[str, list[str]] | None = None,
) -> str:
    """A SAMLResponse for the HTTP-POST binding (base64), as the IdP would send it."""
    response = server.create_authn_response(
        identity=identity_of(person) | (extra_attributes or {}),
        in_response_to=in_response_to,
        destination=destination,
        sp_entity_id=sp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=f"_t{abs(hash(person))}"),
        authn={"class_ref": loa, "authn_auth": server.config.entityid},
        sign_assertion=sign_assertion,
        sign_response=False,
    )
    return base64.b64encode(str(response).encode("utf-8")).decode("ascii")


def request_parse(server: Server, saml_request: str) -> Any:
    """The AuthnRequest a browser brought with the HTTP-Redirect binding."""
    return server.parse_authn_request(saml_request, saml2.BINDING_HTTP_REDIRECT).message


def cancel_response_create(server: Server, *, in_response_to: str, destination: str) -> str:
    """The eID Framework's answer when the person cancels at the IdP (status "cancel")."""
    response = server.create_error_response(
        in_response_to,
        destination,
        ("http://id.elegnamnden.se/status/1.0/cancel", "Användaren avbröt inloggningen"),
    )
    return base64.b64encode(str(response).encode("utf-8")).decode("ascii")
