"""satsa.core.money: the one way amounts, shares and numbers are written, and the pages
that use it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from satsa.cases.models import Case
from satsa.core import money
from satsa.rules import numbers

NB = "\u00a0"
SATSA = Path(__file__).resolve().parents[2]


@pytest.fixture
def sv() -> Any:
    with translation.override("sv"):
        yield


@pytest.fixture
def en() -> Any:
    with translation.override("en"):
        yield


# --- Swedish ---------------------------------------------------------------------------


def test_it_writes_kronor_the_swedish_way(sv: Any) -> None:
    assert money.kr(Decimal("2400000")) == f"2{NB}400{NB}000{NB}kr"
    assert money.kr(Decimal("2400000.00")) == f"2{NB}400{NB}000{NB}kr"
    assert money.kr(999) == f"999{NB}kr"
    assert money.kr(0) == f"0{NB}kr"


def test_it_writes_millions_thousands_and_shares(sv: Any) -> None:
    assert money.mkr(2_400_000) == f"2,4{NB}mnkr"
    assert money.tkr(350_000) == f"350{NB}tkr"
    assert money.percent(0.125) == f"12,5{NB}%"
    assert money.percent(Decimal("0.05"), decimals=0) == f"5{NB}%"
    assert money.number(Decimal("104.3"), decimals=1) == "104,3"


def test_negatives_take_the_minus_sign_and_never_a_minus_zero(sv: Any) -> None:
    assert money.kr(Decimal("-1250")) == f"\u22121{NB}250{NB}kr"
    assert money.mkr(-2_400_000) == f"\u22122,4{NB}mnkr"
    assert money.kr(Decimal("-0.4")) == f"0{NB}kr"
    assert money.percent(-0.0001) == f"0,0{NB}%"


def test_nothing_to_show_is_a_dash(sv: Any) -> None:
    assert money.kr(None) == "–"
    assert money.kr("") == "–"
    assert money.kr(None, empty="") == ""
    assert money.kr(float("nan")) == "–"
    assert money.percent(None) == "–"
    assert money.mkr("inte ett tal") == "–"


def test_it_rounds_half_up_exactly_on_decimals(sv: Any) -> None:
    # Python's own formatting rounds half to even: f"{Decimal('2.5'):.0f}" == "2".
    assert money.kr(Decimal("2.5")) == f"3{NB}kr"
    assert money.kr(Decimal("3.5")) == f"4{NB}kr"
    assert money.kr(Decimal("-2.5")) == f"\u22123{NB}kr"
    assert money.kr(Decimal("0.125"), decimals=2) == f"0,13{NB}kr"
    assert money.mkr(Decimal("2450000")) == f"2,5{NB}mnkr"
    assert money.percent(0.0125) == f"1,3{NB}%"


def test_floats_from_the_engine_are_read_as_written(sv: Any) -> None:
    # 2.675 is 2.67499999… as a binary float; the engine means 2.675.
    assert money.kr(2.675, decimals=2) == f"2,68{NB}kr"
    assert money.kr(2082609.37) == f"2{NB}082{NB}609{NB}kr"
    assert money.kr(2082609.5) == f"2{NB}082{NB}610{NB}kr"


def test_big_numbers_keep_every_digit(sv: Any) -> None:
    assert money.kr(Decimal("123456789012345678.50")) == (
        f"123{NB}456{NB}789{NB}012{NB}345{NB}679{NB}kr"
    )
    assert money.mkr(Decimal("1000000000000")) == f"1{NB}000{NB}000,0{NB}mnkr"


def test_the_ledger_shows_ore_only_when_there_are_any(sv: Any) -> None:
    assert money.kr(Decimal("200000.50"), decimals=money.AUTO) == f"200{NB}000,50{NB}kr"
    assert money.kr(Decimal("200000.00"), decimals=money.AUTO) == f"200{NB}000{NB}kr"
    assert money.kr(Decimal("87000000"), decimals=2) == f"87{NB}000{NB}000,00{NB}kr"
    assert money.kr(Decimal("87000000"), unit=False) == f"87{NB}000{NB}000"


def test_chart_ticks_pick_their_scale(sv: Any) -> None:
    assert money.mkr_tick(1_500_000) == f"1,5{NB}mnkr"
    assert money.mkr_tick(-250_000) == f"\u2212250{NB}tkr"
    assert money.mkr_tick(500) == f"500{NB}kr"


# --- English ---------------------------------------------------------------------------


def test_it_writes_english_when_english_is_chosen(en: Any) -> None:
    assert money.kr(Decimal("2400000")) == f"SEK{NB}2,400,000"
    assert money.kr(Decimal("-1250.5"), decimals=2) == f"\u2212SEK{NB}1,250.50"
    assert money.mkr(2_400_000) == f"SEK{NB}2.4m"
    assert money.tkr(350_000) == f"SEK{NB}350k"
    assert money.percent(0.125) == "12.5%"
    assert money.number(1234.5) == "1,234.50"
    assert money.mkr_tick(-1_200_000) == f"\u2212SEK{NB}1.2m"
    assert money.kr(None) == "–"


def test_the_filters_follow_the_language() -> None:
    template = Template(
        "{% load money %}{{ x|kr }}|{{ x|kr_plain }}|{{ x|mkr }}|{{ s|percent }}|"
        "{{ s|percent:0 }}|{{ o|kr:'auto' }}|{{ o|kr:2 }}|{{ o|negate|kr_plain:'auto' }}|{{ n|kr }}"
    )
    context = Context({"x": Decimal("2400000"), "s": 0.125, "o": Decimal("10.5"), "n": None})
    with translation.override("sv"):
        assert template.render(context) == (
            f"2{NB}400{NB}000{NB}kr|2{NB}400{NB}000|2,4{NB}mnkr|12,5{NB}%|"
            f"13{NB}%|10,50{NB}kr|10,50{NB}kr|\u221210,50|–"
        )
    with translation.override("en"):
        assert template.render(context) == (
            f"SEK{NB}2,400,000|2,400,000|SEK{NB}2.4m|12.5%|13%|SEK{NB}10.50|SEK{NB}10.50|\u221210.50|–"
        )


@given(
    st.decimals(
        min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_any_amount_reads_back_as_the_rounded_amount(amount: Decimal) -> None:
    for lang, thousands, point in (("sv", NB, ","), ("en", ",", ".")):
        text = numbers.kr(amount, lang=lang, decimals=2, unit=False)
        back = Decimal(text.replace("\u2212", "-").replace(thousands, "").replace(point, "."))
        assert back == amount


def test_the_pure_rules_write_amounts_like_the_screens(sv: Any) -> None:
    from satsa.rules.eligibility import _kr

    assert _kr(Decimal("2500000"), "sv") == money.kr(Decimal("2500000"))
    with translation.override("en"):
        assert _kr(Decimal("2500000"), "en") == money.kr(Decimal("2500000"))


# --- one owner --------------------------------------------------------------------------


def test_no_other_module_defines_its_own_money_formatter() -> None:
    owners = {SATSA / "rules" / "numbers.py", SATSA / "core" / "money.py"}
    offenders = []
    pattern = re.compile(r"^\s*def (kr|tkr|mkr|sek|sek_plain|_mkr|money_tick)\(", re.MULTILINE)
    for path in SATSA.rglob("*.py"):
        if path in owners or "tests" in path.parts or "templatetags" in path.parts:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(SATSA)))
    assert offenders == []


def test_templates_do_not_format_money_by_hand() -> None:
    # "{{ x|floatformat:… }} kr" and friends: money goes through {% load money %}.
    by_hand = re.compile(r"(floatformat|intcomma)[^}]*\}\}\s*(kr|tkr|mnkr)\b")
    offenders = [
        str(path.relative_to(SATSA))
        for path in SATSA.rglob("*.html")
        if by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- the real pages ---------------------------------------------------------------------


def _amounts_are_in_the_one_format(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    # A whole amount without grouping ("2400000"), an öre tail on whole kronor
    # ("2 400 000,00 kr"), a Python Decimal, or an ordinary space inside an amount.
    assert not re.search(r"(?<![\d./-])\d{5,}(?:[.,]\d+)?\s*(?:kr|mnkr|tkr)\b", text), text
    # Whole kronor never carry a ",00" / ".00" tail, with or without the unit.
    assert not re.search(r"\d[,.]00(?!\d)", text), re.findall(r".{30}\d[,.]00(?!\d).{10}", text)
    assert "Decimal(" not in text
    assert not re.search(r"\d{1,3}(?: \d{3})+ kr\b", text)


@pytest.fixture
def demo(db: Any) -> None:
    call_command("demo")


def test_the_money_pages_of_the_demo_write_amounts_one_way(client: Any, demo: None) -> None:
    from django.contrib.auth import get_user_model

    fatima = get_user_model().objects.get(username="fatima")
    client.force_login(fatima)
    granted = Case.objects.filter(organisation__slug="orebro", granted_amount__gt=0).first()
    assert granted is not None
    pages = {
        "fund": reverse("funds:overview", args=["orebro"]),
        "case money": reverse("funds:case", args=["orebro", granted.pk]),
        "portfolio": reverse("portfolio:dashboard", args=["orebro"]),
    }
    for lang in ("sv", "en"):
        client.cookies["django_language"] = lang
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, name
            html = response.content.decode()
            _amounts_are_in_the_one_format(html)
            with translation.override(lang):
                granted_text = money.kr(granted.granted_amount, decimals=money.AUTO, unit=False)
            if name == "case money":
                assert granted_text in html, (lang, granted_text)
            if lang == "sv":
                assert "SEK" not in html, name
            elif name == "portfolio":
                assert f"SEK{NB}" in html
