"""Swedish number formatting for money, shares and index values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def group(number: Decimal, decimals: int = 0) -> str:
    """1234567.5 → "1 234 567,50" (non-breaking spaces, decimal comma, true minus sign)."""
    text = f"{abs(number):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return f"{MINUS}{text}" if number < 0 and text.strip("0,\u00a0") else text


@register.filter
def kr(value: Any) -> str:
    """Whole kronor: "59 938 kr"; öre are shown only when there are any."""
    number = _decimal(value)
    if number is None:
        return "–"
    decimals = 0 if number == number.to_integral_value() or abs(number) >= 10000 else 2
    return f"{group(number, decimals)}{NBSP}kr"


@register.filter
def tkr(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return "–"
    return f"{group(number / 1000, 0)}{NBSP}tkr"


@register.filter
def pct(value: Any, decimals: int = 0) -> str:
    """A share as a percentage: 0.354 → "35 %"."""
    number = _decimal(value)
    if number is None:
        return "–"
    return f"{group(number * 100, int(decimals))}{NBSP}%"


@register.filter
def num(value: Any, decimals: int = 2) -> str:
    number = _decimal(value)
    if number is None:
        return "–"
    return group(number, int(decimals))
