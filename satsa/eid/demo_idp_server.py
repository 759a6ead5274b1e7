"""The demo identity provider over HTTP: ``satsa demo_idp`` and the browser test serve it.

It stands in for the BankID or Freja app: a page lists the demo persons, a click signs
a SAML response for that person and posts it to Satsa's assertion consumer service.
"""

from __future__ import annotations

import html
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import saml2
from django.utils.translation import gettext as _

from satsa.eid.demo_idp import (
    DEMO_PERSONS,
    DemoIdp,
    authn_response_create,
    cancel_response_create,
    request_parse,
)

_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}}
button{{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem}}</style>
</head><body>{body}</body></html>"""


class DemoIdpServer:
    def __init__(self, idp: DemoIdp, host: str = "127.0.0.1", port: int = 8001) -> None:
        self.idp = idp
        self.saml = idp.server()
        self.pending: dict[str, tuple[Any, str]] = {}
        self.http = ThreadingHTTPServer((host, port), self._handler())

    def _acs(self, sp_entity_id: str) -> str:
        services = self.saml.metadata.assertion_consumer_service(
            sp_entity_id, binding=saml2.BINDING_HTTP_POST
        )
        return str(services[0]["location"])

    def _choose_page(self, token: str) -> str:
        buttons = "".join(
            f'<button type="submit" name="person" value="{i}">'
            f"{html.escape(p.display_name)}</button>"
            for i, p in enumerate(DEMO_PERSONS)
        )
        body = (
            f"<h1>{html.escape(_('Demo-legitimation'))}</h1>"
            f"<p>{html.escape(_('Det här är en låtsad identitetsleverantör för demon. Välj vem du loggar in som.'))}</p>"
            f'<form method="post" action="/idp/sso/respond">'
            f'<input type="hidden" name="token" value="{token}">{buttons}'
            f'<button type="submit" name="cancel" value="1">{html.escape(_("Avbryt"))}</button>'
            f"</form>"
        )
        return _PAGE.format(title=html.escape(_("Demo-legitimation")), body=body)

    def _post_page(self, acs: str, saml_response: str, relay_state: str) -> str:
        body = (
            f'<form method="post" action="{html.escape(acs)}" id="post">'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            f'<button type="submit">{html.escape(_("Fortsätt"))}</button></form>'
            '<script>document.getElementById("post").submit();</script>'
        )
        return _PAGE.format(title=html.escape(_("Fortsätt")), body=body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # SAML messages in URLs carry personal data

            def _send(self, status: int, body: str, content_type: str = "text/html") -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                if parts.path == "/idp/metadata":
                    self._send(200, owner.idp.metadata_xml(), "application/samlmetadata+xml")
                elif parts.path == "/idp/sso/redirect" and "SAMLRequest" in query:
                    request = request_parse(owner.saml, query["SAMLRequest"])
                    token = secrets.token_urlsafe(16)
                    owner.pending[token] = (request, query.get("RelayState", ""))
                    self._send(200, owner._choose_page(token))
                elif parts.path == "/idp/slo/redirect" and "SAMLRequest" in query:
                    self._logout(query)
                else:
                    self._send(404, "")

            def _logout(self, query: dict[str, str]) -> None:
                request = owner.saml.parse_logout_request(
                    query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT
                )
                response = owner.saml.create_logout_response(
                    request.message, [saml2.BINDING_HTTP_REDIRECT]
                )
                services = owner.saml.metadata.single_logout_service(
                    request.issuer.text, saml2.BINDING_HTTP_REDIRECT, "spsso"
                )
                http = owner.saml.apply_binding(
                    saml2.BINDING_HTTP_REDIRECT,
                    str(response),
                    services[0]["location"],
                    query.get("RelayState", ""),
                    response=True,
                )
                self._redirect(dict(http["headers"])["Location"])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                pending = owner.pending.pop(form.get("token", ""), None)
                if urlsplit(self.path).path != "/idp/sso/respond" or pending is None:
                    self._send(400, "")
                    return
                request, relay_state = pending
                sp = request.issuer.text
                acs = owner._acs(sp)
                if form.get("cancel"):
                    saml_response = cancel_response_create(
                        owner.saml, in_response_to=request.id, destination=acs
                    )
                else:
                    person = DEMO_PERSONS[int(form.get("person", "0"))]
                    saml_response = authn_response_create(
                        owner.saml,
                        person=person,
                        in_response_to=request.id,
                        destination=acs,
                        sp_entity_id=sp,
                    )
                self._send(200, owner._post_page(acs, saml_response, relay_state))

        return Handler

    def serve_forever(self) -> None:
        self.http.serve_forever()

    def start(self) -> None:
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
