"""Pseudonyms: keyed, stable per person, and never the identifier itself."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satsa.evaluation.pseudonym import MIN_KEY_BYTES, normalise_identifier, pseudonymise

KEY = b"k" * 32
OTHER_KEY = b"q" * 32
personnummer = st.from_regex(r"(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9]-?[0-9]{4}", fullmatch=True)


def test_it_is_hmac_sha256_of_the_normalised_identifier() -> None:
    expected = hmac.new(KEY, b"191212121212", hashlib.sha256).hexdigest()
    assert pseudonymise("19121212-1212", KEY) == expected
    assert re.fullmatch(r"[0-9a-f]{64}", expected)


@pytest.mark.parametrize(
    "written",
    [
        "19121212-1212",
        "191212121212",
        " 19121212 1212 ",
        "19121212\u20131212",
        "19121212\u22121212",
    ],
)
def test_the_ways_of_writing_one_number_give_one_pseudonym(written: str) -> None:
    assert pseudonymise(written, KEY) == pseudonymise("191212121212", KEY)


def test_letters_are_folded_to_upper_case() -> None:
    assert normalise_identifier(" ab-12 ") == "AB12"
    assert pseudonymise("ab12", KEY) == pseudonymise("AB12", KEY)


def test_the_plus_of_centenarians_is_kept() -> None:
    # 121212+1212 (born 1912) and 121212-1212 (born 2012) are different people
    assert pseudonymise("121212+1212", KEY) != pseudonymise("121212-1212", KEY)


def test_it_refuses_short_keys_without_echoing_anything() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_KEY_BYTES} bytes") as caught:
        pseudonymise("191212121212", b"short")
    assert "191212121212" not in str(caught.value) and "short" not in str(caught.value)
    with pytest.raises(TypeError):
        pseudonymise("191212121212", "a str key of more than thirty-two chars")  # type: ignore[arg-type]


def test_it_refuses_an_empty_identifier_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="empty"):
        pseudonymise(" - ", KEY)


@given(identifier=personnummer)
def test_a_pseudonym_never_is_or_contains_the_identifier(identifier: str) -> None:
    pseudonym = pseudonymise(identifier, KEY)
    normal = normalise_identifier(identifier)
    assert pseudonym != identifier and pseudonym != normal
    assert normal not in pseudonym and identifier not in pseudonym
    assert normal[-4:] + normal[:6] not in pseudonym


@given(identifier=personnummer)
def test_it_is_stable_and_depends_on_the_key(identifier: str) -> None:
    assert pseudonymise(identifier, KEY) == pseudonymise(identifier, KEY)
    assert pseudonymise(identifier, KEY) != pseudonymise(identifier, OTHER_KEY)


@given(first=personnummer, second=personnummer)
def test_different_people_get_different_pseudonyms(first: str, second: str) -> None:
    same = normalise_identifier(first) == normalise_identifier(second)
    assert (pseudonymise(first, KEY) == pseudonymise(second, KEY)) == same
