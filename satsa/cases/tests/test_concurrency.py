"""Two people editing one application: the later save is refused, nothing typed is lost."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from satsa.cases import services


def loaded_version(html: str) -> str:
    match = re.search(r'name="version" id="application-version" value="([0-9a-f]+)"', html)
    assert match is not None
    return match.group(1)


def two_editors(people: Any, walk: Any, client_as: Any) -> tuple[Any, Any, Any, str]:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    services.co_applicant_add(case=case, user=people.other_applicant, actor=people.applicant)
    url = reverse("cases:application", args=["orebro", case.pk])
    bob, ali = client_as(people.applicant), client_as(people.other_applicant)
    version = loaded_version(bob.get(url).content.decode())
    assert loaded_version(ali.get(url).content.decode()) == version
    return case, bob, ali, version


def test_a_save_over_someone_elses_newer_save_is_refused(
    people: Any, walk: Any, client_as: Any
) -> None:
    case, bob, ali, version = two_editors(people, walk, client_as)
    url = reverse("cases:application", args=["orebro", case.pk])
    first = bob.post(url, {"version": version, "section_problem": "Bobs text.", "save": "1"})
    assert first.status_code == 302

    second = ali.post(url, {"version": version, "section_problem": "Alis text.", "save": "1"})
    assert second.status_code == 409
    html = second.content.decode()
    assert "har sparat ändringar medan du skrev" in html
    assert "Bobs text." in html  # what the other person changed
    assert "Alis text." in html  # what this person typed, still in the form
    assert case.versions.get().sections["problem"] == "Bobs text."

    # Having seen it, saving again (with the version shown) is deliberate and goes through.
    again = ali.post(
        url, {"version": loaded_version(html), "section_problem": "Alis text.", "save": "1"}
    )
    assert again.status_code == 302
    assert case.versions.get().sections["problem"] == "Alis text."


def test_autosave_refuses_a_stale_save_and_keeps_the_version_current(
    people: Any, walk: Any, client_as: Any
) -> None:
    case, bob, ali, version = two_editors(people, walk, client_as)
    autosave = reverse("cases:autosave", args=["orebro", case.pk])
    saved = bob.post(autosave, {"version": version, "section_problem": "Bob"}).content.decode()
    # Bob's own autosave hands his form the new version, so his next save is not stale.
    new_version = loaded_version(saved)
    assert new_version != version
    assert 'hx-swap-oob="true"' in saved
    again = bob.post(autosave, {"version": new_version, "section_problem": "Bob 2"})
    assert "medan du skrev" not in again.content.decode()

    stale = ali.post(autosave, {"version": version, "section_problem": "Ali"}).content.decode()
    assert "medan du skrev" in stale
    assert 'id="application-version"' not in stale
    assert case.versions.get().sections["problem"] == "Bob 2"
