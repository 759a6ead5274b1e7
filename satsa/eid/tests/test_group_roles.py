"""Roles from the IdP's groups, where an organisation maps them: given at login, ended
when the group is gone; roles given in Satsa are never touched."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from satsa.eid import saml
from satsa.eid.demo_idp import DemoIdp, DemoPerson
from satsa.eid.models import EidSettings
from satsa.eid.tests.conftest import login_start
from satsa.eid.tests.test_saml import post, register, respond
from satsa.events.models import Event
from satsa.orgs.roles import Role

IS_MEMBER_OF = "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"


def roles_of(user: Any) -> set[str]:
    return set(user.memberships.active().values_list("role", flat=True))


def log_in(idp: DemoIdp, org: Any, person: DemoPerson, groups: list[str]) -> None:
    client = Client()
    request = login_start(client, org, idp)
    extra = {IS_MEMBER_OF: groups} if groups else {}
    assert (
        post(client, org, respond(idp, request, person, extra_attributes=extra)).status_code == 302
    )


def test_groups_give_and_take_roles_but_leave_satsas_own(
    orebro_eid: EidSettings, make_idp: Any, anna: DemoPerson, alice: Any
) -> None:
    orebro_eid.group_attribute = IS_MEMBER_OF
    orebro_eid.group_roles = {"satsa-styrgrupp": Role.STEERING_GROUP, "satsa-ekonomi": "nonsense"}
    orebro_eid.save()
    orebro = orebro_eid.organisation
    # The SP's metadata now asks for the group attribute; the IdP reads it anew.
    idp = make_idp(sp_metadata=[saml.sp_metadata_xml(orebro, orebro_eid)])
    user = register(orebro, alice, anna)  # registered as economist in Satsa
    assert roles_of(user) == {Role.ECONOMIST}

    log_in(idp, orebro, anna, ["satsa-styrgrupp", "satsa-ekonomi", "other"])
    assert roles_of(user) == {Role.ECONOMIST, Role.STEERING_GROUP}
    assert Event.objects.filter(verb="eid.role_granted").count() == 1

    log_in(idp, orebro, anna, [])
    assert roles_of(user) == {Role.ECONOMIST}
    assert Event.objects.filter(verb="eid.role_ended").count() == 1


def test_the_coordinator_maps_groups_to_roles_by_their_swedish_names(
    client: Client, alice: Any, orebro_eid: EidSettings
) -> None:
    client.force_login(alice)
    form = {
        "enabled": "on",
        "method": "saml",
        "required_loa": orebro_eid.required_loa,
        "saml_idp_metadata": orebro_eid.saml_idp_metadata,
        "group_attribute": IS_MEMBER_OF,
        "group_roles": "satsa-styrgrupp = Styrgrupp\n\n",
    }
    url = reverse("eid_org:settings", args=["orebro"])
    assert client.post(url, form).status_code == 302
    orebro_eid.refresh_from_db()
    assert orebro_eid.group_roles == {"satsa-styrgrupp": Role.STEERING_GROUP}
    page = client.get(url).content.decode()
    assert "satsa-styrgrupp = Styrgrupp" in page
    response = client.post(url, form | {"group_roles": "satsa-styrgrupp = steering_group"})
    assert "Rad 1" in response.content.decode()
