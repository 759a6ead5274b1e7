from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.rulebooks import selectors
from satsa.rulebooks.models import RulebookVersion
from satsa.rulebooks.services import (
    RulebookUploadError,
    rulebook_presets_install,
    rulebook_version_upload,
)
from satsa.rules import preset_path


def preset_text(key: str) -> str:
    return preset_path(key).read_text(encoding="utf-8")


def test_presets_install_for_their_own_organisation_only(orebro: Any, uppsala: Any) -> None:
    installed = rulebook_presets_install(organisation=orebro, actor=system_actor())
    assert sorted(v.key for v in installed) == ["orebro-2016", "orebro-2020"]
    assert rulebook_presets_install(organisation=orebro, actor=system_actor()) == []  # idempotent
    assert [
        v.key for v in rulebook_presets_install(organisation=uppsala, actor=system_actor())
    ] == ["uppsala-2016"]
    assert Event.objects.filter(verb="rulebook.uploaded").count() == 3


def test_a_case_is_pinned_to_the_version_in_force_on_its_date(orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    assert selectors.version_in_force(orebro, dt.date(2017, 5, 1)).key == "orebro-2016"
    assert selectors.version_in_force(orebro, dt.date(2021, 1, 1)).key == "orebro-2020"
    assert selectors.rulebook_by_key(orebro, "orebro-2016").repayment.floor_share == 0.3
    assert selectors.rulebook_by_key(orebro, "orebro-2020").repayment.model == "off"


def test_it_refuses_a_rulebook_of_another_organisation(orebro: Any, alice: Any) -> None:
    with pytest.raises(RulebookUploadError) as caught:
        rulebook_version_upload(
            organisation=orebro, toml_text=preset_text("uppsala-2016"), actor=alice
        )
    assert [p.path for p in caught.value.problems] == ["organisation"]
    assert not RulebookVersion.objects.exists()


def test_it_refuses_an_id_that_is_already_used(orebro: Any, alice: Any) -> None:
    rulebook_version_upload(organisation=orebro, toml_text=preset_text("orebro-2020"), actor=alice)
    with pytest.raises(RulebookUploadError, match="finns redan"):
        rulebook_version_upload(
            organisation=orebro, toml_text=preset_text("orebro-2020"), actor=alice
        )
    assert RulebookVersion.objects.count() == 1


def test_the_upload_page_shows_line_and_field_of_each_error(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    broken = preset_text("orebro-2020").replace("version = 1", 'version = "one"', 1)
    response = client_as(alice).post(
        reverse("rulebooks:upload", args=["orebro"]),
        {"file": SimpleUploadedFile("orebro-2024.toml", broken.encode())},
    )
    content = response.content.decode()
    line = 1 + broken.splitlines().index('version = "one"')
    assert response.status_code == 200
    assert f"Rad {line}" in content and "<code>version</code>" in content
    assert "har inte sparats" in content
    assert not RulebookVersion.objects.exists()


def test_the_coordinator_uploads_a_new_version_and_sees_it(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    text = preset_text("orebro-2020").replace('id = "orebro-2020"', 'id = "orebro-2024"', 1)
    client = client_as(alice)
    response = client.post(
        reverse("rulebooks:upload", args=["orebro"]),
        {"file": SimpleUploadedFile("orebro-2024.toml", text.encode())},
    )
    assert response["Location"] == reverse("rulebooks:version", args=["orebro", "orebro-2024"])
    page = client.get(response["Location"]).content.decode()
    assert "<h2" in page and "Konsortieregel" in page and "minst 25\u00a0%" in page
    assert Event.objects.filter(verb="rulebook.uploaded", actor=alice).count() == 1


def test_an_applicant_may_read_but_not_upload(client_as: Any, bob: Any, orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    client = client_as(bob)
    assert client.get(reverse("rulebooks:current", args=["orebro"])).status_code == 200
    assert client.get(reverse("rulebooks:upload", args=["orebro"])).status_code == 403


def test_the_diff_names_what_changed_between_versions(
    client_as: Any, alice: Any, orebro: Any
) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    response = client_as(alice).get(
        reverse("rulebooks:diff", args=["orebro"]), {"a": "orebro-2016", "b": "orebro-2020"}
    )
    content = response.content.decode()
    assert "<code>repayment.model</code>" in content and "to_fund" in content


@pytest.mark.parametrize("key", ["orebro-2016", "orebro-2020", "uppsala-2016", "gavleborg-2018"])
def test_every_preset_renders_as_a_page(
    client_as: Any, make_person: Any, db: Any, key: str
) -> None:
    from satsa.orgs.demo import ORGANISATIONS
    from satsa.orgs.models import Organisation
    from satsa.orgs.roles import Role

    slug, name, kind, code = next(o for o in ORGANISATIONS if key.startswith(o[0]))
    org = Organisation.objects.create(slug=slug, name=name, kind=kind, code=code)
    rulebook_presets_install(organisation=org, actor=system_actor())
    viewer = make_person("viewer", (org, Role.VIEWER))
    response = client_as(viewer).get(reverse("rulebooks:version", args=[slug, key]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1>") == 1 and content.count("<h2") >= 5
    toml = client_as(viewer).get(reverse("rulebooks:toml", args=[slug, key]))
    assert toml.content.decode() == preset_text(key)


def test_the_page_follows_the_language(client_as: Any, alice: Any, orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    client = client_as(alice)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("rulebooks:version", args=["orebro", "orebro-2020"])).content
    assert "Consortium rule" in content.decode()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (b"a = " + b"[" * 5000 + b"]" * 5000, "för djupt nästlad"),
        (b"a = " + b"{b = " * 3000 + b"1" + b"}" * 3000, "för djupt nästlad"),
        (b'id = "x"\nversion = ' + b"9" * 5000, "för många siffror"),
    ],
)
def test_a_hostile_rulebook_gets_a_message_not_a_server_error(
    client_as: Any, alice: Any, toml: bytes, message: str
) -> None:
    response = client_as(alice).post(
        reverse("rulebooks:upload", args=["orebro"]),
        {"file": SimpleUploadedFile("x.toml", toml)},
    )
    assert response.status_code < 500
    assert message in response.content.decode()
