"""Numbers typed into forms (satsa/core/fields.py): read as people type them in Swedish,
shown the same way, refused with the page's own Swedish message, and never in a
``type=number`` box (which refuses a decimal comma before the page can say anything)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from satsa.core.fields import NumberField, WholeNumberField
from satsa.followup.forms import MeasureForm, ReportForm, ValueForm


class Sample(forms.Form):
    amount = NumberField(max_digits=14, decimal_places=2, min_value=0)
    share = NumberField(required=False, decimal_places=4, percent=True)
    n = WholeNumberField(required=False, min_value=0)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1 250,50", Decimal("1250.5")),
        ("1\u00a0250,50 kr", Decimal("1250.5")),
        ("3 600 000", Decimal("3600000")),
        ("0.5", Decimal("0.5")),
        ("14,000000", Decimal("14")),
    ],
)
def test_swedish_numbers_are_read_as_typed(typed: str, amount: Decimal) -> None:
    with translation.override("sv"):
        form = Sample({"amount": typed, "share": "12,5 %", "n": "1 200"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": amount, "share": Decimal("12.5"), "n": 1200}


@pytest.mark.parametrize("typed", ["12 kronor", "1,2,3", "--1", "inf", "NaN"])
def test_what_is_no_number_gets_the_pages_swedish_message(typed: str) -> None:
    with translation.override("sv"):
        form = Sample({"amount": typed, "n": "1,5"})
        assert not form.is_valid()
        assert form.errors["amount"] == ["Fyll i ett tal."]
        assert form.errors["n"] == ["Fyll i ett heltal."]


def test_limits_still_hold() -> None:
    with translation.override("sv"):
        form = Sample({"amount": "−5", "n": "-1"})
        assert not form.is_valid()
    assert set(form.errors) == {"amount", "n"}


def test_values_are_shown_as_they_are_typed_in_a_text_box() -> None:
    with translation.override("sv"):
        html = str(Sample(initial={"amount": Decimal("3600000.00"), "share": 12.5, "n": 1200}))
    assert 'value="3\u00a0600\u00a0000"' in html
    assert 'value="12,5\u00a0%"' in html
    assert 'value="1\u00a0200"' in html
    assert 'type="number"' not in html
    assert html.count('inputmode="decimal"') == 3


@pytest.mark.parametrize("form", [MeasureForm(), ValueForm(), ReportForm()])
def test_follow_up_forms_take_a_decimal_comma(form: forms.Form) -> None:
    with translation.override("sv"):
        assert 'type="number"' not in str(form)
