"""Forms of the decisions made after the grant."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})


class PeriodChangeForm(forms.Form):
    """A decision moving the project's start and end dates."""

    start_date = forms.DateField(label=_("Nytt startdatum"), widget=DATE)
    end_date = forms.DateField(label=_("Nytt slutdatum"), widget=DATE)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)
    minutes_reference = forms.CharField(label=_("Protokollsparagraf"), max_length=100)
    reason = forms.CharField(
        label=_("Skäl för den nya perioden"), widget=forms.Textarea(attrs={"rows": 3})
    )
