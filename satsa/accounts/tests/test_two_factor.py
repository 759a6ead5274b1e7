"""Two-factor enrolment cannot be done with a password alone; recovery codes; removal."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satsa.accounts.two_factor import FRESH_LOGIN_SECONDS, LOGIN_AT
from satsa.conftest import PASSWORD
from satsa.events.models import Event


def login(client: Client, username: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def enrol(client: Client, user: Any) -> list[str]:
    """Enrol a first device through the pages; returns the recovery codes shown."""
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("accounts:two_factor_setup"), {"token": code(device)})
    assert page.status_code == 200
    return re.findall(r"<code>([a-z2-7]{8})</code>", page.content.decode())


def test_a_password_alone_cannot_enrol_a_second_device(client: Client, alice: Any) -> None:
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")  # the attacker knows only the password

    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    forged = client.post(reverse("accounts:two_factor_setup"), {"token": "123456"})
    assert forged.status_code == 302
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    # …and the session is still not verified.
    dashboard = client.get(reverse("orgs:dashboard", args=["orebro"]))
    assert dashboard["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_verified_person_may_add_a_device(client: Client, alice: Any) -> None:
    phone = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    client.post(reverse("accounts:two_factor_verify"), {"token": code(phone)})
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    assert TOTPDevice.objects.filter(user=alice, confirmed=False).count() == 1


def test_a_key_shown_to_another_session_is_never_enrolled(
    client: Client, alice: Any, orebro: Any
) -> None:
    orebro.require_two_factor_for_staff = True
    orebro.save()
    attacker = Client()
    login(attacker, "alice")
    attacker.get(reverse("accounts:two_factor_setup"))
    attackers_key = TOTPDevice.objects.get(user=alice, confirmed=False).bin_key

    login(client, "alice")
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert device.bin_key != attackers_key


def test_a_first_device_needs_a_fresh_login(client: Client, alice: Any) -> None:
    login(client, "alice")
    session = client.session
    session[LOGIN_AT] = session[LOGIN_AT] - FRESH_LOGIN_SECONDS - 1
    session.save()
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_enrolment_writes_an_event_mails_the_person_and_gives_recovery_codes(
    client: Client, alice: Any
) -> None:
    alice.email = "alice@orebro.se"
    alice.save()
    login(client, "alice")
    codes = enrol(client, alice)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert Event.objects.filter(verb="user.two_factor_enabled", actor=alice).exists()
    assert Event.objects.filter(verb="user.recovery_codes_created", actor=alice).exists()
    subjects = [m.subject for m in mail.outbox if m.to == ["alice@orebro.se"]]
    assert "[Satsa] Ny enhet för tvåfaktorsinloggning" in subjects


def test_a_recovery_code_logs_in_once(client: Client, alice: Any) -> None:
    alice.email = "alice@orebro.se"
    alice.save()
    login(client, "alice")
    codes = enrol(client, alice)

    lost_phone = Client()
    login(lost_phone, "alice")
    lost_phone.post(reverse("accounts:two_factor_verify"), {"token": codes[0].upper()})
    assert lost_phone.get(reverse("orgs:dashboard", args=["orebro"])).status_code == 200
    assert Event.objects.filter(verb="user.recovery_code_used", actor=alice).exists()
    assert any("reservkod" in m.subject for m in mail.outbox)

    again = Client()
    login(again, "alice")
    refused = again.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert "stämmer inte" in refused.content.decode()
    assert StaticToken.objects.filter(device__user=alice).count() == 9


def test_devices_cannot_be_removed_or_codes_renewed_with_a_password_alone(
    client: Client, alice: Any
) -> None:
    phone = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    client.post(reverse("accounts:two_factor_remove", args=[phone.pk]))
    client.post(reverse("accounts:recovery_codes"))
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
    assert not StaticToken.objects.filter(device__user=alice).exists()


def test_removing_a_device_writes_an_event_and_mails(client: Client, alice: Any) -> None:
    alice.email = "alice@orebro.se"
    alice.save()
    phone = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    client.post(reverse("accounts:two_factor_verify"), {"token": code(phone)})
    client.post(reverse("accounts:two_factor_remove", args=[phone.pk]))
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()
    assert Event.objects.filter(verb="user.two_factor_disabled", actor=alice).exists()
    assert any("borttagen" in m.subject for m in mail.outbox)


def test_the_last_device_stays_when_the_organisation_requires_two_factor(
    client: Client, alice: Any, orebro: Any
) -> None:
    orebro.require_two_factor_for_staff = True
    orebro.save()
    phone = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    login(client, "alice")
    client.post(reverse("accounts:two_factor_verify"), {"token": code(phone)})
    response = client.post(reverse("accounts:two_factor_remove", args=[phone.pk]), follow=True)
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
    assert "kräver tvåfaktorsinloggning" in response.content.decode()


def test_nobody_removes_someone_elses_device(client_as: Any, alice: Any, charlie: Any) -> None:
    phone = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    response = client_as(charlie).post(reverse("accounts:two_factor_remove", args=[phone.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
