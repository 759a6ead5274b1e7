"""Lockout behind the reverse proxy: guessers are stopped, nobody locks out someone else."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest.mock import patch

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from satsa.conftest import PASSWORD
from satsa.events.models import Event

PROXY = "10.0.0.2"


def login(address: str, password: str, *, remote: str = PROXY) -> Any:
    return Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=address).post(
        reverse("accounts:login"), {"username": "alice", "password": password}
    )


@override_settings(SATSA_TRUSTED_PROXIES=[PROXY])
def test_a_guesser_behind_the_proxy_does_not_lock_out_the_person(alice: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("203.0.113.9", "wrong")
    assert login("203.0.113.9", PASSWORD).status_code == 429  # the guesser is locked
    assert login("198.51.100.7", PASSWORD).status_code == 302  # alice, elsewhere, is not


@override_settings(SATSA_TRUSTED_PROXIES=[PROXY])
def test_the_header_counts_only_from_a_trusted_proxy(alice: Any) -> None:
    # Straight to the server, the header is the guesser's own invention: ignored.
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(f"192.0.2.{i}", "wrong", remote="203.0.113.9")
    assert login("192.0.2.99", PASSWORD, remote="203.0.113.9").status_code == 429


@override_settings(
    SATSA_TRUSTED_PROXIES=[PROXY], SATSA_LOGIN_USERNAME_LIMIT=8, SATSA_LOGIN_USERNAME_DELAY=30
)
def test_guessing_from_many_addresses_is_throttled_per_username(alice: Any) -> None:
    for i in range(8):
        login(f"192.0.2.{i}", "wrong")
    throttled = login("192.0.2.200", PASSWORD)
    assert throttled.status_code == 429
    assert "Vänta" in throttled.content.decode()
    # Half a minute later the person gets in: a throttle, not an hour's lock.
    later = Event.objects.latest("created_at").created_at + dt.timedelta(seconds=31)
    with patch("satsa.accounts.lockout.timezone.now", return_value=later):
        assert login("198.51.100.7", PASSWORD).status_code == 302
