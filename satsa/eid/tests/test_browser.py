"""The SAML login end to end in Chromium: Satsa's login page, the demo identity
provider (a real pysaml2 IdP over HTTP), the signed response posted back, logged in."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from satsa.eid import saml
from satsa.eid.demo_idp import DEMO_PERSONS, DemoIdp
from satsa.eid.demo_idp_server import DemoIdpServer
from satsa.eid.identity import person_register
from satsa.eid.models import EidSettings
from satsa.events.models import Event
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.browser
def test_a_registered_person_logs_in_with_e_legitimation(
    page: Any,
    chromium: Any,
    live_server: Any,
    settings: Any,
    key_dir: Path,
    orebro: Organisation,
    alice: Any,
    axe: Any,
) -> None:
    settings.SATSA_BASE_URL = live_server.url
    idp = DemoIdp(
        base_url=f"http://127.0.0.1:{free_port()}",
        key_file=key_dir / "idp.key",
        cert_file=key_dir / "idp.crt",
        sp_metadata=[saml.sp_metadata_xml(orebro, None)],
    )
    EidSettings.objects.create(
        organisation=orebro, enabled=True, method="saml", saml_idp_metadata=idp.metadata_xml()
    )
    anna = DEMO_PERSONS[0]
    user = person_register(
        actor=alice,
        organisation=orebro,
        first_name=anna.given_name,
        last_name=anna.surname,
        email="",
        personal_number=anna.personal_number,
        roles=[Role.ECONOMIST],
    )
    server = DemoIdpServer(idp, port=int(idp.base_url.rsplit(":", 1)[1]))
    server.start()
    try:
        page.goto("/konto/logga-in/")
        assert axe(page) == []
        # The flow itself under the real Content-Security-Policy (axe needs it bypassed).
        strict = chromium.new_context(base_url=live_server.url, locale="sv-SE")
        flow = strict.new_page()
        violations: list[str] = []
        flow.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        flow.goto("/konto/logga-in/")
        flow.get_by_role("link", name="Logga in med e-legitimation – Örebro kommun").click()
        flow.get_by_role("button", name=anna.display_name).click()
        flow.wait_for_url(lambda url: url.startswith(live_server.url) and "/konto/" not in url)
        assert flow.get_by_role("button", name="Logga ut").count() == 1
        assert violations == []
        strict.close()
    finally:
        server.stop()
    assert Event.objects.filter(verb="eid.logged_in", actor=user).count() == 1
