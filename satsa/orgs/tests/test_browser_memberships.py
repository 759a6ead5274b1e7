"""Membership administration in a real browser, with axe on every page: the coordinator
names a board's secretary and, after a confirmation page, takes a role away."""

from __future__ import annotations

from typing import Any

import pytest

from satsa.orgs.models import Board, Membership
from satsa.orgs.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_names_a_secretary_and_revokes_a_role(
    page: Any, login_in_browser: Any, axe: Any, orebro: Any, alice: Any, bob: Any
) -> None:
    login_in_browser("alice")
    page.goto("/o/orebro/personer/")
    assert axe(page) == []
    page.get_by_label("Person").select_option(label="Bob")
    page.get_by_label("Roll").select_option(label="Nämndsekreterare")
    page.get_by_label("Nämnd", exact=True).select_option(label="Socialnämnden")
    page.get_by_role("button", name="Ge rollen").click()
    assert "Bob har nu rollen Nämndsekreterare." in page.content()
    assert axe(page) == []
    membership = Membership.objects.active().get(user=bob, role=Role.BOARD_SECRETARY)
    assert membership.board == Board.objects.get(organisation=orebro, name="Socialnämnden")
    page.get_by_role("link", name="Ta bort rollen Nämndsekreterare för Bob").click()
    assert axe(page) == []
    page.get_by_role("button", name="Ja, ta bort rollen").click()
    assert "Bob har inte längre rollen Nämndsekreterare." in page.content()
    assert not Membership.objects.active().filter(pk=membership.pk).exists()
