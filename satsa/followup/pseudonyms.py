"""The pseudonymisation key: read from the environment, never stored in the database.

``SATSA_PSEUDONYM_KEY`` holds the key (at least 32 bytes once encoded; generate one with
``python -c "import secrets; print(secrets.token_urlsafe(48))"``). In development and in
tests (``DJANGO_DEBUG`` true, the default) a fixed, clearly labelled development key is
derived instead, so the demo works out of the box; in production a missing key stops the
import with a clear message rather than pseudonymising under a guessable key.
"""

from __future__ import annotations

from satsa.core.keys import KeyMissing, key_from_environment
from satsa.evaluation import pseudonymise

ENV_NAME = "SATSA_PSEUDONYM_KEY"
# Public on purpose: pseudonyms made under it protect nothing. Development and tests only.
_DEVELOPMENT_LABEL = b"satsa DEVELOPMENT pseudonym key - NOT SECRET - never use in production"


class PseudonymKeyMissing(KeyMissing):
    """Production without ``SATSA_PSEUDONYM_KEY``: individual data cannot be imported."""


def pseudonym_key() -> bytes:
    """The key for :func:`satsa.evaluation.pseudonymise`."""
    return key_from_environment(
        ENV_NAME,
        development_label=_DEVELOPMENT_LABEL,
        error=PseudonymKeyMissing,
        missing=(
            f"{ENV_NAME} is not set. Individual-level data cannot be imported without the "
            "pseudonymisation key; set it in the environment (keep it outside the database "
            "and its backups)."
        ),
    )


def pseudonym_for(identifier: str) -> str:
    return pseudonymise(identifier, pseudonym_key())
