"""OpenID Connect as the alternative to SAML: the authorization code flow with PKCE
(S256), a nonce bound to the ID token and a state bound to the browser session.

The provider is found through its discovery document; the ID token's signature is
checked against the provider's published keys, and its issuer, audience, nonce and
lifetime must all match. Claims follow the Swedish OIDC profile (oidc.se).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, cast
from urllib.parse import urlencode

import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from satsa.eid.identity import EidLoginError, VerifiedIdentity
from satsa.eid.models import EidSettings

logger = logging.getLogger(__name__)

#: The Swedish OIDC profile's claim for the personal identity number.
PERSONAL_NUMBER_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
SCOPES = "openid profile https://id.oidc.se/scope/naturalPersonNumber"
TIMEOUT_SECONDS = 10
CLOCK_SKEW_SECONDS = 90
SIGNING_ALGORITHMS = ["RS256", "ES256", "PS256"]


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def provider_configuration(issuer: str) -> dict[str, Any]:
    config = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if config.get("issuer") != issuer:
        # OIDC Discovery §4.3: the document must name the issuer it was fetched for.
        raise ValueError("discovery document for another issuer")
    return config


def authorization_prepare(*, eid: EidSettings, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The URL to send the browser to, and what the callback must find in the session."""
    config = provider_configuration(eid.oidc_issuer)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    params = {
        "response_type": "code",
        "client_id": eid.oidc_client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        "acr_values": eid.required_loa,
        "prompt": "login",
    }
    url = config["authorization_endpoint"] + "?" + urlencode(params)
    pending = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    return url, pending


def callback_verify(
    *, eid: EidSettings, pending: dict[str, str], params: dict[str, str]
) -> VerifiedIdentity:
    """Check the callback, redeem the code and verify the ID token. Raises EidLoginError."""
    if params.get("error"):
        raise EidLoginError("cancelled" if params["error"] == "access_denied" else "failed")
    if not secrets.compare_digest(params.get("state", ""), pending["state"]):
        raise EidLoginError("invalid")
    code = params.get("code", "")
    if not code:
        raise EidLoginError("failed")
    try:
        config = provider_configuration(eid.oidc_issuer)
        token_response = requests.post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": pending["redirect_uri"],
                "code_verifier": pending["verifier"],
            },
            auth=(eid.oidc_client_id, eid.oidc_client_secret),
            timeout=TIMEOUT_SECONDS,
        )
        if token_response.status_code != 200:
            logger.info("OIDC token endpoint refused the code: %s", token_response.status_code)
            raise EidLoginError("failed")
        id_token = token_response.json().get("id_token", "")
        keys = KeySet.import_key_set(cast(Any, _get_json(config["jwks_uri"])))
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.info("OIDC provider unreachable or malformed: %s", type(error).__name__)
        raise EidLoginError("failed") from error
    claims = id_token_verify(
        id_token=id_token,
        keys=keys,
        issuer=eid.oidc_issuer,
        client_id=eid.oidc_client_id,
        nonce=pending["nonce"],
    )
    number = claims.get(PERSONAL_NUMBER_CLAIM) or ""
    groups = claims.get(eid.group_attribute, []) if eid.group_attribute else []
    if isinstance(groups, str):
        groups = [groups]
    return VerifiedIdentity(
        method="oidc",
        issuer=eid.oidc_issuer,
        personal_number=str(number),
        loa=str(claims.get("acr", "")),
        given_name=str(claims.get("given_name", "")),
        surname=str(claims.get("family_name", "")),
        display_name=str(claims.get("name", "")),
        groups=tuple(str(g) for g in groups),
    )


def id_token_verify(
    *, id_token: str, keys: KeySet, issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, nonce and times hold."""
    try:
        token = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except JoseError as error:
        logger.info("OIDC ID token refused: %s", type(error).__name__)
        if type(error).__name__ == "ExpiredTokenError":
            raise EidLoginError("expired") from error
        raise EidLoginError("invalid") from error
    except ValueError as error:
        raise EidLoginError("invalid") from error
    claims = dict(token.claims)
    # With several audiences, the token must have been issued to us (OIDC Core §3.1.3.7).
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise EidLoginError("invalid")
    return claims
