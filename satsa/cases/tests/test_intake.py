"""Region Gävleborg takes ideas in rounds: the open round and its deadline are shown on the
organisation's overview and the new-idea page, and on the public page, not only in
calls.json."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.cases.selectors import today
from satsa.orgs.models import Area, Board, Organisation
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import open_intake


@pytest.fixture
def gavleborg(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="21"
    )
    Board.objects.create(organisation=org, name="Hälso- och sjukvårdsnämnden", area=Area.HEALTH)
    return org


def test_the_open_round_and_its_deadline_are_shown_to_gavleborgs_people(
    gavleborg: Organisation, make_person: Any, client_as: Any, client: Any
) -> None:
    intake = open_intake(gavleborg, today())
    assert intake is not None and not intake.continuous and intake.calls
    call = intake.calls[0]
    deadline = call.deadline.isoformat()
    gustav = make_person("gustav", (gavleborg, Role.APPLICANT))
    user = client_as(gustav)
    for url in (
        reverse("orgs:dashboard", args=["gavleborg"]),
        reverse("cases:idea_create", args=["gavleborg"]),
    ):
        html = user.get(url).content.decode()
        assert call.name in html and f"Sista dag för ansökan är {deadline}" in html, url
    public = client.get("/open/gavleborg/").content.decode()
    assert call.name in public and deadline in public
    assert client.get("/open/gavleborg/calls.json").json()["intake"]["calls"][0]["deadline"] == (
        deadline
    )


def test_orebros_continuous_intake_shows_no_round(
    orebro: Organisation, alice: Any, client_as: Any
) -> None:
    html = client_as(alice).get(reverse("orgs:dashboard", args=["orebro"])).content.decode()
    assert "Ansökningsomgång" not in html
