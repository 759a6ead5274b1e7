"""Money and numbers written out in Swedish or English, without Django.

The one place that knows how Satsa writes an amount. ``satsa.core.money`` calls these
functions with the active language; the pure packages (the rulebook's eligibility
messages) call them with the language they write in, so both read the same.

Swedish: no-break spaces between thousands, a decimal comma, U+2212 for minus and the
unit after a no-break space — ``2 400 000 kr``, ``2,4 mnkr``, ``12,5 %``.
English: commas between thousands, a decimal point, the currency code in front —
``SEK 2,400,000``, ``SEK 2.4m``, ``12.5%``.

Amounts are rounded exactly, half away from zero, on ``Decimal``; floats (results of the
calculation engine) are read through their shortest ``repr`` so ``0.125`` stays ``0.125``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

NBSP = "\u00a0"
MINUS = "\u2212"
EMPTY = "–"
AUTO: Literal["auto"] = "auto"

Number = Decimal | int | float | str
Decimals = int | Literal["auto"]


def to_decimal(value: object) -> Decimal | None:
    """The value as a finite ``Decimal``, or ``None`` when there is no number to show.

    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal("12,5") is None, to_decimal(None) is None, to_decimal(float("nan")) is None
    (True, True, True)
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _places(number: Decimal, decimals: Decimals) -> int:
    if decimals == AUTO:
        # Öre only when there are any: 1 000 kr, 1 000,50 kr.
        return 0 if number == number.to_integral_value() else 2
    return int(decimals)


def group(number: Decimal, *, decimals: int = 0, lang: str = "sv") -> str:
    """``number`` rounded half up to ``decimals`` places, with thousands grouped.

    >>> group(Decimal("-1234567.505"), decimals=2)
    '−1\\xa0234\\xa0567,51'
    >>> group(Decimal("-1234567.505"), decimals=2, lang="en")
    '−1,234,567.51'
    >>> group(Decimal("-0.4"))
    '0'
    """
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}"
    if _swedish(lang):
        text = text.replace(",", NBSP).replace(".", ",")
    # No "−0": an amount that rounds to zero is zero.
    return f"{MINUS}{text}" if rounded < 0 else text


def _swedish(lang: str) -> bool:
    return not lang.lower().startswith("en")


def _with_unit(text: str, *, sv_unit: str, en_prefix: str, en_suffix: str, lang: str) -> str:
    if _swedish(lang):
        return f"{text}{NBSP}{sv_unit}"
    sign, digits = (MINUS, text[1:]) if text.startswith(MINUS) else ("", text)
    return f"{sign}{en_prefix}{digits}{en_suffix}"


def kr(
    amount: object,
    *,
    lang: str = "sv",
    decimals: Decimals = 0,
    unit: bool = True,
    empty: str = EMPTY,
) -> str:
    """An amount of kronor: whole kronor by default, ``decimals=2`` for öre, ``"auto"`` for
    öre only when there are any; ``unit=False`` for a column whose header names the unit.

    >>> kr(Decimal("2400000.00"))
    '2\\xa0400\\xa0000\\xa0kr'
    >>> kr(2400000, lang="en")
    'SEK\\xa02,400,000'
    >>> kr(-1250.5), kr(-1250.5, lang="en")
    ('−1\\xa0251\\xa0kr', '−SEK\\xa01,251')
    >>> kr(Decimal("200000.50"), decimals="auto"), kr(Decimal("200000.00"), decimals="auto")
    ('200\\xa0000,50\\xa0kr', '200\\xa0000\\xa0kr')
    >>> kr(Decimal("87000000"), unit=False), kr(None)
    ('87\\xa0000\\xa0000', '–')
    """
    number = to_decimal(amount)
    if number is None:
        return empty
    text = group(number, decimals=_places(number, decimals), lang=lang)
    if not unit:
        return text
    return _with_unit(text, sv_unit="kr", en_prefix=f"SEK{NBSP}", en_suffix="", lang=lang)


