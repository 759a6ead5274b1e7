"""The one owner of how money, shares and numbers are written on screens, PDFs, charts and
messages, in the active language (``sv`` by default, ``en`` when chosen).

Swedish: ``2 400 000 kr``, ``2,4 mnkr``, ``350 tkr``, ``12,5 %`` (no-break spaces, decimal
comma, U+2212 minus). English: ``SEK 2,400,000``, ``SEK 2.4m``, ``SEK 350k``, ``12.5%``.
The rules themselves live in the Django-free :mod:`satsa.rules.numbers`, so the rulebook's
own messages read the same. Exports (CSV/XLSX) write real numbers and never call this.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from satsa.rules import numbers
from satsa.rules.numbers import AUTO, EMPTY, Decimals

__all__ = [
    "AUTO",
    "input_number",
    "kr",
    "language",
    "mkr",
    "mkr_tick",
    "number",
    "percent",
    "read_number",
    "tkr",
]


def language() -> str:
    """``"en"`` when English is active, otherwise ``"sv"``.

    >>> from django.utils import translation
    >>> with translation.override("en"):
    ...     language()
    'en'
    """
    return "en" if (get_language() or "sv").lower().startswith("en") else "sv"


def kr(amount: object, *, decimals: Decimals = 0, unit: bool = True, empty: str = EMPTY) -> str:
    """Kronor: whole by default, ``decimals=2`` for öre, ``decimals="auto"`` for öre only
        when there are any (the ledger); ``unit=False`` when a column header names the unit.

        >>> from decimal import Decimal
        >>> from django.utils import translation
        >>> with translation.override("sv"):
        ...     kr(Decimal("2400000.00")), kr(None), kr(Decimal("1.005"), decimals=2)
        ('2\\xa0400\\xa0000\\xa0kr', '–', '1,01\\xa0kr')
        >>> with translation.override("en"):
        ...     kr(2400000.4)
        'SEK\\xa02,400,000'
    """
    return numbers.kr(amount, lang=language(), decimals=decimals, unit=unit, empty=empty)


def tkr(amount: object, *, decimals: int = 0, empty: str = EMPTY) -> str:
    """Thousands of kronor.

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     tkr(438_060)
    '438\\xa0tkr'
    """
    return numbers.tkr(amount, lang=language(), decimals=decimals, empty=empty)


def mkr(amount: object, *, decimals: int = 1, empty: str = EMPTY) -> str:
    """Millions of kronor.

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     mkr(2_400_000)
    '2,4\\xa0mnkr'
    >>> with translation.override("en"):
    ...     mkr(2_400_000)
    'SEK\\xa02.4m'
    """
    return numbers.mkr(amount, lang=language(), decimals=decimals, empty=empty)


def mkr_tick(value: object) -> str:
    """A short chart-axis label that picks mnkr, tkr or kr by size.

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     mkr_tick(1_500_000), mkr_tick(250_000), mkr_tick(0)
    ('1,5\\xa0mnkr', '250\\xa0tkr', '0\\xa0kr')
    """
    return numbers.mkr_tick(value, lang=language())


def percent(share: object, *, decimals: Decimals = 1, empty: str = EMPTY) -> str:
    """A share as a percentage: 0.125 → ``12,5 %`` (``12.5%`` in English);
    ``decimals="auto"`` for as few decimals as needed (up to two).

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     percent(0.125), percent(0.354, decimals=0)
    ('12,5\\xa0%', '35\\xa0%')
    """
    return numbers.percent(share, lang=language(), decimals=decimals, empty=empty)


def number(value: object, *, decimals: Decimals = 2, empty: str = EMPTY) -> str:
    """A plain number with grouped thousands (an index, a volume, a mean).

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     number(1234.5), number(112.6, decimals=1)
    ('1\\xa0234,50', '112,6')
    """
    return numbers.number(value, lang=language(), decimals=decimals, empty=empty)


def read_number(text: object) -> Decimal | None:
    """A number as a person types or pastes it, in the active language; None if it is none.

    Swedish: spaces (also no-break) between thousands, a decimal comma or point, "kr" or
    "%" after, U+2212 or "-" for minus. English: commas between thousands, a decimal point.

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     read_number("3 600 000"), read_number("12,5 %"), read_number("−1\\xa0250,50 kr")
    (Decimal('3600000'), Decimal('12.5'), Decimal('-1250.50'))
    >>> with translation.override("en"):
    ...     read_number("3,600,000.5"), read_number("x")
    (Decimal('3600000.5'), None)
    """
    if isinstance(text, Decimal | int | float) and not isinstance(text, bool):
        return numbers.to_decimal(text)
    value = str(text or "").strip()
    for space in (" ", numbers.NBSP, "\u202f", "\u2009"):
        value = value.replace(space, "")
    value = value.removesuffix("%").removesuffix("kr").removesuffix("SEK").removeprefix("SEK")
    value = value.replace(numbers.MINUS, "-")
    value = value.replace(",", ".") if language() == "sv" else value.replace(",", "")
    if not re.fullmatch(r"-?(\d+\.?\d*|\.\d+)", value):
        return None
    return numbers.to_decimal(value)


def input_number(value: Any, *, percent: bool = False) -> str:
    """A number as an input shows it: grouped thousands, a decimal comma (in Swedish), no
    more decimals than it has; a percentage with its sign.

    >>> from django.utils import translation
    >>> with translation.override("sv"):
    ...     input_number(Decimal("3600000.00")), input_number(12.5, percent=True)
    ('3\\xa0600\\xa0000', '12,5\\xa0%')
    """
    number = numbers.to_decimal(value)
    if number is None:
        return ""
    # At most six decimals (a float share such as 0.13999999999999999 shows as 14 %).
    rounded = number.quantize(Decimal("1e-6")).normalize()
    places = max(0, -int(rounded.as_tuple().exponent))
    text = numbers.group(number, decimals=places, lang=language())
    if not percent:
        return text
    return f"{text}{numbers.NBSP}%" if language() == "sv" else f"{text}%"
