"""The editor offers the organisation's boards and registered parties as actors, each
with the perspective it is preset to: boards the organisation's, a region or state
agency another public actor's, civil society the rest of society's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.calculations.forms import apply_presets, known_actors
from satsa.calculations.models import Calculation
from satsa.calculations.tests.test_editor import calculation, editor_post  # noqa: F401
from satsa.orgs.models import ExternalParty

Kind, Form = ExternalParty.Kind, ExternalParty.Form


@pytest.mark.parametrize(
    ("kind", "form", "perspective"),
    [
        (Kind.OTHER_PUBLIC, Form.REGION, "other_public"),
        (Kind.OTHER_PUBLIC, Form.STATE_AGENCY, "other_public"),
        (Kind.OTHER_PUBLIC, "", "other_public"),
        (Kind.MUNICIPAL_COMPANY, Form.LIMITED_COMPANY, "other_public"),
        (Kind.CIVIL_SOCIETY, Form.FORENING, "society"),
        (Kind.COMPANY, Form.LIMITED_COMPANY, "society"),
    ],
)
def test_a_party_is_preset_by_its_kind(kind: str, form: str, perspective: str) -> None:
    assert ExternalParty(name="x", kind=kind, form=form).perspective == perspective


def test_a_new_actor_takes_its_preset_and_a_known_one_keeps_its_choice() -> None:
    presets = {"Region Örebro län": "other_public", "Socialnämnden": "", "Röda korset": "society"}
    chosen = {"Region Örebro län": "", "Socialnämnden": "", "Röda korset": "individual"}
    assert apply_presets(chosen, presets, known={"Socialnämnden"}) == {
        "Region Örebro län": "other_public",
        "Socialnämnden": "",
        "Röda korset": "individual",  # chosen on the line
    }
    # already in the calculation as the organisation's: kept
    assert apply_presets({"Region Örebro län": ""}, presets, known={"Region Örebro län"}) == {
        "Region Örebro län": ""
    }


def test_known_actors_are_the_listed_and_the_lines_actors() -> None:
    data = {
        "actors": ["A", {"name": "B", "perspective": "society"}],
        "effects": [{"actor": "C"}],
        "alternatives": {"ordinary": {"effects": [{"actor": "D"}]}},
    }
    assert known_actors(data) == {"A", "B", "C", "D"}


def test_the_editor_offers_boards_and_parties_with_their_presets_and_applies_them(
    client_as: Any,
    alice: Any,
    calculation: Calculation,  # noqa: F811
    orebro: Any,
) -> None:
    ExternalParty.objects.create(
        organisation=orebro, name="Region Örebro län", kind=Kind.OTHER_PUBLIC, form=Form.REGION
    )
    ExternalParty.objects.create(
        organisation=orebro, name="Föreningen Oxhagen", kind=Kind.CIVIL_SOCIETY, form=Form.FORENING
    )
    client = client_as(alice)
    url = reverse("calculations:editor", args=["orebro", calculation.case_id])
    html = client.get(url).content.decode()
    assert 'value="Region Örebro län" data-perspective="other_public"' in html
    assert 'value="Föreningen Oxhagen" data-perspective="society"' in html
    assert 'value="Socialnämnden" data-perspective=""' in html
    post = editor_post(client, url)
    # the line's saving moves to the region, the perspective left at its default
    post["effects-0-actor"] = "Region Örebro län"
    assert post["effects-0-perspective"] == ""
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert {"name": "Region Örebro län", "perspective": "other_public"} in calculation.data[
        "actors"
    ]
    assert calculation.result["perspectives"]["Region Örebro län"] == "other_public"
    # the form now shows the preset, and choosing the organisation sticks
    post = editor_post(client, url)
    assert post["effects-0-perspective"] == "other_public"
    post["effects-0-perspective"] = ""
    assert client.post(url, post).status_code == 302
    calculation.refresh_from_db()
    assert calculation.result["perspectives"]["Region Örebro län"] == "organisation"
