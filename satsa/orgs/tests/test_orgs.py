from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.orgs.models import ExternalParty, Membership
from satsa.orgs.permissions import has_perm, roles_in
from satsa.orgs.roles import ROLE_PERMISSIONS, Perm, Role


def test_every_role_has_a_permission_entry() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)


def test_one_person_may_hold_several_roles_in_several_organisations(
    make_person: Any, orebro: Any, uppsala: Any
) -> None:
    dana = make_person(
        "dana", (orebro, Role.ECONOMIST), (orebro, Role.APPLICANT), (uppsala, Role.VIEWER)
    )
    assert roles_in(dana, orebro) == {Role.ECONOMIST, Role.APPLICANT}
    assert roles_in(dana, uppsala) == {Role.VIEWER}
    assert has_perm(dana, orebro, Perm.VIEW_PEOPLE)
    assert not has_perm(dana, uppsala, Perm.VIEW_PEOPLE)


def test_an_ended_membership_grants_nothing(alice: Any, orebro: Any) -> None:
    from satsa.orgs.services import membership_revoke

    membership_revoke(membership=Membership.objects.get(user=alice), actor=system_actor())
    alice.__dict__.pop("_satsa_roles", None)
    assert roles_in(alice, orebro) == frozenset()
    assert Event.objects.filter(verb="membership.revoked").count() == 1


def test_the_dashboard_shows_the_organisation_and_my_roles(client_as: Any, alice: Any) -> None:
    content = client_as(alice).get(reverse("orgs:dashboard", args=["orebro"])).content.decode()
    assert "Örebro kommun" in content and "1880" in content and "Processledare" in content


def test_a_person_with_one_organisation_goes_straight_to_it(client_as: Any, alice: Any) -> None:
    response = client_as(alice).get(reverse("core:dashboard"))
    assert response["Location"] == reverse("orgs:dashboard", args=["orebro"])


def test_an_applicant_cannot_see_people_or_change_settings(client_as: Any, bob: Any) -> None:
    client = client_as(bob)
    assert client.get(reverse("orgs:people", args=["orebro"])).status_code == 403
    assert client.get(reverse("orgs:settings", args=["orebro"])).status_code == 403
    response = client.post(
        reverse("orgs:parties", args=["orebro"]), {"name": "X", "kind": "civil_society"}
    )
    assert response.status_code == 302
    assert not ExternalParty.objects.exists()


def test_the_coordinator_adds_a_civil_society_party(client_as: Any, alice: Any) -> None:
    response = client_as(alice).post(
        reverse("orgs:parties", args=["orebro"]),
        {"name": "Föreningen Kultivera", "kind": "civil_society", "form": "forening"},
    )
    assert response.status_code == 302
    party = ExternalParty.objects.get()
    assert (party.name, party.kind, party.organisation.slug) == (
        "Föreningen Kultivera",
        "civil_society",
        "orebro",
    )
    assert Event.objects.filter(verb="party.created", actor=alice).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "AB", "kind": "civil_society", "form": "aktiebolag"}, "förening, stiftelse"),
        ({"name": "ÖBO", "kind": "municipal_company"}, "ägarandel"),
        ({"name": "Region", "kind": "other_public", "form": "forening"}, "region, kommun"),
    ],
)
def test_it_explains_an_inconsistent_party_in_swedish(
    client_as: Any, alice: Any, data: dict[str, str], message: str
) -> None:
    response = client_as(alice).post(reverse("orgs:parties", args=["orebro"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExternalParty.objects.exists()


def test_the_coordinator_requires_two_factor_and_it_is_recorded(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = client_as(alice)
    # force_login does not verify the device, so pretend the code was given
    session = client.session
    device = TOTPDevice.objects.get(user=alice)
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.post(
        reverse("orgs:settings", args=["orebro"]), {"require_two_factor_for_staff": "on"}
    )
    assert response.status_code == 302
    orebro.refresh_from_db()
    assert orebro.require_two_factor_for_staff
    assert Event.objects.filter(verb="organisation.updated", actor=alice).exists()
