"""A real OpenID Provider for the tests: Authlib's authorization server (authorization
code grant, PKCE, OpenID Connect ID tokens signed with a key the test makes), served by
the standard library's HTTP server in a thread on 127.0.0.1.

It authenticates whoever the test puts in ``person`` (standing in for the person's
BankID app) and can be told to sign claims that are wrong (``claims_override``) or to
hand out an ID token changed after signing (``tamper``).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, JsonRequest
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

from satsa.eid.demo_idp import DemoPerson
from satsa.eid.models import Loa
from satsa.eid.oidc import PERSONAL_NUMBER_CLAIM

# Plain HTTP on the loopback interface only; Authlib insists on TLS otherwise.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: DemoPerson
    acr: str
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, method: str, uri: str, headers: dict[str, str], params: dict[str, str]):
        super().__init__(method=method, uri=uri, headers=headers)
        self.payload = BasicOAuth2Payload(params)
        self._params = params

    @property
    def args(self) -> dict[str, str]:
        return self._params

    @property
    def form(self) -> dict[str, str]:
        return self._params


class Provider:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client = Client(client_id, client_secret, [redirect_uri])
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig"}, auto_kid=True)
        self.codes: dict[str, Code] = {}
        self.person: DemoPerson | None = None
        self.acr = Loa.LOA3.value
        self.claims_override: dict[str, Any] = {}
        self.tamper: Callable[[str], str] | None = None
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.server = self._authorization_server()

    # --- Authlib wiring ---------------------------------------------------------------

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                pass

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

            def create_oauth2_request(self, request: _Request) -> _Request:
                return request

            def create_json_request(self, request: Any) -> JsonRequest:
                raise NotImplementedError

            def handle_response(
                self, status: int, body: Any, headers: list[tuple[str, str]]
            ) -> tuple[int, Any, list[tuple[str, str]]]:
                return status, body, headers

        class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=data.get("redirect_uri", ""),
                    scope=data.get("scope", ""),
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    user=request.user,
                    acr=provider.acr,
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> DemoPerson:
                return authorization_code.user

        class IdToken(OpenIDCode):  # type: ignore[misc]
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": provider.key.kid}

            def generate_user_info(self, user: DemoPerson, scope: str) -> dict[str, Any]:
                return {
                    "sub": f"person-{abs(hash(user.personal_number)) % 10**8}",
                    "given_name": user.given_name,
                    "family_name": user.surname,
                    "name": user.display_name,
                    PERSONAL_NUMBER_CLAIM: user.personal_number,
                    **provider.claims_override,
                }

        server = Server()
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *a, **k: secrets.token_urlsafe(32))
        )
        server.register_grant(
            CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)]
        )
        return server

    # --- HTTP -------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output (and any number in a URL) out of stderr

            def _send(self, status: int, body: Any, headers: list[tuple[str, str]]) -> None:
                payload = body if isinstance(body, str) else json.dumps(body)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload.encode())

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery(), [("Content-Type", "application/json")])
                elif parts.path == "/jwks":
                    keys = {"keys": [provider.key.as_dict(private=False)]}
                    self._send(200, keys, [("Content-Type", "application/json")])
                elif parts.path == "/authorize":
                    request = _Request(
                        "GET",
                        provider.issuer + self.path,
                        dict(self.headers),
                        dict(parse_qsl(parts.query)),
                    )
                    self._send(
                        *provider.server.create_authorization_response(
                            request, grant_user=provider.person
                        )
                    )
                else:
                    self._send(404, "", [])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                params = dict(parse_qsl(self.rfile.read(length).decode()))
                if urlsplit(self.path).path != "/token":
                    self._send(404, "", [])
                    return
                request = _Request("POST", provider.issuer + self.path, dict(self.headers), params)
                status, body, headers = provider.server.create_token_response(request)
                if status == 200 and provider.tamper is not None:
                    body = dict(body)
                    body["id_token"] = provider.tamper(body["id_token"])
                self._send(status, body, headers)

        return Handler

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def start(self) -> None:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