def tkr(amount: object, *, lang: str = "sv", decimals: int = 0, empty: str = EMPTY) -> str:
    """An amount in thousands of kronor.

    >>> tkr(350_000), tkr(350_000, lang="en")
    ('350\\xa0tkr', 'SEK\\xa0350k')
    """
    number = to_decimal(amount)
    if number is None:
        return empty
    text = group(number / 1000, decimals=decimals, lang=lang)
    return _with_unit(text, sv_unit="tkr", en_prefix=f"SEK{NBSP}", en_suffix="k", lang=lang)


def mkr(amount: object, *, lang: str = "sv", decimals: int = 1, empty: str = EMPTY) -> str:
    """An amount in millions of kronor, one decimal by default.

    >>> mkr(2_400_000), mkr(2_400_000, lang="en")
    ('2,4\\xa0mnkr', 'SEK\\xa02.4m')
    >>> mkr(Decimal("12250000"))
    '12,3\\xa0mnkr'
    """
    number = to_decimal(amount)
    if number is None:
        return empty
    text = group(number / 1_000_000, decimals=decimals, lang=lang)
    return _with_unit(text, sv_unit="mnkr", en_prefix=f"SEK{NBSP}", en_suffix="m", lang=lang)


def mkr_tick(value: object, *, lang: str = "sv") -> str:
    """A short axis label that picks its own scale: mnkr from a million, tkr from a thousand.

    >>> mkr_tick(1_200_000), mkr_tick(-350_000), mkr_tick(0)
    ('1,2\\xa0mnkr', '−350\\xa0tkr', '0\\xa0kr')
    >>> mkr_tick(1_200_000, lang="en")
    'SEK\\xa01.2m'
    """
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if abs(number) >= 1_000_000:
        return mkr(number, lang=lang)
    if abs(number) >= 1_000:
        return tkr(number, lang=lang)
    return kr(number, lang=lang)


def percent(share: object, *, lang: str = "sv", decimals: Decimals = 1, empty: str = EMPTY) -> str:
    """A share (0.125) as a percentage; ``decimals="auto"`` writes as few decimals as
    needed, up to two (a rulebook's 5 % and 2,5 %).

    >>> percent(0.125), percent(0.125, lang="en"), percent(Decimal("0.3"), decimals=0)
    ('12,5\\xa0%', '12.5%', '30\\xa0%')
    >>> percent(0.05, decimals="auto"), percent(0.025, decimals="auto"), percent(1/3, decimals="auto")
    ('5\\xa0%', '2,5\\xa0%', '33,33\\xa0%')
    """
    number = to_decimal(share)
    if number is None:
        return empty
    hundreds = number * 100
    if decimals == AUTO:
        hundreds = hundreds.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        places = next(p for p in (0, 1, 2) if hundreds == round(hundreds, p))
    else:
        places = int(decimals)
    text = group(hundreds, decimals=places, lang=lang)
    return f"{text}{NBSP}%" if _swedish(lang) else f"{text}%"


def number(value: object, *, lang: str = "sv", decimals: Decimals = 2, empty: str = EMPTY) -> str:
    """A plain number (an index, a volume) with grouped thousands; ``decimals="auto"``
    writes the decimals the value has (up to six), as a message quotes what was given.

    >>> number(1234.5), number(1234.5, lang="en"), number(3, decimals=0)
    ('1\\xa0234,50', '1,234.50', '3')
    >>> number(1.5, decimals="auto"), number(-0.25, decimals="auto", lang="en")
    ('1,5', '−0.25')
    >>> number(2, decimals="auto"), number(1200000.0, decimals="auto")
    ('2', '1\\xa0200\\xa0000')
    """
    found = to_decimal(value)
    if found is None:
        return empty
    if decimals == AUTO:
        exponent = found.normalize().as_tuple().exponent
        places = min(6, max(0, -exponent)) if isinstance(exponent, int) else 0
    else:
        places = int(decimals)
    return group(found, decimals=places, lang=lang)
