"""Cases: one social investment from its idea to its closing, and everything on the way.

A case walks its rulebook's decision chain (``Case.step`` holds the id of the chain's
stage it is at); ``Case.stage`` is the coarse phase shown on the pipeline board.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satsa.core.uploads import document_name
from satsa.orgs.models import Board, Department, ExternalParty, Organisation


class Stage(models.TextChoices):
    NEEDS = "needs", _("Behovsanalys")
    IDEA = "idea", _("Idéprövning")
    APPLICATION = "application", _("Ansökan")
    PREPARATION = "preparation", _("Beredning")
    DECIDED = "decided", _("Beviljad")
    REJECTED = "rejected", _("Avslagen")
    RUNNING = "running", _("Genomförande")
    TERMINATED = "terminated", _("Avbruten")
    CLOSED = "closed", _("Avslutad")
    IMPLEMENTED = "implemented", _("Implementerad")


class NeedsAnalysis(models.Model):
    """A behovsanalys: statistics and operational data that show a target group's need."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="needs_analyses"
    )
    title = models.CharField(_("rubrik"), max_length=300)
    target_group = models.TextField(_("målgrupp"))
    statistics = models.TextField(_("statistik som visar behovet"), blank=True)
    operational_data = models.TextField(_("verksamhetsdata"), blank=True)
    boards = models.ManyToManyField(Board, verbose_name=_("berörda nämnder"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("behovsanalys")
        verbose_name_plural = _("behovsanalyser")

    def __str__(self) -> str:
        return self.title


class CaseQuerySet(models.QuerySet["Case"]):
    """Cases by the life cycle's named stage groups (satsa.cases.lifecycle)."""

    def granted(self) -> CaseQuerySet:
        return self.filter(granted_amount__isnull=False)

    def active(self) -> CaseQuerySet:
        from satsa.cases.lifecycle import ACTIVE

        return self.filter(stage__in=ACTIVE)

    def followed(self) -> CaseQuerySet:
        from satsa.cases.lifecycle import FOLLOWED

        return self.filter(stage__in=FOLLOWED)

    def unfinished(self) -> CaseQuerySet:
        from satsa.cases.lifecycle import FINISHED

        return self.exclude(stage__in=FINISHED)


class Case(models.Model):
    """A proposed or granted social investment (satsning) of one organisation."""

    class IdeaOutcome(models.TextChoices):
        GO = "go", _("Får gå vidare till ansökan")
        NO = "no", _("Går inte vidare")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("namn"), max_length=300)
    # The rulebook version the case is pinned to (e.g. "orebro-2020"), see satsa.rulebooks.
    rulebook_key = models.CharField(_("regelbok"), max_length=100)
    stage = models.CharField(_("skede"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    target_group = models.TextField(_("målgrupp"), blank=True)
    boards = models.ManyToManyField(Board, verbose_name=_("berörda nämnder"), blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("förvaltningar"), blank=True)
    parties = models.ManyToManyField(ExternalParty, verbose_name=_("externa parter"), blank=True)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    granted_amount = models.DecimalField(
        _("beviljat belopp"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    # Registry number of the executive board's decision; unique within the organisation.
    # NULL (not "") until decided, so that the unique constraint ignores undecided cases.
    diarienummer = models.CharField(  # noqa: DJ001
        _("diarienummer"), max_length=50, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # --- added with 0002 ------------------------------------------------------------
    needs_analysis = models.ForeignKey(
        NeedsAnalysis,
        verbose_name=_("behovsanalys"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    co_applicants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("medsökande"),
        blank=True,
        related_name="co_applied_cases",
    )
    # The id of the rulebook decision-chain stage the case is at ("" before the idea is
    # submitted and after the decision).
    step = models.CharField(_("steg"), max_length=60, blank=True)
    step_started_at = models.DateTimeField(_("steget påbörjat"), null=True, blank=True)
    step_due_on = models.DateField(_("ska vara klart"), null=True, blank=True)
    # Guards that a person confirmed when moving the case on (e.g. "first_meeting_held").
    confirmed_guards = models.JSONField(_("bekräftade villkor"), default=list, blank=True)
    # The idea description: rulebook section id -> text.
    idea = models.JSONField(_("idébeskrivning"), default=dict, blank=True)
    idea_submitted_at = models.DateTimeField(_("idén inlämnad"), null=True, blank=True)
    idea_answered_at = models.DateTimeField(_("idén besvarad"), null=True, blank=True)
    idea_outcome = models.CharField(
        _("idéprövningens utfall"), max_length=10, choices=IdeaOutcome.choices, blank=True
    )
    # Steering group priority (1 = first) and whether the case fits the money and the cap.
    priority_rank = models.PositiveIntegerField(_("prioritet"), null=True, blank=True)
    priority_score = models.DecimalField(
        _("poäng"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    priority_fits = models.BooleanField(_("ryms inom fonden och taket"), null=True, blank=True)
    prioritised_at = models.DateTimeField(_("prioriterad"), null=True, blank=True)
    # Set when the steering group put the order by hand instead of by the criteria.
    priority_reason = models.TextField(_("skäl för prioriteringsordningen"), blank=True)
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome.choices, blank=True)
    decision_conditions = models.TextField(_("villkor"), blank=True)
    minutes_reference = models.CharField(_("protokollsparagraf"), max_length=100, blank=True)
    rejection_reasons = models.TextField(_("skäl för avslag"), blank=True)
    # Why a grant over the free capital or past the yearly cap was made anyway.
    override_reason = models.TextField(_("motivering för avsteg"), blank=True)
    # The key of the decision form that recorded the decision: the same form sent again
    # changes nothing (satsa.decisions).
    decision_key = models.CharField(_("beslutsnyckel"), max_length=64, blank=True)

    # The case's people beside its applicants (see satsa.cases.access): the project owner
    # in the line organisation, the project leader, and the project's own steering group.
    project_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("projektägare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    project_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("projektledare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    steering_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("projektets styrgrupp"),
        blank=True,
        related_name="steered_cases",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "diarienummer"], name="case_unique_diarienummer"
            ),
            models.CheckConstraint(
                condition=models.Q(granted_amount__isnull=True) | models.Q(granted_amount__gte=0),
                name="case_granted_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_group_text(self) -> str:
        """The target group wherever it was written (see cases.selectors.target_group_of)."""
        from satsa.cases.selectors import target_group_of

        return target_group_of(self)

    @property
    def period_text(self) -> str:
        """The period as shown (see cases.selectors.period_of)."""
        from satsa.cases.selectors import period_of

        return period_of(self)


class ApplicationVersion(models.Model):
    """One version of a case's application. The newest unsubmitted one is the draft;
    a submitted version is frozen and its ``content_hash`` is what signers sign."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # Section id -> text, and the key figures the eligibility check reads.
    sections = models.JSONField(_("avsnitt"), default=dict, blank=True)
    figures = models.JSONField(_("nyckeltal"), default=dict, blank=True)
    content_hash = models.CharField(_("innehållets kontrollsumma"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "-number"]
        verbose_name = _("ansökansversion")
        verbose_name_plural = _("ansökansversioner")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="application_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.organisation_id}/{instance.case_id}/{filename}"


class Attachment(models.Model):
    """A document attached to an application; ``kind`` is the rulebook attachment id."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("typ av bilaga"), max_length=60)
    title = models.CharField(_("rubrik"), max_length=300)
    file = models.FileField(_("fil"), upload_to=_attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The file's name as the person chose it; the storage may rename the stored file.
    original_name = models.CharField(_("filnamn"), max_length=255, blank=True)
    # A newer version replaces this one; the old row is kept as history.
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("ersatt av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    withdrawn_at = models.DateTimeField(_("återtagen"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.title

    @property
    def name(self) -> str:
        """The name shown and offered on download: never the storage path."""
        return self.original_name or document_name(self.file.name or "")

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None and self.withdrawn_at is None


class CriterionAssessment(models.Model):
    """A reviewer's verdict on one rulebook criterion: ticked yes/no or scored, with a comment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    # "idea", "basic", "selection", "assessment": the rulebook's criteria list.
    criteria_list = models.CharField(_("kriterielista"), max_length=20)
    criterion = models.CharField(_("kriterium"), max_length=60)
    met = models.BooleanField(_("uppfyllt"), null=True, blank=True)
    score = models.IntegerField(_("poäng"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criteria_list", "id"]
        verbose_name = _("kriteriebedömning")
        verbose_name_plural = _("kriteriebedömningar")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "criteria_list", "criterion"], name="assessment_unique_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.criteria_list}.{self.criterion}"


class StepRecord(models.Model):
    """What one person decided at one step of the chain: the case moved on or was stopped."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Tillstyrkt, gå vidare")
        REJECTED = "rejected", _("Avslag")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_records")
    step = models.CharField(_("steg"), max_length=60)
    outcome = models.CharField(_("ställningstagande"), max_length=10, choices=Outcome.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ställningstagande")
        verbose_name_plural = _("ställningstaganden")

    def __str__(self) -> str:
        return f"{self.case}: {self.step_name} {self.get_outcome_display()}"

    @property
    def step_name(self) -> str:
        """The step as the rulebook names it ("Idéprövning"), never its id."""
        from satsa.cases.selectors import step_name

        return step_name(self.case, self.step)


def _board_document_path(instance: BoardNotice, filename: str) -> str:
    return f"cases/{instance.case.organisation_id}/{instance.case_id}/boards/{filename}"


class BoardNotice(models.Model):
    """A board informed of an idea or an application, with its deadline and its comment."""

    class Phase(models.TextChoices):
        IDEA = "idea", _("Idé")
        APPLICATION = "application", _("Ansökan")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="board_notices")
    board = models.ForeignKey(Board, verbose_name=_("nämnd"), on_delete=models.PROTECT)
    phase = models.CharField(_("skede"), max_length=20, choices=Phase.choices)
    informed_at = models.DateTimeField(_("informerad"), auto_now_add=True)
    deadline = models.DateField(_("sista dag för synpunkter"))
    comment = models.TextField(_("yttrande"), blank=True)
    # Whether the board backs the case; None until it has commented.
    backs = models.BooleanField(_("ställer sig bakom"), null=True, blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commented_at = models.DateTimeField(_("yttrande lämnat"), null=True, blank=True)
    # The coordinator may register a board's comment on its behalf, from the board's own
    # document (its minutes or letter), which is kept with the comment.
    on_behalf = models.BooleanField(_("registrerat för nämndens räkning"), default=False)
    document = models.FileField(_("nämndens handling"), upload_to=_board_document_path, blank=True)

    class Meta:
        ordering = ["phase", "board__name"]
        verbose_name = _("information till nämnd")
        verbose_name_plural = _("information till nämnder")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "board", "phase"], name="board_notice_unique_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.board}"


class Signature(models.Model):
    """A department head's or partner manager's signature of one submitted version.

    ``content_hash`` is the hash of the version signed; once the application changes,
    the signature no longer counts and is marked void.
    """

    class Capacity(models.TextChoices):
        DEPARTMENT_HEAD = "department_head", _("Förvaltningschef")
        PARTNER_MANAGER = "partner_manager", _("Chef hos medverkande part")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(ApplicationVersion, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    capacity = models.CharField(_("undertecknar som"), max_length=20, choices=Capacity.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("förvaltning"), null=True, blank=True, on_delete=models.PROTECT
    )
    party = models.ForeignKey(
        ExternalParty, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("namn på den som undertecknar"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("undertecknad"), auto_now_add=True)
    voided_at = models.DateTimeField(_("ogiltig sedan"), null=True, blank=True)
    void_reason = models.CharField(_("skäl"), max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(party__isnull=False),
                name="signature_names_department_or_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.case})"


class Exemption(models.Model):
    """The coordinator's recorded exemption from one failing eligibility rule."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exemptions")
    rule = models.CharField(_("regel"), max_length=60)
    reason = models.TextField(_("motivering"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_at"]
        verbose_name = _("undantag")
        verbose_name_plural = _("undantag")
        constraints = [
            models.UniqueConstraint(fields=["case", "rule"], name="exemption_unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.rule}"
