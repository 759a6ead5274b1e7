"""Logging in through a real SAML identity provider (pysaml2's Server, in process)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import saml2
from django.test import Client
from django.urls import reverse

from satsa.eid.demo_idp import (
    DEMO_PERSONS,
    DemoIdp,
    DemoPerson,
    authn_response_create,
    cancel_response_create,
)
from satsa.eid.identity import person_register
from satsa.eid.models import EidSettings, Loa
from satsa.eid.saml import sp_entity_id
from satsa.eid.tests.conftest import login_start
from satsa.events.models import Event
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role

ACS = "eid:saml_acs"


def respond(idp: DemoIdp, request: Any, person: DemoPerson, **kwargs: Any) -> str:
    return authn_response_create(
        idp.server(),
        person=person,
        in_response_to=request.id,
        destination=request.assertion_consumer_service_url,
        sp_entity_id=kwargs.pop("sp_entity_id", request.issuer.text),
        **kwargs,
    )


def post(client: Client, org: Organisation, saml_response: str) -> Any:
    """POST as the IdP's form does; follow the same-site re-post page like a browser."""
    url = reverse(ACS, args=[org.slug])
    response = client.post(url, {"SAMLResponse": saml_response})
    if response.status_code == 200 and b"eid-continue" in response.content:
        response = client.post(url, {"SAMLResponse": saml_response, "resubmitted": "1"})
    return response


def register(orebro: Organisation, alice: Any, person: DemoPerson) -> Any:
    return person_register(
        actor=alice,
        organisation=orebro,
        first_name=person.given_name,
        last_name=person.surname,
        email="anna@orebro.example",
        personal_number=person.personal_number,
        roles=[Role.ECONOMIST],
    )


def failed_reasons() -> list[str]:
    return [e.data["reason"] for e in Event.objects.filter(verb="eid.login_failed")]


def test_the_metadata_names_the_entity_the_acs_the_key_and_the_attributes(
    client: Client, orebro: Organisation
) -> None:
    response = client.get("/konto/saml/orebro/metadata/")
    assert response.status_code == 200
    xml = response.content.decode()
    assert 'entityID="http://testserver/konto/saml/orebro/metadata/"' in xml
    assert "http://testserver/konto/saml/orebro/acs/" in xml
    assert "urn:oid:1.2.752.29.4.13" in xml
    assert "X509Certificate" in xml
    assert 'WantAssertionsSigned="true"' in xml
    assert "http://id.elegnamnden.se/ec/1.0/loa3-pnr" in xml
    assert "<ds:Signature" in xml or "Signature" in xml


def test_it_logs_in_a_registered_person_and_records_the_match(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    user = register(orebro, alice, anna)
    request = login_start(client, orebro, idp, next_url="/o/orebro/")
    response = post(client, orebro, respond(idp, request, anna))
    assert response.status_code == 302
    assert response["Location"] == "/o/orebro/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/o/orebro/").status_code == 200
    assert Event.objects.filter(verb="eid.account_matched", actor=user).count() == 1
    assert Event.objects.filter(verb="eid.logged_in", actor=user).count() == 1
    assert Event.objects.get(verb="eid.logged_in").data["loa"] == Loa.LOA3


def test_it_refuses_an_unknown_person_in_swedish(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson
) -> None:
    orebro = orebro_eid.organisation
    request = login_start(client, orebro, idp)
    response = post(client, orebro, respond(idp, request, anna))
    assert response.status_code == 403
    assert "finns inte registrerad" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert failed_reasons() == ["unknown_person"]


def test_a_person_registered_in_another_organisation_is_unknown_here(
    client: Client,
    orebro_eid: EidSettings,
    idp: DemoIdp,
    anna: DemoPerson,
    uppsala: Organisation,
    charlie: Any,
) -> None:
    register(uppsala, charlie, anna)
    request = login_start(client, orebro_eid.organisation, idp)
    response = post(client, orebro_eid.organisation, respond(idp, request, anna))
    assert response.status_code == 403
    assert failed_reasons() == ["unknown_person"]


