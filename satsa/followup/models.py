"""Follow-up and evaluation of a granted case (DOMAIN.md §3 steps 5–8, §8).

The evaluation schema (a logic model: goal → sub-goals → activities → measures), the
values measured for the target and comparison groups, pseudonymised individual-level
measurements and instrument results, the periodic and final reports, the effect
evaluation, and the decisions that close the life cycle (termination, implementation).

Individual-level rows hold a keyed pseudonym only (see ``pseudonyms.py``); nothing in
these tables can be matched back to a person without the key kept outside the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satsa.orgs.models import Organisation


class Group(models.TextChoices):
    # The values are those of satsa.evaluation (treatment/control).
    TREATMENT = "treatment", _("Målgrupp")
    CONTROL = "control", _("Jämförelsegrupp")


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Basmätning")
    FOLLOW_UP = "follow_up", _("Uppföljning")


class EvaluationSchema(models.Model):
    """The case's utvärderingsschema, drawn up with the evaluation team at application."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="evaluation_schema"
    )
    overall_goal = models.TextField(_("övergripande mål"), blank=True)
    target_group = models.TextField(_("målgrupp"), blank=True)
    comparison_group = models.TextField(
        _("jämförelsegrupp"),
        blank=True,
        help_text=_("Kontroll- eller jämförelsegrupp, där det är möjligt."),
    )
    no_comparison_reason = models.TextField(_("skäl till att jämförelsegrupp saknas"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("utvärderingsschema")
        verbose_name_plural = _("utvärderingsscheman")

    def __str__(self) -> str:
        return str(_("Utvärderingsschema för %(case)s") % {"case": self.case})


class SubGoal(models.Model):
    schema = models.ForeignKey(EvaluationSchema, on_delete=models.CASCADE, related_name="subgoals")
    text = models.TextField(_("delmål"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")

    def __str__(self) -> str:
        return self.text[:80]


class Activity(models.Model):
    subgoal = models.ForeignKey(SubGoal, on_delete=models.CASCADE, related_name="activities")
    text = models.TextField(_("aktivitet"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")

    def __str__(self) -> str:
        return self.text[:80]


class MeasureKind(models.TextChoices):
    ACTIVITY = "activity", _("Aktivitetsmått")
    SHORT_TERM = "short_term", _("Kortsiktigt effektmått")
    LONG_TERM = "long_term", _("Långsiktigt effektmått")
    OUTCOME = "outcome", _("Utfallsmått")
    ECONOMIC = "economic", _("Ekonomiskt mått")


# Effect and outcome measures describe the people of the target group: their values need
# the head-count they rest on before they may be shown (small-group suppression).
ABOUT_PEOPLE = frozenset({MeasureKind.SHORT_TERM, MeasureKind.LONG_TERM, MeasureKind.OUTCOME})


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Varje månad")
    QUARTERLY = "quarterly", _("Varje kvartal")
    REPORTING = "reporting", _("Vid varje rapport")
    YEARLY = "yearly", _("Varje år")
    AT_END = "at_end", _("Vid projektets slut")


class Measure(models.Model):
    """One measure of the schema, with its baseline (basmätning) and target."""

    schema = models.ForeignKey(EvaluationSchema, on_delete=models.CASCADE, related_name="measures")
    subgoal = models.ForeignKey(
        SubGoal,
        verbose_name=_("delmål"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("aktivitet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    kind = models.CharField(_("typ av mått"), max_length=20, choices=MeasureKind.choices)
    name = models.CharField(_("namn"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=100)
    baseline_value = models.DecimalField(
        _("basvärde"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("datum för basmätning"), null=True, blank=True)
    comparison_baseline_value = models.DecimalField(
        _("jämförelsegruppens basvärde"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("målvärde"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("källa"), max_length=300, blank=True)
    frequency = models.CharField(
        _("frekvens"), max_length=20, choices=Frequency.choices, default=Frequency.REPORTING
    )
    responsible = models.CharField(_("ansvarig"), max_length=200, blank=True)
    # Economic measures verify one effect line of the case's calculation (ECONOMICS.md §5
    # "effects"): its index there, and its name to notice when the calculation changes.
    effect_line_index = models.PositiveSmallIntegerField(
        _("kalkylens effektrad"), null=True, blank=True
    )
    effect_line_name = models.CharField(_("effektradens namn"), max_length=300, blank=True)
    # Planning: the groups the evaluation will rest on and, for a mean, its spread, so the
    # schema can show the power to detect the expected effect (target − baseline).
    planned_n = models.PositiveIntegerField(_("planerat antal i målgruppen"), null=True, blank=True)
    planned_comparison_n = models.PositiveIntegerField(
        _("planerat antal i jämförelsegruppen"), null=True, blank=True
    )
    expected_sd = models.DecimalField(
        _("förväntad standardavvikelse"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("mått")
        verbose_name_plural = _("mått")

    def __str__(self) -> str:
        return self.name

    @property
    def about_people(self) -> bool:
        return self.kind in ABOUT_PEOPLE


class MeasureValue(models.Model):
    """An aggregate value of a measure for one period and group, entered or imported.

    ``n`` is the number of people the value rests on, when it rests on people; a value
    resting on fewer than five is stored but never shown.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    group = models.CharField(_("grupp"), max_length=20, choices=Group.choices)
    period_label = models.CharField(_("period"), max_length=100)
    measured_on = models.DateField(_("mätdatum"))
    value = models.DecimalField(_("värde"), max_digits=16, decimal_places=4)
    n = models.PositiveIntegerField(_("antal personer"), null=True, blank=True)
    # For a mean: its standard deviation, which gives the effect evaluation an interval.
    sd = models.DecimalField(
        _("standardavvikelse"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "group", "id"]
        verbose_name = _("mätvärde")
        verbose_name_plural = _("mätvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "group", "measured_on"], name="followup_value_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.group} {self.measured_on}"


class ImportBatch(models.Model):
    """One import of individual-level data: who, when, how many rows (never the file)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    instrument = models.CharField(max_length=20, blank=True)
    rows = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"


class PersonValue(models.Model):
    """One person's value of a measure at one occasion, under a pseudonym."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="person_values")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+")
    # HMAC-SHA256 of the identifier with a key outside the database (pseudonyms.py).
    pseudonym = models.CharField(max_length=64)
    group = models.CharField(max_length=20, choices=Group.choices)
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    value = models.FloatField()

    class Meta:
        verbose_name = _("individvärde")
        verbose_name_plural = _("individvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "pseudonym", "occasion"], name="followup_person_value_unique"
            ),
        ]

    def __str__(self) -> str:
        # Never the pseudonym: a row on its own says nothing about a person.
        return f"{self.measure} {self.group} {self.occasion}"


class Instrument(models.TextChoices):
    SOC13 = "soc13", _("KASAM (SOC-13)")
    SDQ = "sdq", _("SDQ (skalpoäng)")


class InstrumentResult(models.Model):
    """A standard instrument's result for one person (pseudonym) at one occasion."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    pseudonym = models.CharField(max_length=64)
    group = models.CharField(max_length=20, choices=Group.choices)
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    # SOC-13: the 13 item answers (None where unanswered); SDQ: the imported scale scores.
    answers = models.JSONField(default=dict)
    # Scores: SOC-13 total and subscales; SDQ the validated scales. None where incomplete.
    scores = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("instrumentresultat")
        verbose_name_plural = _("instrumentresultat")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "instrument", "pseudonym", "occasion"],
                name="followup_instrument_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.group} {self.occasion}"


class ReportKind(models.TextChoices):
    PERIODIC = "periodic", _("Lägesrapport")
    FINAL = "final", _("Slutrapport")
    FOLLOW_UP = "follow_up", _("Uppföljande utvärdering")


class ReportStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Ska lämnas")
    SUBMITTED = "submitted", _("Inlämnad")
    RETURNED = "returned", _("Återsänd för komplettering")
    APPROVED = "approved", _("Godkänd")


class Report(models.Model):
    """A report on the rulebook's schedule, the final report or the follow-up evaluation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="followup_reports"
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ReportKind.choices)
    period_code = models.CharField(max_length=40, blank=True)
    period_name = models.CharField(_("period"), max_length=100)
    period_end = models.DateField(_("periodens slut"))
    due_date = models.DateField(_("ska lämnas senast"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SCHEDULED
    )
    activities = models.TextField(_("genomförda aktiviteter"), blank=True)
    ways_of_working = models.TextField(_("arbetssätt"), blank=True)
    effects = models.TextField(_("uppnådda effekter"), blank=True)
    deviations = models.TextField(_("avvikelser"), blank=True)
    spent_to_date = models.DecimalField(
        _("förbrukat hittills (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    claim_amount = models.DecimalField(
        _("begärd utbetalning för perioden (kr)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # The period's whole cost, the applicants' co-financing included, where the rulebook
    # asks for co-financing (Region Gävleborg): the ledger checks the claim against it.
    costs_incurred = models.DecimalField(
        _("periodens totala kostnader"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # The ledger's claim this report carried (satsa.funds), once handed over.
    claim_reference = models.CharField(max_length=64, blank=True)
    # What the report said about the measures when submitted (suppressed aggregates).
    measures_snapshot = models.JSONField(default=list, blank=True)
    return_reason = models.TextField(_("skäl till återsändning"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The status of each planned activity of the evaluation schema at the period's end:
    # {activity id: {"status": PlanStatus, "comment": text}}, and how the implementation
    # plan of the application is going.
    plan_status = models.JSONField(_("läget för planerade aktiviteter"), default=dict, blank=True)
    plan_progress = models.TextField(_("läget i implementeringsplanen"), blank=True)
    # Saved as a draft (not yet submitted) by the writer.
    draft_saved_at = models.DateTimeField(_("utkast sparat"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "period_end"], name="followup_report_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(claim_amount__isnull=True) | models.Q(claim_amount__gte=0),
                name="followup_report_claim_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_name} – {self.case}"


class PlanStatus(models.TextChoices):
    DONE = "done", _("Genomförd")
    ONGOING = "ongoing", _("Pågår enligt plan")
    DELAYED = "delayed", _("Försenad")
    CHANGED = "changed", _("Ändrad")
    NOT_STARTED = "not_started", _("Inte påbörjad")


def _report_attachment_path(instance: ReportAttachment, filename: str) -> str:
    report = instance.report
    return f"reports/{report.organisation_id}/{report.case_id}/{report.pk}/{filename}"


class ReportAttachment(models.Model):
    """A document attached to a report (an activity list, an account statement …)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fil"), upload_to=_report_attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("borttagen"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("rapportbilaga")
        verbose_name_plural = _("rapportbilagor")

    def __str__(self) -> str:
        return self.original_name


class EffectEvaluation(models.Model):
    """The effect evaluation recorded for a case, as shown (small groups suppressed)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # {"measures": [{"measure": id, "name": …, "report": EvaluationReport.as_dict()}],
    #  "instruments": [...]}: what satsa.evaluation computed, already suppressed.
    results = models.JSONField(default=dict)
    # [{"measure": id, "name", "actor", "unit_cost", "volume", "saving"}] as strings.
    economic_lines = models.JSONField(default=list)
    realised_savings = models.JSONField(default=dict)  # {board: "amount"}
    expected_savings = models.JSONField(default=dict)  # {board: "amount"}
    conclusion = models.TextField(_("slutsats"), blank=True)
    settlement_reference = models.CharField(max_length=64, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("effektutvärdering")
        verbose_name_plural = _("effektutvärderingar")

    def __str__(self) -> str:
        return str(_("Effektutvärdering för %(case)s") % {"case": self.case})


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Föreslagen")
    TERMINATED = "terminated", _("Beslutad: avbryts")
    CONTINUED = "continued", _("Beslutad: fortsätter")


class TerminationProposal(models.Model):
    """The project owner's proposal to end a case early, and the executive board's decision."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reasons = models.TextField(_("skäl"))
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    # The rulebook's conditions for reaching the intended result, assessed by the proposer:
    # {criterion id: {"met": bool, "comment": str}} (criteria.continuation).
    assessment = models.JSONField(_("bedömning av förutsättningarna"), default=dict, blank=True)
    # The project owner takes a position before the executive board decides.
    owner_supports = models.BooleanField(
        _("projektägaren tillstyrker avbrytande"), null=True, blank=True
    )
    owner_comment = models.TextField(_("projektägarens ställningstagande"), blank=True)
    owner_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(_("beslutsmotivering"), blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("förslag om avbrytande")
        verbose_name_plural = _("förslag om avbrytande")

    def __str__(self) -> str:
        return str(_("Förslag om avbrytande av %(case)s") % {"case": self.case})


class ImplementationOutcome(models.TextChoices):
    WHOLE = "whole", _("Hela satsningen införs i ordinarie verksamhet")
    PARTS = "parts", _("Delar av satsningen införs i ordinarie verksamhet")
    NONE = "none", _("Satsningen införs inte")


class ImplementationDecision(models.Model):
    """The executive board's implementation and scale-up decision (DOMAIN.md §3 step 8)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="implementation_decision"
    )
    outcome = models.CharField(_("beslut"), max_length=10, choices=ImplementationOutcome.choices)
    parts = models.TextField(_("delar som går in i ordinarie verksamhet"), blank=True)
    replaces = models.TextField(_("ordinarie arbete som ersätts"), blank=True)
    scale_up_groups = models.TextField(_("grupper eller områden för uppskalning"), blank=True)
    reasons = models.TextField(_("motivering"))
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("implementeringsbeslut")
        verbose_name_plural = _("implementeringsbeslut")

    def __str__(self) -> str:
        return str(_("Implementeringsbeslut för %(case)s") % {"case": self.case})


class FidelityRating(models.IntegerChoices):
    FOLLOWED = 2, _("Följs")
    PARTLY = 1, _("Följs delvis")
    NOT_FOLLOWED = 0, _("Följs inte")


class FidelityCheck(models.Model):
    """A check of fidelity to the evidence-based method a case builds on (Uppsala checks
    it every year): each core component of the method rated as followed, partly followed
    or not followed. Never edited; the next check shows what changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="fidelity_checks")
    method = models.CharField(_("metod"), max_length=300)
    checked_on = models.DateField(_("bedömd"))
    # [{"component": str, "rating": 0 | 1 | 2, "comment": str}, …] in the order given
    components = models.JSONField(_("komponenter"), default=list)
    note = models.TextField(_("sammanfattning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("bedömning av metodtrohet")
        verbose_name_plural = _("bedömningar av metodtrohet")

    def __str__(self) -> str:
        return f"{self.case}: {self.method} {self.checked_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("fidelity checks are never edited; record a new check")
        super().save(*args, **kwargs)

    @property
    def score(self) -> float:
        """The share of the method followed: 1 when every component is followed."""
        ratings = [int(c["rating"]) for c in self.components]
        return sum(ratings) / (2 * len(ratings)) if ratings else 0.0

    @property
    def percent(self) -> int:
        return round(self.score * 100)
