"""The one owner of numbers typed into forms: amounts, values, volumes and counts are read
as people type and paste them (``3 600 000``, ``0,5``, ``12,5 %``, ``1 250,50 kr``) and
shown the same way (``satsa.core.money.read_number`` / ``input_number``).

A text box, not ``type=number``: the browser's number box refuses a decimal comma and
grouped thousands in some browsers and languages, with its own message in the browser's
language instead of the page's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from satsa.core.money import input_number, read_number


class NumberInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class NumberField(forms.DecimalField):
    """A decimal read as people type it and shown the same way; ``percent`` fields hold
    percentages (20 means 20 %)."""

    widget = NumberInput

    def __init__(self, *, percent: bool = False, **kwargs: Any) -> None:
        self.percent = percent
        super().__init__(**kwargs)

    # Django's DecimalField subclasses IntegerField yet returns a Decimal; django-stubs ignores
    # the same override on DecimalField itself, so mypy checks ours against IntegerField's.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = read_number(value)
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # "14,000000" has no decimals that count.
        if number == number.to_integral_value():
            return number.quantize(Decimal(1))
        return number.normalize()

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return input_number(value, percent=self.percent)
        return value


class WholeNumberField(forms.IntegerField):
    """A count or a year typed as people type it (``1 200``)."""

    widget = NumberInput

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = read_number(value)
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return input_number(value)
        return value
