from __future__ import annotations

import pytest

from satsa.followup.pseudonyms import ENV_NAME, PseudonymKeyMissing, pseudonym_for, pseudonym_key


def test_it_derives_a_development_key_when_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NAME, raising=False)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert len(pseudonym_key()) == 32
    assert pseudonym_for("19121212-1212") == pseudonym_for("191212121212")


def test_it_uses_the_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_NAME, "x" * 48)
    first = pseudonym_for("191212121212")
    monkeypatch.setenv(ENV_NAME, "y" * 48)
    assert pseudonym_key() == b"y" * 48
    assert pseudonym_for("191212121212") != first


def test_it_refuses_to_run_in_production_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NAME, raising=False)
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    with pytest.raises(PseudonymKeyMissing, match=ENV_NAME):
        pseudonym_key()


def test_it_refuses_a_short_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_NAME, "short")
    with pytest.raises(PseudonymKeyMissing, match="32 bytes"):
        pseudonym_key()
