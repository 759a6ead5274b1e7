from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod från din autentiseringsapp"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


class VerifyForm(forms.Form):
    """The code of the authenticator app, or one of the person's recovery codes."""

    token = forms.CharField(
        label=_("Engångskod eller reservkod"),
        help_text=_("Sex siffror från appen, eller en av dina reservkoder om du saknar telefonen."),
        min_length=6,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip().lower().replace(" ", "")
