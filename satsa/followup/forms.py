"""Forms of follow-up and evaluation: they parse input; the services validate the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satsa.core.fields import NumberField, WholeNumberField
from satsa.followup.models import (
    FidelityRating,
    Frequency,
    Group,
    ImplementationOutcome,
    Instrument,
    MeasureKind,
    PlanStatus,
    SubGoal,
)

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SchemaForm(forms.Form):
    overall_goal = forms.CharField(label=_("Övergripande mål"), widget=TEXT)
    target_group = forms.CharField(label=_("Målgrupp"), widget=TEXT)
    comparison_group = forms.CharField(
        label=_("Jämförelsegrupp"),
        widget=TEXT,
        required=False,
        help_text=_("Kontroll- eller jämförelsegrupp, där det är möjligt."),
    )
    no_comparison_reason = forms.CharField(
        label=_("Skäl till att jämförelsegrupp saknas"), widget=TEXT, required=False
    )


class SubGoalForm(forms.Form):
    text = forms.CharField(label=_("Nytt delmål"), widget=TEXT)


class ActivityForm(forms.Form):
    subgoal = forms.ModelChoiceField(label=_("Delmål"), queryset=SubGoal.objects.none())
    text = forms.CharField(label=_("Ny aktivitet"), widget=TEXT)

    def __init__(self, *args: Any, schema: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if schema is not None:
            subgoal = cast("forms.ModelChoiceField[Any]", self.fields["subgoal"])
            subgoal.queryset = schema.subgoals.all()


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av mått"), choices=MeasureKind.choices)
    name = forms.CharField(label=_("Namn"), max_length=300)
    unit = forms.CharField(label=_("Enhet"), max_length=100)
    subgoal = forms.ModelChoiceField(
        label=_("Delmål"), queryset=SubGoal.objects.none(), required=False
    )
    baseline_value = NumberField(
        label=_("Basvärde"), required=False, max_digits=16, decimal_places=4
    )
    baseline_date = forms.DateField(label=_("Datum för basmätning"), required=False, widget=DATE)
    comparison_baseline_value = NumberField(
        label=_("Jämförelsegruppens basvärde"), required=False, max_digits=16, decimal_places=4
    )
    target_value = NumberField(label=_("Målvärde"), required=False, max_digits=16, decimal_places=4)
    source = forms.CharField(label=_("Källa"), max_length=300, required=False)
    frequency = forms.ChoiceField(
        label=_("Frekvens"), choices=Frequency.choices, initial=Frequency.REPORTING
    )
    responsible = forms.CharField(label=_("Ansvarig"), max_length=200, required=False)
    planned_n = WholeNumberField(
        label=_("Planerat antal i målgruppen"),
        min_value=1,
        required=False,
        help_text=_("För styrkeberäkningen: hur många personer utvärderingen väntas bygga på."),
    )
    planned_comparison_n = WholeNumberField(
        label=_("Planerat antal i jämförelsegruppen"), min_value=1, required=False
    )
    expected_sd = NumberField(
        label=_("Förväntad standardavvikelse (för medelvärden)"),
        required=False,
        max_digits=16,
        decimal_places=4,
    )
    effect_line_index = forms.TypedChoiceField(
        label=_("Effektrad i kalkylen (för ekonomiska mått)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—")],
    )

    def __init__(self, *args: Any, schema: Any = None, lines: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if schema is not None:
            subgoal = cast("forms.ModelChoiceField[Any]", self.fields["subgoal"])
            subgoal.queryset = schema.subgoals.all()
        cast(forms.ChoiceField, self.fields["effect_line_index"]).choices = [("", "—")] + [
            (i, f"{line.get('name', '')} ({line.get('actor', '')})") for i, line in enumerate(lines)
        ]


class ValueForm(forms.Form):
    group = forms.ChoiceField(label=_("Grupp"), choices=Group.choices)
    period_label = forms.CharField(label=_("Period"), max_length=100)
    measured_on = forms.DateField(label=_("Mätdatum"), widget=DATE)
    value = NumberField(label=_("Värde"), max_digits=16, decimal_places=4)
    n = WholeNumberField(
        label=_("Antal personer värdet bygger på"),
        required=False,
        min_value=0,
        help_text=_("Värden som bygger på färre än 5 personer sparas men visas aldrig."),
    )
    sd = NumberField(
        label=_("Standardavvikelse (för ett medelvärde)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=_("Med standardavvikelsen får effektutvärderingen ett konfidensintervall."),
    )

    def __init__(self, *args: Any, about_people: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A value about people without its head-count could never be shown.
        self.fields["n"].required = about_people


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_(
            "Kolumnerna person, group (treatment/control), period (baseline/follow_up) och value. "
            "Personnummer pseudonymiseras vid importen och sparas aldrig."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är större än 10 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Ladda upp en CSV- eller XLSX-fil."))
        return upload


class InstrumentUploadForm(UploadForm):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)

    field_order = ["instrument", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Kolumnerna person, group, period och för KASAM q1–q13 (svaren 1–7 som de kryssats), "
            "för SDQ skalpoängen (emotional_symptoms, conduct_problems, hyperactivity_inattention, "
            "peer_problems, prosocial, total_difficulties). Personnummer pseudonymiseras vid importen."
        )


class ReportForm(forms.Form):
    """The report; the service decides what must be filled in before it is submitted (a
    draft may be saved half-written). With ``plan``, one status and comment per planned
    activity and a field on the implementation plan."""

    activities = forms.CharField(label=_("Genomförda aktiviteter"), widget=TEXT, required=False)
    ways_of_working = forms.CharField(label=_("Arbetssätt"), widget=TEXT, required=False)
    effects = forms.CharField(label=_("Uppnådda effekter"), widget=TEXT, required=False)
    deviations = forms.CharField(label=_("Avvikelser från planen"), widget=TEXT, required=False)
    spent_to_date = NumberField(
        label=_("Förbrukat hittills (kr)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    claim_amount = NumberField(
        label=_("Begärd utbetalning för perioden (kr)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Kostnader som faktiskt uppstått under perioden; utbetalas i efterskott."),
    )

    def __init__(self, *args: Any, plan: Any = None, co_financing: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if co_financing:
            # The rulebook's co-financing (Region Gävleborg): the claim states the period's
            # whole cost, as a claim made in the fund does.
            self.fields["costs_incurred"] = NumberField(
                label=_("Periodens totala kostnader, medfinansieringen inräknad (kr)"),
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=0,
                help_text=_(
                    "Sökande ska medfinansiera minst %(percent)s av kostnaden; fonden betalar "
                    "högst resten."
                )
                % {"percent": co_financing},
            )
            self.order_fields([*(f for f in self.fields if f != "claim_amount"), "claim_amount"])
        if plan is None:
            return
        statuses = self.initial.get("plan_status") or {}
        for activity in plan.activities:
            key = str(activity.id)
            given = statuses.get(key) or {}
            self.fields[f"plan_{key}"] = forms.ChoiceField(
                label=_("Läge: %(activity)s") % {"activity": activity.text},
                choices=[("", _("Välj läge")), *PlanStatus.choices],
                required=False,
                initial=given.get("status", ""),
            )
            self.fields[f"plan_{key}_comment"] = forms.CharField(
                label=_("Kommentar: %(activity)s") % {"activity": activity.text},
                required=False,
                initial=given.get("comment", ""),
            )
        if plan.implementation:
            self.fields["plan_progress"] = forms.CharField(
                label=_("Hur följs implementeringsplanen?"),
                widget=TEXT,
                required=False,
                help_text=_("Jämför med ansökans plan för implementering (visas ovan)."),
            )

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the report services take them."""
        data = dict(self.cleaned_data)
        plan_status = {}
        if self.plan is not None:
            for activity in self.plan.activities:
                key = str(activity.id)
                plan_status[key] = {
                    "status": data.pop(f"plan_{key}", "") or "",
                    "comment": data.pop(f"plan_{key}_comment", "") or "",
                }
        data["plan_status"] = plan_status
        data["plan_progress"] = data.pop("plan_progress", "") or ""
        return data


class ReportAttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bilaga till rapporten"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Vad behöver kompletteras?"), widget=TEXT)


class EvaluationForm(forms.Form):
    conclusion = forms.CharField(label=_("Slutsats"), widget=TEXT, required=False)

    def __init__(self, *args: Any, economic: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for measure, derived in economic:
            self.fields[f"volume_{measure.pk}"] = NumberField(
                label=_("Realiserad volym för ”%(name)s” (undvikna %(unit)s)")
                % {"name": measure.name, "unit": measure.unit},
                required=False,
                max_digits=16,
                decimal_places=4,
                initial=derived,
                help_text=_(
                    "Förifylld: basvärde minus senaste värde, netto jämförelsegruppens förändring."
                ),
            )

    def volumes(self) -> dict[int, Any]:
        return {
            int(name.removeprefix("volume_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("volume_") and value is not None
        }


class TerminationProposalForm(forms.Form):
    """The proposal: each of the rulebook's conditions assessed, and the reasons."""

    reasons = forms.CharField(label=_("Skäl till att satsningen bör avbrytas"), widget=TEXT)

    def __init__(
        self, *args: Any, conditions: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.conditions = list(conditions)
        for cid, text in self.conditions:
            self.fields[f"met_{cid}"] = forms.ChoiceField(
                label=text,
                choices=[("", "—"), ("yes", _("Uppfylls")), ("no", _("Uppfylls inte längre"))],
            )
            self.fields[f"comment_{cid}"] = forms.CharField(
                label=_("Kommentar: %(condition)s") % {"condition": text},
                required=False,
                widget=forms.TextInput,
            )
        # The reasons last, after the conditions they sum up.
        self.order_fields([*(f for f in self.fields if f != "reasons"), "reasons"])

    def assessment(self) -> dict[str, dict[str, Any]]:
        return {
            cid: {
                "met": self.cleaned_data[f"met_{cid}"] == "yes",
                "comment": self.cleaned_data.get(f"comment_{cid}", ""),
            }
            for cid, _text in self.conditions
        }


class TerminationPositionForm(forms.Form):
    """The project owner's position on a proposal to terminate."""

    supports = forms.TypedChoiceField(
        label=_("Projektägarens ställningstagande"),
        choices=[("1", _("Tillstyrker att satsningen avbryts")), ("0", _("Avstyrker"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(label=_("Motivering"), widget=TEXT)


class TerminationDecisionForm(forms.Form):
    terminate = forms.TypedChoiceField(
        label=_("Beslut"),
        choices=[("1", _("Satsningen avbryts")), ("0", _("Satsningen fortsätter"))],
        coerce=lambda v: v == "1",
    )
    reasons = forms.CharField(label=_("Motivering"), widget=TEXT)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)


class ImplementationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=ImplementationOutcome.choices)
    parts = forms.CharField(
        label=_("Delar som går in i ordinarie verksamhet"), widget=TEXT, required=False
    )
    replaces = forms.CharField(label=_("Ordinarie arbete som ersätts"), widget=TEXT, required=False)
    scale_up_groups = forms.CharField(
        label=_("Målgrupper eller områden som passar för uppskalning"), widget=TEXT, required=False
    )
    reasons = forms.CharField(label=_("Motivering"), widget=TEXT)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)


class FidelityForm(forms.Form):
    method = forms.CharField(
        label=_("Metod"),
        max_length=300,
        help_text=_("Den evidensbaserade metod som satsningen bygger på, t.ex. ”Komet”."),
    )
    checked_on = forms.DateField(label=_("Bedömd"), widget=DATE)
    note = forms.CharField(label=_("Sammanfattning"), widget=TEXT, required=False)


class FidelityComponentForm(forms.Form):
    component = forms.CharField(label=_("Kärnkomponent"), max_length=300, required=False)
    rating = forms.TypedChoiceField(
        label=_("Följs den?"),
        choices=[("", "—"), *FidelityRating.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("Kommentar"), max_length=1000, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("component") or data.get("rating") is not None or data.get("comment"))


FidelityComponentFormSet = forms.formset_factory(FidelityComponentForm, extra=0)
