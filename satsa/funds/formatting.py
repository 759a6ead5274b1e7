"""Money as Swedes write it: ``87 000 000,00 kr`` (no-break spaces between thousands).

>>> sek(Decimal("87000000"))
'87\\xa0000\\xa0000,00\\xa0kr'
>>> sek(Decimal("-1234.5"), unit=False)
'−1\\xa0234,50'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NBSP = "\u00a0"


def sek(value: Any, *, unit: bool = True) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, ore = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    # U+2212 MINUS SIGN, as Swedish typography writes negative amounts.
    text = ("\u2212" if amount < 0 else "") + NBSP.join(groups) + "," + ore
    return text + (NBSP + "kr" if unit else "")
