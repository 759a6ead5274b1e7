"""Forms of the case pipeline. Forms only parse input; services validate the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satsa.cases.models import Case, NeedsAnalysis
from satsa.core.fields import NumberField
from satsa.orgs.models import Board, Department, ExternalParty, Organisation
from satsa.rules import Rulebook, guard_text
from satsa.rules.schema import CriteriaList, Section

TEXTAREA = {"rows": 4}


def _org_choices(form: forms.Form, organisation: Organisation) -> None:
    for name, model in (("boards", Board), ("departments", Department), ("parties", ExternalParty)):
        if name in form.fields:
            cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = model.objects.filter(
                organisation=organisation
            )


class NeedsForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    target_group = forms.CharField(label=_("Målgrupp"), widget=forms.Textarea(attrs=TEXTAREA))
    statistics = forms.CharField(
        label=_("Statistik som visar behovet"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    operational_data = forms.CharField(
        label=_("Verksamhetsdata"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    boards = forms.ModelMultipleChoiceField(
        label=_("Berörda nämnder"), queryset=Board.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _org_choices(self, organisation)


def _section_fields(sections: list[Section], prefix: str) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for section in sections:
        fields[f"{prefix}{section.id}"] = forms.CharField(
            label=section.title_sv,
            help_text=section.guidance_sv,
            required=False,
            widget=forms.Textarea(attrs=TEXTAREA),
        )
    return fields


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Satsningens namn"), max_length=300)
    needs_analysis = forms.ModelChoiceField(
        label=_("Behovsanalys"), queryset=NeedsAnalysis.objects.none(), required=False
    )
    boards = forms.ModelMultipleChoiceField(
        label=_("Nämnder som berörs i resultat eller kostnader"),
        queryset=Board.objects.none(),
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Förvaltningar som medverkar"), queryset=Department.objects.none(), required=False
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Externa parter"), queryset=ExternalParty.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, organisation: Organisation, rulebook: Rulebook, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _org_choices(self, organisation)
        needs = cast("forms.ModelChoiceField[Any]", self.fields["needs_analysis"])
        needs.queryset = NeedsAnalysis.objects.filter(organisation=organisation)
        self.sections = list(rulebook.idea.sections)
        self.fields.update(_section_fields(self.sections, "idea_"))

    def idea(self) -> dict[str, str]:
        return {s.id: self.cleaned_data.get(f"idea_{s.id}", "") for s in self.sections}


class CoApplicantForm(forms.Form):
    username = forms.CharField(label=_("Användarnamn på medsökande"), max_length=150)


class ApplicationForm(forms.Form):
    duration_years = forms.CharField(label=_("Tid för genomförande (år)"), required=False)
    requested_amount = forms.CharField(label=_("Sökt belopp från fonden (kr)"), required=False)
    total_cost = forms.CharField(label=_("Total kostnad (kr)"), required=False)
    co_financing_share = forms.CharField(label=_("Samfinansiering (andel 0–1)"), required=False)
    project_leader_share = forms.CharField(
        label=_("Projektledarens andel av heltid (0–1)"), required=False
    )
    expected_savings = forms.CharField(
        label=_("Förväntade besparingar inom regelbokens horisont (kr)"), required=False
    )

    def __init__(
        self, *args: Any, rulebook: Rulebook, calculated: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if calculated:
            # The rulebook takes the savings from the calculation: a typed figure beside
            # it could only disagree with it (the page shows the calculation's instead).
            del self.fields["expected_savings"]
        self.sections = list(rulebook.application.sections)
        section_fields = _section_fields(self.sections, "section_")
        for section in self.sections:
            if section.required:
                field = section_fields[f"section_{section.id}"]
                field.label = f"{section.title_sv} ({_('obligatoriskt')})"
        self.fields = {**section_fields, **self.fields}

    def sections_data(self) -> dict[str, str]:
        return {s.id: self.cleaned_data.get(f"section_{s.id}", "") for s in self.sections}

    def figures_data(self, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        """The typed figures; a figure the form does not show keeps its ``previous``
        value, so that nothing stored is lost."""
        keys = (
            "duration_years",
            "requested_amount",
            "total_cost",
            "co_financing_share",
            "project_leader_share",
            "expected_savings",
        )
        previous = previous or {}
        return {
            k: self.cleaned_data.get(k, "") if k in self.fields else previous.get(k, "")
            for k in keys
        }


class PartsForm(forms.Form):
    boards = forms.ModelMultipleChoiceField(
        label=_("Berörda nämnder"), queryset=Board.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Förvaltningar som medverkar och skriver under"),
        queryset=Department.objects.none(),
        required=False,
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Externa parter"), queryset=ExternalParty.objects.none(), required=False
    )
    start_date = forms.DateField(
        label=_("Startdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Slutdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _org_choices(self, organisation)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bilaga"))
    file = forms.FileField(label=_("Fil"))

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [*kinds, ("other", _("Övrig bilaga"))]


class AttachmentReplaceForm(forms.Form):
    file = forms.FileField(label=_("Ny version"))


MET_CHOICES = [("", _("Ej bedömt")), ("yes", _("Uppfyllt")), ("no", _("Inte uppfyllt"))]


class CriteriaForm(forms.Form):
    """One field (ticked or scored) and one comment per criterion of a list."""

    def __init__(
        self,
        *args: Any,
        criteria: CriteriaList,
        list_name: str,
        initial_verdicts: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.list_name = list_name
        initial_verdicts = initial_verdicts or {}
        for item in criteria.items:
            previous = initial_verdicts.get(item.id)
            if criteria.use == "score" and criteria.scale is not None:
                scale = criteria.scale
                choices = [("", _("Ej bedömt"))] + [
                    (str(n), f"{n} {scale.labels_sv.get(str(n), '')}".strip())
                    for n in range(scale.min, scale.max + 1)
                ]
                self.fields[f"c_{item.id}"] = forms.ChoiceField(
                    label=item.text_sv,
                    choices=choices,
                    required=False,
                    initial=str(previous.score) if previous and previous.score is not None else "",
                )
            else:
                initial = ""
                if previous and previous.met is not None:
                    initial = "yes" if previous.met else "no"
                self.fields[f"c_{item.id}"] = forms.ChoiceField(
                    label=item.text_sv, choices=MET_CHOICES, required=False, initial=initial
                )
            self.fields[f"k_{item.id}"] = forms.CharField(
                label=_("Kommentar: %(criterion)s") % {"criterion": item.text_sv[:60]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=previous.comment if previous else "",
            )

    def verdicts(self) -> dict[str, dict[str, Any]]:
        out = {}
        for item in self.criteria.items:
            value = self.cleaned_data.get(f"c_{item.id}", "")
            comment = self.cleaned_data.get(f"k_{item.id}", "")
            if value == "" and not comment:
                continue
            if self.criteria.use == "score":
                out[item.id] = {
                    "score": int(value) if value else None,
                    "met": None,
                    "comment": comment,
                }
            else:
                out[item.id] = {
                    "met": {"yes": True, "no": False}.get(value),
                    "score": None,
                    "comment": comment,
                }
        return out


class AdvanceForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar eller ställningstagande"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, confirmable: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.confirmable = confirmable or []
        for code in self.confirmable:
            self.fields[f"confirm_{code}"] = forms.BooleanField(
                label=guard_text(code), required=False
            )

    def confirmations(self) -> list[str]:
        return [c for c in self.confirmable if self.cleaned_data.get(f"confirm_{c}")]


class RejectForm(forms.Form):
    reasons = forms.CharField(label=_("Skäl för avslag"), widget=forms.Textarea(attrs={"rows": 3}))


class BoardCommentForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Nämnd"), queryset=Board.objects.none())
    backs = forms.TypedChoiceField(
        label=_("Nämndens ställningstagande"),
        choices=[("yes", _("Ställer sig bakom")), ("no", _("Ställer sig inte bakom"))],
        coerce=lambda v: v == "yes",
    )
    comment = forms.CharField(label=_("Yttrande"), widget=forms.Textarea(attrs=TEXTAREA))
    document = forms.FileField(
        label=_("Nämndens handling"),
        required=False,
        help_text=_(
            "Protokollsutdrag eller skrivelse från nämnden. Krävs när processledaren "
            "registrerar yttrandet för nämndens räkning."
        ),
    )

    def __init__(self, *args: Any, boards: Any, document: str = "", **kwargs: Any) -> None:
        """``document``: "required" (only on the board's behalf), "optional" (own boards
        and others'), or "" (a secretary for their own board)."""
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["board"]).queryset = boards
        if document:
            self.fields["document"].required = document == "required"
        else:
            del self.fields["document"]


class PartnerSignatureForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Part"), queryset=ExternalParty.objects.none())
    signer_name = forms.CharField(label=_("Namn på chefen som skrev under"), max_length=200)

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["party"]).queryset = parties


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=Case.Outcome.choices)
    amount = NumberField(
        label=_("Beviljat belopp (kr)"), required=False, max_digits=14, decimal_places=2
    )
    decided_on = forms.DateField(
        label=_("Beslutsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    diarienummer = forms.CharField(label=_("Diarienummer"), max_length=50)
    # The project's period: reports, claims and the move to implementation follow it.
    start_date = forms.DateField(
        label=_("Projektets startdatum"),
        required=False,
        help_text=_("Krävs vid beviljande."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.DateField(
        label=_("Projektets slutdatum"),
        required=False,
        help_text=_("Krävs vid beviljande."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    minutes_reference = forms.CharField(label=_("Protokollsparagraf"), max_length=100)
    conditions = forms.CharField(
        label=_("Villkor"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reasons = forms.CharField(
        label=_("Skäl för avslag"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    override_reason = forms.CharField(
        label=_("Motivering för avsteg från fondens fria kapital eller årstaket"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fylls bara i när beviljandet går utöver fondens fria kapital eller taket."),
    )
    # Made when the form is shown: the same form sent twice records one decision.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ExemptionForm(forms.Form):
    rule = forms.ChoiceField(label=_("Regel"))
    reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, rules: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule"]).choices = rules


class FilterForm(forms.Form):
    board = forms.ModelChoiceField(
        label=_("Nämnd"), queryset=Board.objects.none(), required=False, empty_label=_("Alla")
    )
    year = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Skede"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, stages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["board"]).queryset = Board.objects.filter(
            organisation=organisation
        )
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Alla")), *stages]


def person_label(user: Any) -> str:
    return str(user.get_full_name() or user.username)


class CasePeopleForm(forms.Form):
    """The case's people beside its applicants, chosen among the organisation's people."""

    project_owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Projektägare"), queryset=None, required=False, empty_label=_("Ingen")
    )
    project_leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Projektledare"), queryset=None, required=False, empty_label=_("Ingen")
    )
    steering_members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Projektets styrgrupp"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("project_owner", "project_leader", "steering_members"):
            field = cast("forms.ModelChoiceField[Any]", self.fields[name])
            field.queryset = people
            # Set on the instance (no self): the stubs know label_from_instance only as a method.
            field.label_from_instance = person_label  # type: ignore[method-assign,assignment]
