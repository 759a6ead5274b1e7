from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from satsa.core.fields import NumberField
from satsa.orgs.models import Board, Department, ExternalParty, Organisation
from satsa.orgs.roles import Role


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ av part"), choices=ExternalParty.Kind.choices)
    form = forms.ChoiceField(
        label=_("Form"), choices=[("", "—"), *ExternalParty.Form.choices], required=False
    )
    organisation_number = forms.CharField(
        label=_("Organisationsnummer"), max_length=20, required=False
    )
    municipal_ownership = NumberField(
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


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class MembershipGrantForm(forms.Form):
    """Give a person of the organisation a role; a board secretary names their board and
    a department head their department."""

    user = PersonChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    board = forms.ModelChoiceField(
        label=_("Nämnd"),
        queryset=Board.objects.none(),
        required=False,
        help_text=_("För en nämndsekreterare: nämnden hen är sekreterare för."),
    )
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("För en förvaltningschef: förvaltningen hen leder."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people of this organisation: new people are registered first (e-legitimation).
        people = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        cast("forms.ModelChoiceField[Any]", self.fields["user"]).queryset = people
        cast("forms.ModelChoiceField[Any]", self.fields["board"]).queryset = Board.objects.filter(
            organisation=organisation
        ).order_by("name")
        cast(
            "forms.ModelChoiceField[Any]", self.fields["department"]
        ).queryset = Department.objects.filter(organisation=organisation).order_by("name")