def test_it_creates_a_role_less_account_just_in_time(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson
) -> None:
    orebro_eid.allow_just_in_time = True
    orebro_eid.save()
    orebro = orebro_eid.organisation
    request = login_start(client, orebro, idp)
    response = post(client, orebro, respond(idp, request, anna))
    assert response.status_code == 302
    created = Event.objects.get(verb="eid.account_created").actor
    assert created.get_full_name() == anna.display_name
    assert not created.memberships.exists()
    assert not created.has_usable_password()
    # The next login matches the same account instead of making another.
    again = Client()
    request = login_start(again, orebro, idp)
    assert post(again, orebro, respond(idp, request, anna)).status_code == 302
    assert again.session["_auth_user_id"] == str(created.pk)
    assert Event.objects.filter(verb="eid.account_created").count() == 1


def test_it_refuses_a_response_meant_for_another_service_provider(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    uppsala = Organisation.objects.get(slug="uppsala")
    request = login_start(client, orebro, idp)
    wrong = respond(idp, request, anna, sp_entity_id=sp_entity_id(uppsala))
    response = post(client, orebro, wrong)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert failed_reasons() == ["invalid"]


def test_it_refuses_an_unsigned_assertion(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    request = login_start(client, orebro, idp)
    response = post(client, orebro, respond(idp, request, anna, sign_assertion=False))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert failed_reasons() == ["invalid"]


def test_it_refuses_a_tampered_assertion(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    bertil = DEMO_PERSONS[1]
    register(orebro, alice, bertil)
    request = login_start(client, orebro, idp)
    # Anna's signed response, edited to claim she is Erik (who is registered).
    xml = base64.b64decode(respond(idp, request, anna)).decode()
    assert anna.personal_number in xml
    forged = xml.replace(anna.personal_number, bertil.personal_number)
    response = post(client, orebro, base64.b64encode(forged.encode()).decode())
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert failed_reasons() == ["invalid"]


def test_it_refuses_an_expired_assertion(
    client: Client, orebro_eid: EidSettings, make_idp: Any, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    stale_idp = make_idp(lifetime_minutes=-10)
    request = login_start(client, orebro, stale_idp)
    response = post(client, orebro, respond(stale_idp, request, anna))
    assert response.status_code == 403
    assert "har gått ut" in response.content.decode()
    assert failed_reasons() == ["expired"]


def test_it_refuses_a_replayed_assertion(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    request = login_start(client, orebro, idp)
    saml_response = respond(idp, request, anna)
    assert post(client, orebro, saml_response).status_code == 302
    # The same response again, in the same browser and in an attacker's fresh one.
    client.logout()
    assert post(client, orebro, saml_response).status_code == 403
    attacker = Client()
    login_start(attacker, orebro, idp)
    assert post(attacker, orebro, saml_response).status_code == 403
    assert "_auth_user_id" not in attacker.session
    assert failed_reasons() == ["expired", "expired"]


def test_it_refuses_too_low_a_level_of_assurance(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    request = login_start(client, orebro, idp)
    response = post(client, orebro, respond(idp, request, anna, loa=Loa.LOA2))
    assert response.status_code == 403
    assert "för låg tillitsnivå" in response.content.decode()
    assert failed_reasons() == ["loa"]


def test_it_tells_a_person_who_cancelled(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp
) -> None:
    orebro = orebro_eid.organisation
    request = login_start(client, orebro, idp)
    cancelled = cancel_response_create(
        idp.server(),
        in_response_to=request.id,
        destination=request.assertion_consumer_service_url,
    )
    response = post(client, orebro, cancelled)
    assert response.status_code == 403
    assert "avbröts" in response.content.decode()
    assert failed_reasons() == ["cancelled"]


def test_the_request_asks_for_the_required_level_of_assurance(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp
) -> None:
    request = login_start(client, orebro_eid.organisation, idp)
    refs = request.requested_authn_context.authn_context_class_ref
    assert [r.text for r in refs] == [Loa.LOA3]
    assert request.issuer.text == "http://testserver/konto/saml/orebro/metadata/"


def test_an_organisation_without_e_legitimation_has_no_login(
    client: Client, uppsala: Organisation
) -> None:
    response = client.get(reverse("eid:saml_login", args=["uppsala"]), follow=True)
    assert "inte påslagen" in response.content.decode()
    assert client.post(reverse(ACS, args=["uppsala"]), {"SAMLResponse": "x"}).status_code == 403
    assert failed_reasons() == ["disabled"]
    assert client.get(reverse("eid:saml_login", args=["nowhere"])).status_code == 404


def test_logging_out_logs_out_at_the_identity_provider_too(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    request = login_start(client, orebro, idp)
    post(client, orebro, respond(idp, request, anna))
    page = client.get("/o/orebro/").content.decode()
    assert reverse("eid:saml_logout") in page  # the logout button goes through the IdP
    response = client.post(reverse("eid:saml_logout"))
    assert "_auth_user_id" not in client.session
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == idp.slo_url
    # The IdP reads the signed LogoutRequest and answers at Satsa's logout service.
    server = idp.server()
    logout_request = server.parse_logout_request(
        parse_qs(location.query)["SAMLRequest"][0], saml2.BINDING_HTTP_REDIRECT
    )
    assert logout_request.message.issuer.text == sp_entity_id(orebro)
    answer = server.create_logout_response(logout_request.message, [saml2.BINDING_HTTP_REDIRECT])
    http = server.apply_binding(
        saml2.BINDING_HTTP_REDIRECT,
        str(answer),
        "http://testserver" + reverse("eid:saml_sls", args=["orebro"]),
        "",
        response=True,
    )
    back = urlparse(dict(http["headers"])["Location"])
    assert client.get(back.path + "?" + back.query).status_code == 302
    assert Event.objects.filter(verb="eid.logged_out").count() == 1


def idp_logout_request(idp: DemoIdp, client_session: Any, *, sign: bool) -> str:
    """The IdP's signed (or unsigned) LogoutRequest for the logged-in session, as a URL."""
    server = idp.server()
    info = client_session["satsa_eid"]
    destination = "http://testserver" + reverse("eid:saml_sls", args=["orebro"])
    _id, logout_request = server.create_logout_request(
        destination,
        sp_entity_id(Organisation.objects.get(slug="orebro")),
        name_id=saml2.saml.name_id_from_string(info["name_id"]),
        sign=False,
    )
    http = server.apply_binding(
        saml2.BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        "",
        sign=sign,
        sigalg=saml2.xmldsig.SIG_RSA_SHA256 if sign else None,
    )
    target = urlparse(dict(http["headers"])["Location"])
    return target.path + "?" + target.query


def test_the_identity_provider_can_end_the_session_with_a_signed_request(
    client: Client, orebro_eid: EidSettings, idp: DemoIdp, anna: DemoPerson, alice: Any
) -> None:
    orebro = orebro_eid.organisation
    register(orebro, alice, anna)
    request = login_start(client, orebro, idp)
    post(client, orebro, respond(idp, request, anna))
    unsigned = idp_logout_request(idp, client.session, sign=False)
    assert client.get(unsigned).status_code == 404
    assert "_auth_user_id" in client.session  # a forged logout changes nothing
    signed = idp_logout_request(idp, client.session, sign=True)
    query = parse_qs(urlparse(signed).query)
    signature = query["Signature"][0]
    query["Signature"] = [
        ("B" if signature[10] != "B" else "C").join([signature[:10], signature[11:]])
    ]
    forged = urlparse(signed).path + "?" + urlencode({k: v[0] for k, v in query.items()})
    assert client.get(forged).status_code == 404
    assert "_auth_user_id" in client.session
    response = client.get(signed)
    assert response.status_code == 302
    assert response["Location"].startswith(idp.slo_url)
    assert "_auth_user_id" not in client.session
