"""The coordinator gives and takes roles on the people page, with events; a board's
secretary is named for the board; nobody else, and nobody of another organisation, can."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.events.models import Event
from satsa.orgs import services
from satsa.orgs.models import Board, Membership
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import Role


def test_the_coordinator_names_a_boards_secretary_on_the_people_page(
    alice: Any, bob: Any, orebro: Any, client_as: Any
) -> None:
    board = Board.objects.get(organisation=orebro, name="Socialnämnden")
    client = client_as(alice)
    page = client.get(reverse("orgs:people", args=["orebro"])).content.decode()
    assert "Nämnder utan sekreterare i Satsa" in page and "Socialnämnden" in page
    response = client.post(
        reverse("orgs:membership_grant", args=["orebro"]),
        {"user": bob.pk, "role": Role.BOARD_SECRETARY, "board": board.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.active().get(user=bob, role=Role.BOARD_SECRETARY)
    assert membership.board == board
    event = Event.objects.get(verb="membership.granted")
    assert event.actor == alice and event.data["for"] == "Socialnämnden"


def test_a_secretary_must_be_named_for_a_board(alice: Any, bob: Any, orebro: Any) -> None:
    with pytest.raises(ValidationError, match="nämnden"):
        services.membership_grant(
            user=bob, organisation=orebro, role=Role.BOARD_SECRETARY, actor=alice
        )


def test_a_board_of_another_organisation_cannot_be_named(
    alice: Any, bob: Any, orebro: Any, uppsala: Any
) -> None:
    foreign = Board.objects.get(organisation=uppsala)
    with pytest.raises(ValidationError, match="annan organisation"):
        services.membership_grant(
            user=bob, organisation=orebro, role=Role.BOARD_SECRETARY, board=foreign, actor=alice
        )


def test_revoking_asks_for_confirmation_first(
    alice: Any, bob: Any, orebro: Any, client_as: Any
) -> None:
    client = client_as(alice)
    membership = Membership.objects.active().get(user=bob)
    url = reverse("orgs:membership_revoke", args=["orebro", membership.pk])
    page = client.get(url).content.decode()
    assert "Ja, ta bort rollen" in page
    # A bare POST (as a crawler or a double click would send) changes nothing.
    client.post(url)
    assert Membership.objects.active().filter(pk=membership.pk).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.active().filter(pk=membership.pk).exists()
    event = Event.objects.get(verb="membership.revoked")
    assert event.actor == alice and event.data["user"] == "bob"


def test_the_last_coordinator_cannot_be_revoked(alice: Any, orebro: Any) -> None:
    with pytest.raises(ValidationError, match="minst en processledare"):
        services.membership_revoke(
            membership=Membership.objects.get(user=alice, role=Role.COORDINATOR), actor=alice
        )


def test_only_the_coordinator_sees_the_forms_and_others_are_told_who_can(
    alice: Any, bob: Any, orebro: Any, make_person: Any, client_as: Any
) -> None:
    economist = make_person("erik", (orebro, Role.ECONOMIST))
    page = client_as(economist).get(reverse("orgs:people", args=["orebro"])).content.decode()
    assert "Ge rollen" not in page and "ta-bort" not in page
    assert "Roller ges och tas bort av Alice" in page
    membership = Membership.objects.active().get(user=bob)
    client = client_as(economist)
    assert (
        client.post(
            reverse("orgs:membership_revoke", args=["orebro", membership.pk]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("orgs:membership_grant", args=["orebro"]),
            {"user": economist.pk, "role": Role.COORDINATOR},
        ).status_code
        == 403
    )
    assert Membership.objects.active().filter(pk=membership.pk).exists()
    assert not Membership.objects.filter(user=economist, role=Role.COORDINATOR).exists()


def test_a_coordinator_of_another_organisation_cannot_give_or_take_roles(
    alice: Any, bob: Any, charlie: Any, orebro: Any, client_as: Any
) -> None:
    client = client_as(charlie)
    membership = Membership.objects.active().get(user=bob)
    revoke = reverse("orgs:membership_revoke", args=["orebro", membership.pk])
    assert client.post(revoke, {"confirm": "yes"}).status_code == 404
    grant = reverse("orgs:membership_grant", args=["orebro"])
    assert client.post(grant, {"user": charlie.pk, "role": Role.COORDINATOR}).status_code == 404
    with pytest.raises(NotPermitted):
        services.membership_grant(
            user=charlie, organisation=orebro, role=Role.COORDINATOR, actor=charlie
        )
    # Nor can she reach another organisation's membership through her own address.
    own = reverse("orgs:membership_revoke", args=["uppsala", membership.pk])
    assert client.post(own, {"confirm": "yes"}).status_code == 404
    assert Membership.objects.active().filter(pk=membership.pk).exists()


def test_the_grant_form_offers_only_people_of_the_organisation(
    alice: Any, charlie: Any, orebro: Any, client_as: Any
) -> None:
    response = client_as(alice).post(
        reverse("orgs:membership_grant", args=["orebro"]),
        {"user": charlie.pk, "role": Role.VIEWER},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=charlie, organisation=orebro).exists()
