from django import forms
from django.utils.translation import gettext_lazy as _

from satsa.orgs.models import ExternalParty


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ av part"), choices=ExternalParty.Kind.choices)
    form = forms.ChoiceField(
        label=_("Form"), choices=[("", "—"), *ExternalParty.Form.choices], required=False
    )
    organisation_number = forms.CharField(
        label=_("Organisationsnummer"), max_length=20, required=False
    )
    municipal_ownership = forms.DecimalField(
        label=_("Kommunens ägarandel (0–1)"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text=_("Bara för kommunala bolag, t.ex. 1 för helägt."),
    )


class TwoFactorPolicyForm(forms.Form):
    require_two_factor_for_staff = forms.BooleanField(
        label=_("Kräv tvåfaktorsinloggning för handläggare"), required=False
    )
