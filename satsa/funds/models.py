"""The fund's money: an append-only double-entry journal, payment claims, payment plans
and repayment plans.

Every change of the fund's position is a :class:`Transaction` whose :class:`Entry` legs
sum to zero (debit positive, credit negative, in öre). Posted transactions and entries are
never changed or removed: a correction is a counter-entry (``Transaction.reverses``). On
PostgreSQL the database itself refuses unbalanced transactions and UPDATE/DELETE of posted
rows (migration 0002); elsewhere the querysets and models below refuse them.

The chart of accounts is fixed and small; the account numbers follow the Swedish BAS
pattern so that the SIE export imports into a municipality's finance system, which maps
them to its own accounts (an assumption: a municipality may renumber them on import).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a posted journal row."""


class Account(models.TextChoices):
    """The fund's chart of accounts: number and Swedish name.

    Credit balances (negative sums) are the fund's capital: free, committed to cases,
    owed on approved claims, and the fee reserve. The treasury is the fund's net draw on
    the municipality's group bank account: paid out (credit) less repaid (debit).
    """

    TREASURY = "1930", _("Koncernkonto – fondens likvida medel")
    FRAME_REDUCTION = "1590", _("Återföring genom minskad budgetram (kommunbidrag)")
    EQUITY = "2090", _("Eget kapital – ej reserverat")
    FREE = "2091", _("Sociala investeringsfonden – fritt kapital")
    COMMITTED = "2092", _("Sociala investeringsfonden – beviljade åtaganden")
    FEE_RESERVE = "2093", _("Administrativa avgifter för uppföljning och utvärdering")
    PAYABLE = "2440", _("Godkända utbetalningsbegäranden, ej utbetalda")


class Kind(models.TextChoices):
    DEPOSIT = "deposit", _("Insättning")
    WITHDRAWAL = "withdrawal", _("Uttag")
    COMMITMENT = "commitment", _("Åtagande (beviljat)")
    RELEASE = "release", _("Frigjort åtagande")
    APPROVAL = "approval", _("Godkänd utbetalningsbegäran")
    PAYMENT = "payment", _("Utbetalning")
    REPAYMENT = "repayment", _("Återföring")
    REVERSAL = "reversal", _("Motbokning")


