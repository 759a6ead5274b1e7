"""Money and dates the Swedish way, shared by the pages, the PDFs and the exports."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal


def kr(amount: Decimal | int | float | None, *, empty: str = "–") -> str:
    """An amount in whole kronor with a space between thousands.

    >>> kr(Decimal("5400000.00"))
    '5 400 000 kr'
    >>> kr(-1250.4)
    '−1 250 kr'
    >>> kr(None)
    '–'
    """
    if amount is None:
        return empty
    whole = Decimal(str(amount)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "−" if whole < 0 else ""
    return f"{sign}{abs(whole):,.0f}".replace(",", " ") + " kr"


def mkr(amount: Decimal | int | float | None) -> str:
    """An amount in millions with one decimal, for chart labels.

    >>> mkr(12_200_000)
    '12,2 mnkr'
    """
    if amount is None:
        return "–"
    return f"{Decimal(str(amount)) / Decimal(1_000_000):.1f}".replace(".", ",") + " mnkr"


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"
