"""The coordinator's screens: registering people and the organisation's settings."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from satsa.conftest import PASSWORD
from satsa.eid.demo_idp import DemoIdp, DemoPerson
from satsa.eid.identity import identity_hash
from satsa.eid.models import EidSettings, PersonIdentity
from satsa.eid.tests.conftest import login_start
from satsa.eid.tests.test_saml import post, respond
from satsa.events.models import Event
from satsa.orgs.models import Organisation
from satsa.orgs.roles import Role


def people_url(org: str = "orebro") -> str:
    return reverse("eid_org:people", args=[org])


def form(person: DemoPerson, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": person.given_name,
        "last_name": person.surname,
        "email": "anna@orebro.example",
        "personal_number": person.personal_number[:8] + "-" + person.personal_number[8:],
        "roles": [Role.ECONOMIST, Role.PREPARATION_GROUP],
        **extra,
    }


def test_a_coordinator_registers_a_person_with_roles(
    client: Client, alice: Any, anna: DemoPerson, orebro: Organisation
) -> None:
    client.force_login(alice)
    response = client.post(people_url(), form(anna))
    assert response.status_code == 302
    identity = PersonIdentity.objects.get(organisation=orebro)
    assert identity.number_hash == identity_hash(anna.personal_number)
    assert sorted(identity.user.memberships.values_list("role", flat=True)) == sorted(
        [Role.ECONOMIST, Role.PREPARATION_GROUP]
    )
    event = Event.objects.get(verb="eid.person_registered")
    assert event.actor == alice
    assert anna.personal_number not in str(event.data)


def test_it_refuses_a_number_whose_check_digit_is_wrong(
    client: Client, alice: Any, anna: DemoPerson
) -> None:
    client.force_login(alice)
    wrong = anna.personal_number[:-1] + str((int(anna.personal_number[-1]) + 1) % 10)
    response = client.post(people_url(), form(anna, personal_number=wrong))
    assert response.status_code == 200
    assert "kontrollsiffran" in response.content.decode()
    assert not PersonIdentity.objects.exists()


def test_it_refuses_to_register_the_same_person_twice(
    client: Client, alice: Any, anna: DemoPerson
) -> None:
    client.force_login(alice)
    client.post(people_url(), form(anna))
    response = client.post(people_url(), form(anna, first_name="Annika"))
    assert "redan registrerad" in response.content.decode()
    assert PersonIdentity.objects.count() == 1


def test_an_applicant_may_not_register_people(client: Client, bob: Any, anna: DemoPerson) -> None:
    client.force_login(bob)
    assert client.post(people_url(), form(anna)).status_code == 403
    assert not PersonIdentity.objects.exists()


def test_another_organisations_coordinator_sees_nothing(
    client: Client, charlie: Any, anna: DemoPerson, orebro: Organisation
) -> None:
    client.force_login(charlie)
    assert client.get(people_url()).status_code == 404
    assert client.post(people_url(), form(anna)).status_code == 404
    assert client.get(reverse("eid_org:settings", args=["orebro"])).status_code == 404


def test_a_coordinator_turns_e_legitimation_on_and_the_login_page_offers_it(
    client: Client, alice: Any, orebro: Organisation, idp: DemoIdp
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("eid_org:settings", args=["orebro"]),
        {
            "enabled": "on",
            "method": "saml",
            "required_loa": "http://id.elegnamnden.se/loa/1.0/loa3",
            "saml_idp_metadata": idp.metadata_xml(),
        },
    )
    assert response.status_code == 302
    assert EidSettings.objects.get(organisation=orebro).enabled
    assert Event.objects.filter(verb="eid.settings_changed").count() == 1
    client.logout()
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Logga in med e-legitimation – Örebro kommun" in page
    assert reverse("eid:chooser", args=["orebro"]) in page
    assert 'name="password"' in page  # the password form stays below


def test_staff_who_must_use_e_legitimation_are_sent_to_it_from_a_password_login(
    client: Client, orebro_eid: EidSettings, alice: Any, idp: DemoIdp, anna: DemoPerson
) -> None:
    orebro_eid.require_eid_for_staff = True
    orebro_eid.save()
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    response = client.get("/o/orebro/")
    assert response.status_code == 302
    assert response["Location"] == reverse("eid:chooser", args=["orebro"])
    assert "_auth_user_id" not in client.session


def test_an_e_legitimation_login_counts_as_two_factor(
    client: Client,
    orebro_eid: EidSettings,
    orebro: Organisation,
    alice: Any,
    anna: DemoPerson,
    idp: DemoIdp,
) -> None:
    client.force_login(alice)
    assert client.post(people_url(), form(anna)).status_code == 302
    client.logout()
    orebro.require_two_factor_for_staff = True
    orebro.save()
    request = login_start(client, orebro, idp)
    assert post(client, orebro, respond(idp, request, anna)).status_code == 302
    # A staff member on a password login would be sent to enrol TOTP; not after e-ID.
    assert client.get("/o/orebro/").status_code == 200
