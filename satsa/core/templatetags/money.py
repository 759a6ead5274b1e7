"""Template filters over :mod:`satsa.core.money`: ``{% load money %}`` then ``{{ x|kr }}``,
``{{ x|kr:2 }}``, ``{{ x|kr:"auto" }}``, ``{{ x|kr_plain }}``, ``{{ x|mkr }}``,
``{{ x|tkr }}``, ``{{ x|percent }}``, ``{{ x|percent:0 }}``, ``{{ x|number:1 }}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from satsa.core import money
from satsa.rules.numbers import AUTO, Decimals, to_decimal

register = template.Library()


def _decimals(arg: object, default: Decimals) -> Decimals:
    if arg is None or arg == "":
        return default
    return AUTO if arg == AUTO else int(str(arg))


@register.filter
def kr(value: object, decimals: object = None) -> str:
    """``{{ case.granted_amount|kr }}`` → "5 400 000 kr"."""
    return money.kr(value, decimals=_decimals(decimals, 0))


@register.filter
def kr_plain(value: object, decimals: object = None) -> str:
    """Kronor without the unit, for columns whose header says "(kr)"."""
    return money.kr(value, decimals=_decimals(decimals, 0), unit=False)


@register.filter
def tkr(value: object) -> str:
    return money.tkr(value)


@register.filter
def mkr(value: object) -> str:
    return money.mkr(value)


@register.filter
def percent(value: object, decimals: object = None) -> str:
    """``{{ 0.125|percent }}`` → "12,5 %"; ``{{ share|percent:0 }}`` → "13 %"."""
    return money.percent(value, decimals=_decimals(decimals, 1))


@register.filter
def number(value: object, decimals: object = None) -> str:
    return money.number(value, decimals=int(_decimals(decimals, 2)))


@register.filter
def negate(value: object) -> Decimal | None:
    """The amount with its sign turned, e.g. a credit leg shown in a credit column."""
    found = to_decimal(value)
    return None if found is None else -found
