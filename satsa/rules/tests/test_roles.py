"""Roles as each organisation names them: Uppsala's styrgrupp is a group of officials
appointed by the city director (riktlinje-2016), Örebro's a political steering group."""

from __future__ import annotations

from satsa.rules import get_preset
from satsa.rules.schema import ROLE_NAMES
from satsa.rules.text import render_rulebook


def test_uppsalas_steering_group_is_officials_not_politicians() -> None:
    uppsala = get_preset("uppsala-2016")
    name = uppsala.role_name("steering_group")
    assert name == "Styrgrupp (tjänstepersoner)"
    assert "olitisk" not in name
    text = uppsala.roles["steering_group"].text_sv
    assert "stadsdirektören" in text and "kommunledningskontoret" in text
    assert uppsala.role_name("steering_group", "en") == "Steering group (officials)"


def test_orebros_steering_group_stays_political() -> None:
    for key in ("orebro-2016", "orebro-2020"):
        assert get_preset(key).role_name("steering_group") == "Politisk styrgrupp"


def test_the_general_name_claims_no_politics() -> None:
    assert ROLE_NAMES["steering_group"] == ("Styrgrupp", "Steering group")
    assert get_preset("gavleborg-2018").role_name("steering_group") == "Styrgrupp"


def test_the_rulebook_text_names_and_describes_uppsalas_group() -> None:
    text = render_rulebook(get_preset("uppsala-2016"), "sv")
    assert "Styrgruppen bedömer och prioriterar – Styrgrupp (tjänstepersoner)" in text
    assert "Politisk styrgrupp" not in text
    assert "tillsatt av stadsdirektören" in text
