"""Pseudonyms for people measured in an evaluation: HMAC-SHA256 with a key kept elsewhere.

Measurements of individuals are stored under a pseudonym, never under the personal
identity number. The pseudonym is a keyed hash: without the key (which lives in the
environment, not in the database) nobody can recompute it from a guessed personnummer,
and with it the same person always gets the same pseudonym, so baseline and follow-up
can be paired. Neither the identifier nor the key appears in any message or log.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

__all__ = ["MIN_KEY_BYTES", "normalise_identifier", "pseudonymise"]

#: Shortest accepted key: 32 bytes, the output size of SHA-256.
MIN_KEY_BYTES = 32

# Whitespace and the dashes that word processors and spreadsheets put in place of "-".
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+")


def normalise_identifier(identifier: str) -> str:
    """The identifier in the form that is hashed: trimmed, upper case, no spaces or dashes.

    Swedish personal identity numbers are written with or without a hyphen and with
    spaces; those forms are one person. The 10- and 12-digit forms (``YYMMDD-NNNN`` and
    ``YYYYMMDDNNNN``) are *not* joined, because the century cannot be known for sure
    from the 10-digit form; store the 12-digit form. A "+" (used for people aged 100 or
    more) is kept, as it changes whom the number denotes.

    Examples
    --------
    >>> normalise_identifier(" 19121212-1212 ")
    '191212121212'
    >>> normalise_identifier("ab 12–34")
    'AB1234'
    """
    if not isinstance(identifier, str):
        raise TypeError("the identifier must be a str")
    normal = _SEPARATORS.sub("", unicodedata.normalize("NFKC", identifier)).upper()
    if not normal:
        raise ValueError("the identifier is empty")
    return normal


def pseudonymise(identifier: str, key: bytes) -> str:
    """The person's pseudonym: HMAC-SHA256 of the normalised identifier, as 64 hex digits.

    Parameters
    ----------
    identifier : str
        Personal identity number or other stable identifier.
    key : bytes
        Secret key of at least 32 bytes, kept outside the database (the Django side
        reads it from the environment). Changing the key changes every pseudonym.

    Examples
    --------
    >>> key = bytes(range(32))
    >>> p = pseudonymise("19121212-1212", key)
    >>> p == pseudonymise("191212121212", key), len(p)
    (True, 64)
    >>> p == pseudonymise("191212121212", bytes(range(1, 33)))
    False
    """
    if not isinstance(key, bytes | bytearray):
        raise TypeError("the key must be bytes")
    if len(key) < MIN_KEY_BYTES:
        # Never name the key's content, only the rule.
        raise ValueError(f"the pseudonymisation key must be at least {MIN_KEY_BYTES} bytes")
    message = normalise_identifier(identifier).encode("utf-8")
    return hmac.new(bytes(key), message, hashlib.sha256).hexdigest()
