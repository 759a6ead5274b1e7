from __future__ import annotations

from decimal import Decimal

from django import template

from satsa.portfolio import formatting

register = template.Library()


@register.filter
def kr(amount: Decimal | int | float | None) -> str:
    """``{{ case.granted_amount|kr }}`` → "5 400 000 kr"."""
    return formatting.kr(amount)
