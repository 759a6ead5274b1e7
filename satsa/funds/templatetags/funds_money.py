from __future__ import annotations

from typing import Any

from django import template

from satsa.funds.formatting import sek as _sek

register = template.Library()


@register.filter
def sek(value: Any) -> str:
    """87000000 → "87 000 000,00 kr" (no-break spaces)."""
    return _sek(value)


@register.filter
def sek_plain(value: Any) -> str:
    """87000000 → "87 000 000,00" (for tables whose header names the unit)."""
    return _sek(value, unit=False)


@register.filter
def sek_credit(value: Any) -> str:
    """A credit leg (stored negative) as the positive amount of a credit column."""
    return _sek(-value, unit=False)
