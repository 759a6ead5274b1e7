"""Forms of the fund's pages. Each posting form carries an idempotency key in a hidden
field, made when the form is shown, so that a replayed POST books once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satsa.funds.services import new_idempotency_key


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_idempotency_key())
        super().__init__(*args, **kwargs)


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class MoneyField(forms.DecimalField):
    """Kronor as people type them: "65 000 000,00", "1234.5"."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)


def _amount_field(label: Any = None, *, required: bool = True) -> MoneyField:
    return MoneyField(
        label=label or _("Belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01") if required else Decimal(0),
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class MovementForm(KeyedForm):
    """A deposit or a withdrawal by council decision."""

    amount = _amount_field()
    booked_on = _date_field(_("Beslutsdatum"))
    reference = forms.CharField(
        label=_("Beslut (referens)"), max_length=200, help_text=_("T.ex. KF 2013-05-28 § 112.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class ClaimForm(KeyedForm):
    period = forms.ChoiceField(label=_("Rapporteringstillfälle"))
    amount = _amount_field(_("Upparbetade kostnader som begärs (kr)"))
    description = forms.CharField(
        label=_("Vad kostnaderna avser"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    report_reference = forms.CharField(
        label=_("Periodens rapport"),
        max_length=200,
        required=False,
        help_text=_("Referens till rapporten för perioden."),
    )

    def __init__(self, *args: Any, periods: list[Any], years: range, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].choices = [
            (f"{p.code}:{p.in_year(year).isoformat()}", f"{p.name_sv} {year}")
            for year in years
            for p in periods
            if p.in_year(year) <= today
        ]

    def period_value(self) -> tuple[str, dt.date]:
        """(period code, the day it ends) of the chosen reporting point."""
        code, _sep, day = self.cleaned_data["period"].partition(":")
        return code, dt.date.fromisoformat(day)


class ApproveForm(KeyedForm):
    pass


class PayForm(KeyedForm):
    booked_on = _date_field(_("Utbetalningsdag"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booked_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivering"), max_length=500)
    booked_on = _date_field(_("Bokföringsdag"), required=False)


class RepaymentForm(KeyedForm):
    board = forms.ModelChoiceField(label=_("Nämnd"), queryset=None)
    principal = _amount_field(_("Återföring (kr)"))
    fee = _amount_field(_("Administrativ avgift (kr)"), required=False)
    received_on = _date_field(_("Bokföringsdag"))
    reference = forms.CharField(label=_("Referens"), max_length=200, required=False)

    def __init__(self, *args: Any, boards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["received_on"].initial = timezone.localdate()


class PositionDateForm(forms.Form):
    date = _date_field(_("Ställning per dag"), required=False)
