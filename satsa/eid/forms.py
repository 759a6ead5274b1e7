from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from satsa.eid.identity import check_personal_number
from satsa.eid.models import EidSettings
from satsa.orgs.roles import Role


class PersonRegisterForm(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    email = forms.EmailField(label=_("E-post"), required=False)
    personal_number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("Tolv siffror, ÅÅÅÅMMDD-NNNN. Sparas aldrig, bara ett nyckelhashat värde."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roller"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_personal_number(self) -> str:
        return check_personal_number(self.cleaned_data["personal_number"])


class GroupRolesField(forms.CharField):
    """One "group = role" per line, the role by its Swedish name; stored as {group: role}."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            labels = dict(Role.choices)
            return "\n".join(f"{g} = {labels.get(r, r)}" for g, r in value.items())
        return value

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        by_label = {str(label).casefold(): role for role, label in Role.choices}
        mapping: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            group, sep, label = line.partition("=")
            role = by_label.get(label.strip().casefold())
            if not sep or not group.strip() or role is None:
                raise ValidationError(
                    _("Rad %(number)d ska vara ”grupp = roll” med en av Satsas roller.")
                    % {"number": number}
                )
            mapping[group.strip()] = role
        return mapping


class EidSettingsForm(forms.ModelForm):
    group_roles = GroupRolesField(
        label=_("Roller per grupp"),
        required=False,
        help_text=_(
            "Valfritt. En rad per grupp: ”grupp = roll”, till exempel ”satsa-ekonomer = "
            "Ekonom/utvärderare”. Roller som getts här tas bort när gruppen försvinner."
        ),
    )
    oidc_client_secret = forms.CharField(
        label=_("OIDC-klienthemlighet"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Lämna tomt för att behålla den sparade hemligheten."),
    )

    class Meta:
        model = EidSettings
        fields = [
            "enabled",
            "method",
            "required_loa",
            "allow_just_in_time",
            "require_eid_for_staff",
            "saml_idp_metadata",
            "oidc_issuer",
            "oidc_client_id",
            "oidc_client_secret",
            "group_attribute",
            "group_roles",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("oidc_client_secret") and self.instance.pk:
            data["oidc_client_secret"] = self.instance.oidc_client_secret
        wants_oidc = data.get("enabled") and data.get("method") == EidSettings.Method.OIDC
        if wants_oidc and not (data.get("oidc_issuer") and data.get("oidc_client_id")):
            raise ValidationError(_("OpenID Connect kräver utfärdare och klient-id."))
        return data
