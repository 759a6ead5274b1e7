"""The pseudonymisation key: read from the environment, never stored in the database.

``SATSA_PSEUDONYM_KEY`` holds the key (at least 32 bytes once encoded; generate one with
``python -c "import secrets; print(secrets.token_urlsafe(48))"``). In development and in
tests (``DJANGO_DEBUG`` true, the default) a fixed, clearly labelled development key is
derived instead, so the demo works out of the box; in production a missing key stops the
import with a clear message rather than pseudonymising under a guessable key.
"""

from __future__ import annotations

import hashlib
import os

from satsa.evaluation import pseudonymise
from satsa.evaluation.pseudonym import MIN_KEY_BYTES

ENV_NAME = "SATSA_PSEUDONYM_KEY"
# Public on purpose: pseudonyms made under it protect nothing. Development and tests only.
_DEVELOPMENT_LABEL = b"satsa DEVELOPMENT pseudonym key - NOT SECRET - never use in production"


class PseudonymKeyMissing(RuntimeError):
    """Production without ``SATSA_PSEUDONYM_KEY``: individual data cannot be imported."""


def _debugging() -> bool:
    # The same reading as settings.DEBUG; settings.DEBUG itself is False under the test
    # runner, which must still get the development key.
    value = os.environ.get("DJANGO_DEBUG")
    return value is None or value.strip().lower() in {"1", "true", "yes", "on"}


def pseudonym_key() -> bytes:
    """The key for :func:`satsa.evaluation.pseudonymise`."""
    configured = os.environ.get(ENV_NAME, "")
    if configured:
        key = configured.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise PseudonymKeyMissing(f"{ENV_NAME} must be at least {MIN_KEY_BYTES} bytes long.")
        return key
    if _debugging():
        return hashlib.sha256(_DEVELOPMENT_LABEL).digest()
    raise PseudonymKeyMissing(
        f"{ENV_NAME} is not set. Individual-level data cannot be imported without the "
        "pseudonymisation key; set it in the environment (keep it outside the database "
        "and its backups)."
    )


def pseudonym_for(identifier: str) -> str:
    return pseudonymise(identifier, pseudonym_key())
