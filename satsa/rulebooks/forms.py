from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Regelbok (TOML-fil)"),
        help_text=_("En ny version med ett nytt id, t.ex. orebro-2024. Se docs/rules.md."),
    )


class DiffForm(forms.Form):
    a = forms.CharField(label=_("Äldre version"))
    b = forms.CharField(label=_("Nyare version"))
