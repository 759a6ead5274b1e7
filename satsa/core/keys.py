"""Secret keys read from the environment, never stored in the database.

Used for the keyed hashes that stand in for personal identity numbers: the follow-up's
pseudonyms (``SATSA_PSEUDONYM_KEY``) and e-legitimation's account match
(``SATSA_IDENTITY_KEY``). In development and tests (``DJANGO_DEBUG`` true, the default) a
fixed, clearly labelled development key is derived instead, so the demo works out of the
box; in production a missing or short key is an error, never a guessable key.
"""

from __future__ import annotations

import hashlib
import os

from satsa.evaluation.pseudonym import MIN_KEY_BYTES


class KeyMissing(RuntimeError):
    """Production without the key (or with one that is too short)."""


def debugging() -> bool:
    # The same reading as settings.DEBUG; settings.DEBUG itself is False under the test
    # runner, which must still get the development key.
    value = os.environ.get("DJANGO_DEBUG")
    return value is None or value.strip().lower() in {"1", "true", "yes", "on"}


def key_from_environment(
    env_name: str, *, development_label: bytes, missing: str, error: type[KeyMissing] = KeyMissing
) -> bytes:
    """The key in ``env_name``; the development key while debugging; else ``error``."""
    configured = os.environ.get(env_name, "")
    if configured:
        key = configured.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise error(f"{env_name} must be at least {MIN_KEY_BYTES} bytes long.")
        return key
    if debugging():
        return hashlib.sha256(development_label).digest()
    raise error(missing)
