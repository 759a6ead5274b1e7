from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from satsa.accounts.views import DEMO_FOUND
from satsa.conftest import PASSWORD
from satsa.events.models import Event


def login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_logs_in_with_password_and_records_an_event(client: Client, alice: Any) -> None:
    response = login(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert Event.objects.filter(verb="user.logged_in", actor=alice).count() == 1


def test_it_refuses_a_wrong_password_with_a_swedish_message(client: Client, alice: Any) -> None:
    response = login(client, "alice", "wrong")
    assert response.status_code == 200
    assert "korrekt användarnamn och lösenord" in response.content.decode()


def test_it_locks_out_after_repeated_failures(client: Client, alice: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong")
    response = login(client, "alice")  # even the right password is refused now
    assert response.status_code == 429
    assert "tillfälligt låst" in response.content.decode()


def test_sessions_last_a_working_day() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_it_asks_for_the_code_when_the_user_has_a_device(client: Client, alice: Any) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    response = client.get(reverse("orgs:dashboard", args=["orebro"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))

    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("orgs:dashboard", args=["orebro"])).status_code == 200


def test_it_refuses_a_wrong_code(client: Client, alice: Any) -> None:
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "000000"})
    assert "stämmer inte" in wrong.content.decode()
    response = client.get(reverse("orgs:dashboard", args=["orebro"]))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_an_organisation_can_require_two_factor_for_staff(
    client: Client, alice: Any, bob: Any, orebro: Any
) -> None:
    orebro.require_two_factor_for_staff = True
    orebro.save()
    login(client, "alice")  # coordinator: staff
    response = client.get(reverse("orgs:dashboard", args=["orebro"]))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))

    page = client.get(reverse("accounts:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    client.post(reverse("accounts:two_factor_setup"), {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    assert Event.objects.filter(verb="user.two_factor_enabled", actor=alice).exists()
    assert client.get(reverse("orgs:dashboard", args=["orebro"])).status_code == 200

    applicant = Client()
    login(applicant, "bob")  # applicants are not staff: not forced
    assert applicant.get(reverse("orgs:dashboard", args=["orebro"])).status_code == 200


@pytest.mark.parametrize(("language", "text"), [("sv", "Logga in"), ("en", "Log in")])
def test_the_ui_speaks_swedish_by_default_and_english_on_request(
    client: Client, db: Any, language: str, text: str
) -> None:
    if language != "sv":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert f"<h1>{text}</h1>" in response.content.decode()


@override_settings(SATSA_DEMO=False)
def test_demo_users_are_listed_only_in_demo_mode(client: Client, alice: Any) -> None:
    assert "alice" not in client.get(reverse("accounts:login")).content.decode()


@override_settings(SATSA_DEMO=True)
def test_demo_mode_lists_users_and_roles(client: Client, alice: Any) -> None:
    content = client.get(reverse("accounts:login")).content.decode()
    assert "alice" in content and "Processledare" in content


@pytest.fixture
def storstad(db: Any, make_person: Any) -> Any:
    """An organisation of the national data set (``satsa demo --scale``) with its people."""
    from satsa.orgs.models import Organisation
    from satsa.orgs.roles import Role

    org = Organisation.objects.create(slug="storstad", name="Storstads kommun", code="9999")
    for n in range(DEMO_FOUND + 5):
        make_person(f"storstad-person-{n:02d}", (org, Role.APPLICANT))
    return org


@override_settings(SATSA_DEMO=True)
def test_demo_mode_lists_only_the_demo_organisations_people(
    client: Client, alice: Any, storstad: Any
) -> None:
    content = client.get(reverse("accounts:login")).content.decode()
    assert "alice" in content
    assert "storstad-person" not in content


@override_settings(SATSA_DEMO=True)
def test_a_search_finds_other_demo_people_a_few_at_a_time(
    client: Client, alice: Any, storstad: Any
) -> None:
    content = client.get(reverse("accounts:login"), {"demo": "Storstads"}).content.decode()
    assert content.count("<code>storstad-person-") == DEMO_FOUND
    assert "alice" not in content
    assert "De första 30 träffarna visas" in content
    one = client.get(reverse("accounts:login"), {"demo": "person-07"}).content.decode()
    assert "storstad-person-07" in one and "träffarna visas" not in one
    none = client.get(reverse("accounts:login"), {"demo": "ingen-sådan"}).content.decode()
    assert "Ingen demoanvändare matchar sökningen." in none


def test_an_english_browser_still_gets_swedish_until_english_is_chosen(
    client: Client, db: Any
) -> None:
    page = client.get(reverse("accounts:login"), headers={"accept-language": "en-GB,en"})
    assert "<h1>Logga in</h1>" in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"), headers={"accept-language": "sv"})
    assert "<h1>Log in</h1>" in page.content.decode()