class JournalQuerySet(models.QuerySet[Any]):
    """Refuses bulk UPDATE and DELETE: the journal is append-only."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("the fund's journal is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the fund's journal is append-only")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the fund's journal is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the fund's journal is append-only")


class Transaction(AppendOnlyModel):
    """One verification (verifikation): a balanced set of entries booked on one date."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="fund_transactions"
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    booked_on = models.DateField(_("bokföringsdag"), db_index=True)
    # Decision reference (diarienummer, KF paragraph) or the claim's period.
    reference = models.CharField(_("referens"), max_length=200, blank=True)
    description = models.CharField(_("text"), max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("ärende"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_transactions",
    )
    claim = models.ForeignKey(
        "funds.Claim",
        verbose_name=_("utbetalningsbegäran"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    # A reversal points at what it reverses; one reversal per transaction at most.
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("motbokar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # A retried request carrying the same key books once (see services._replay).
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL keeps the unique index sparse
        max_length=64, null=True, blank=True
    )
    override_reason = models.TextField(_("motivering för avsteg"), blank=True)
    data = models.JSONField(_("uppgifter"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name = _("verifikation")
        verbose_name_plural = _("verifikationer")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="fund_tx_unique_idempotency_key"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reversal") | models.Q(reverses__isnull=False),
                name="fund_tx_reversal_names_original",
            ),
            # A grant decision commits money once: the database refuses a second
            # commitment for the same case, whatever raced to book it.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(kind="commitment"),
                name="fund_tx_one_commitment_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.get_kind_display()} {self.reference}".strip()


class Entry(AppendOnlyModel):
    """One leg of a transaction: a signed amount on one account (debit > 0 > credit)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(_("konto"), max_length=4, choices=Account.choices)
    amount = models.DecimalField(_("belopp"), max_digits=14, decimal_places=2)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    board = models.ForeignKey(
        "orgs.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["transaction_id", "id"]
        verbose_name = _("kontering")
        verbose_name_plural = _("konteringar")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="fund_entry_non_zero"),
        ]
        indexes = [models.Index(fields=["account", "case"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"


class Claim(models.Model):
    """A payment claim in arrears: the costs a case incurred up to one reporting point.

    The amount is never edited; a rejected claim keeps its row, and an approved claim
    that turns out wrong is reversed with a counter-entry and claimed again.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Inlämnad")
        APPROVED = "approved", _("Godkänd")
        PAID = "paid", _("Utbetald")
        REJECTED = "rejected", _("Avslagen")
        REVERSED = "reversed", _("Motbokad")

    # Not stored: the views set it for display (``selectors.claim_over_plan``).
    over_plan: Decimal | None

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="fund_claims"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="fund_claims")
    # The rulebook's reporting period (e.g. "delar2") and the date it ends.
    period_code = models.CharField(_("period"), max_length=40)
    period_end = models.DateField(_("periodens slut"))
    amount = models.DecimalField(_("belopp"), max_digits=14, decimal_places=2)
    description = models.TextField(_("kostnader som begärs"), blank=True)
    # The period's whole cost, the applicants' co-financed part included; where the
    # rulebook asks for co-financing the fund pays at most its share of it.
    costs_incurred = models.DecimalField(
        _("periodens totala kostnader"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The follow-up app links the period's report here later.
    report_reference = models.CharField(_("rapport"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.TextField(_("motivering"), blank=True)
    # Why the claim takes the payments past the approved payment plan (see PaymentPlan).
    plan_deviation_reason = models.TextField(
        _("motivering för avsteg från utbetalningsplanen"), blank=True
    )
    idempotency_key = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_end", "id"]
        verbose_name = _("utbetalningsbegäran")
        verbose_name_plural = _("utbetalningsbegäranden")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="fund_claim_unique_key"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_claim_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.period_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= {"status", "status_reason"}:
                raise AppendOnlyError("a claim's amount and period are never edited")
        super().save(*args, **kwargs)

    @property
    def period_name(self) -> str:
        """The period as people read it ("Delår 2 2017"), never its code."""
        from satsa.funds.services import period_name

        return period_name(self.case, self.period_code, self.period_end)


class ClaimApproval(models.Model):
    """One approval of a claim: the coordinator's and, where the rulebook says, finance's."""

    class Level(models.TextChoices):
        COORDINATOR = "coordinator", _("Processledare")
        FINANCE = "finance", _("Ekonomi")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="approvals")
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    # Why the approver let the payments go past the approved payment plan.
    override_reason = models.TextField(_("motivering för avsteg"), blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["approved_at", "id"]
        verbose_name = _("godkännande")
        verbose_name_plural = _("godkännanden")
        constraints = [
            models.UniqueConstraint(fields=["claim", "level"], name="fund_claim_approval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} {self.level}"


class RepaymentPlan(models.Model):
    """A repayment plan (decided with the grant) or a settlement (after the evaluation).

    Plans are never edited: a newer version (or the settlement) supersedes the older one;
    the newest of a case is the one in force.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", _("Återföringsplan")
        SETTLEMENT = "settlement", _("Avräkning efter utvärdering")

    class Method(models.TextChoices):
        TO_FUND = "to_fund", _("Återföring till fonden")
        BUDGET_FRAME = "budget_frame", _("Minskad budgetram (kommunbidrag)")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="repayment_plans")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("återföringsmodell"), max_length=20, choices=Method.choices)
    # C, the cost charged to the fund that the plan or settlement is based on.
    total_cost = models.DecimalField(_("total kostnad"), max_digits=14, decimal_places=2)
    floor_share = models.DecimalField(_("lägsta andel"), max_digits=5, decimal_places=4)
    fee_share = models.DecimalField(_("avgiftsandel"), max_digits=5, decimal_places=4)
    realised_savings = models.JSONField(_("realiserade besparingar"), default=dict, blank=True)
    decided_on = models.DateField(_("beslutsdatum"))
    reference = models.CharField(_("referens"), max_length=200, blank=True)
    # A plan written by hand (amounts per board and year) says why; a plan drawn from the
    # calculation and a settlement leave it empty.
    manual = models.BooleanField(_("manuell plan"), default=False)
    reason = models.TextField(_("motivering"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("återföringsplan")
        verbose_name_plural = _("återföringsplaner")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("repayment plans are never edited; create a new version")
        super().save(*args, **kwargs)


class RepaymentChoice(models.Model):
    """The coordinator's recorded choice whether the repayment model applies to a case whose
    start falls in the rulebook's gap (Örebro: started in 2019, between "started before
    2019" and "starting from 2020"). One per case, never edited."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="repayment_choice"
    )
    applies = models.BooleanField(_("återföringsmodellen tillämpas"))
    reason = models.TextField(_("motivering"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("val om återföring")
        verbose_name_plural = _("val om återföring")

    def __str__(self) -> str:
        return f"{self.case}: {self.applies}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the choice is recorded once")
        super().save(*args, **kwargs)


class RepaymentLine(models.Model):
    """What one board repays (principal and fee) in one year under a plan."""

    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="lines")
    board = models.ForeignKey("orgs.Board", verbose_name=_("nämnd"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("år"))
    principal = models.DecimalField(_("återföring"), max_digits=14, decimal_places=2)
    fee = models.DecimalField(_("avgift"), max_digits=14, decimal_places=2, default=Decimal(0))

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["year", "board__name"]
        verbose_name = _("rad i återföringsplan")
        verbose_name_plural = _("rader i återföringsplan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "board", "year"], name="fund_plan_line_once"),
            models.CheckConstraint(
                condition=models.Q(principal__gte=0, fee__gte=0), name="fund_plan_line_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.year}: {self.principal}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("repayment plans are never edited; create a new version")
        super().save(*args, **kwargs)


class PaymentPlan(models.Model):
    """A payment plan (utbetalningsplan): how much of the grant is paid in which reporting
    period (Uppsala: per tertial, in arrears).

    Versions are never edited: a new version supersedes the older ones. The steering group
    approves a version (:class:`PlanApproval`); the newest approved version is the plan
    that claims are held to.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_plans")
    version = models.PositiveIntegerField(_("version"))
    # The granted amount the lines add up to when the version was made.
    total = models.DecimalField(_("summa"), max_digits=14, decimal_places=2)
    note = models.TextField(_("kommentar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["case", "version"]
        verbose_name = _("utbetalningsplan")
        verbose_name_plural = _("utbetalningsplaner")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="fund_payment_plan_version"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("payment plans are never edited; create a new version")
        super().save(*args, **kwargs)


class PaymentPlanLine(models.Model):
    """What the plan pays out for one reporting period (in arrears, at its end)."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.PROTECT, related_name="lines")
    year = models.PositiveIntegerField(_("år"))
    # The rulebook's reporting period (e.g. "tertial1") and the day it ends that year.
    period_code = models.CharField(_("period"), max_length=40)
    period_end = models.DateField(_("periodens slut"))
    amount = models.DecimalField(_("belopp"), max_digits=14, decimal_places=2)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["period_end", "id"]
        verbose_name = _("rad i utbetalningsplan")
        verbose_name_plural = _("rader i utbetalningsplan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_end"], name="fund_payment_line_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fund_payment_line_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.period_code}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("payment plans are never edited; create a new version")
        super().save(*args, **kwargs)


class PlanApproval(models.Model):
    """The steering group's approval of one payment plan version or one repayment plan.

    Exactly one of the two plans is set; a plan is approved once and the approval is never
    changed (a new version needs its own approval).
    """

    payment_plan = models.OneToOneField(
        PaymentPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="approval"
    )
    repayment_plan = models.OneToOneField(
        RepaymentPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="approval"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkänd"), auto_now_add=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["approved_at", "id"]
        verbose_name = _("godkännande av plan")
        verbose_name_plural = _("godkännanden av planer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_plan__isnull=False, repayment_plan__isnull=True)
                | models.Q(payment_plan__isnull=True, repayment_plan__isnull=False),
                name="fund_plan_approval_one_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_plan or self.repayment_plan} ({self.approved_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("an approval is never edited")
        super().save(*args, **kwargs)
