"""Unit costs (enhetskostnader), price indices and the calculation attached to a case.

A unit cost is what one unit of a service costs (a placement year in foster care, a
household on social assistance for a year …). Each organisation keeps its own table;
entries without an organisation form the shared national table. Values are kept per
price year, so a yearly update adds a row and the history stays readable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satsa.orgs.models import Organisation


class ImmutableError(Exception):
    """Raised when code tries to change or remove a calculation snapshot."""


class UnitCostArea(models.TextChoices):
    SCHOOL = "school", _("Skola")
    PRESCHOOL = "preschool", _("Förskola")
    SOCIAL = "social", _("Individ- och familjeomsorg")
    DISABILITY = "disability", _("Funktionsstöd")
    LABOUR = "labour", _("Arbetsmarknad")
    HEALTH = "health", _("Hälso- och sjukvård")
    ELDERLY = "elderly", _("Äldreomsorg")
    JUSTICE = "justice", _("Rättsväsende")
    OTHER = "other", _("Övrigt")


class ActorType(models.TextChoices):
    """Who bears the cost, i.e. who saves when the use of the service falls."""

    MUNICIPALITY = "municipality", _("Kommun")
    REGION = "region", _("Region")
    STATE = "state", _("Staten")
    INDIVIDUAL = "individual", _("Individen")
    OTHER = "other", _("Annan")


class RealisationMeasure(models.TextChoices):
    """How a board takes its cash-releasing savings home (the engine's ``measure``)."""

    BUDGET_FRAME = "budget_frame", _("Justerad budgetram")
    REDUCED_PURCHASES = "reduced_purchases", _("Minskade köp")
    FEWER_POSTS = "fewer_posts", _("Färre tjänster")
    OTHER = "other", _("Annat")


class UnitCostQuerySet(models.QuerySet["UnitCost"]):
    def national(self) -> UnitCostQuerySet:
        return self.filter(organisation__isnull=True)

    def published(self) -> UnitCostQuerySet:
        return self.filter(published=True)


class UnitCost(models.Model):
    """One entry of a unit-cost table; its values per price year are ``UnitCostValue``."""

    # NULL: the shared national table, readable by every organisation.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unit_costs",
    )
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    area = models.CharField(_("område"), max_length=20, choices=UnitCostArea.choices)
    unit = models.CharField(_("enhet"), max_length=100)
    actor_type = models.CharField(_("kostnadsbärare"), max_length=20, choices=ActorType.choices)
    # The actor as it appears in a calculation, e.g. "Socialnämnden" or "Försäkringskassan".
    actor = models.CharField(_("aktör"), max_length=200, blank=True)
    published = models.BooleanField(_("publicerad"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitCostQuerySet.as_manager()

    class Meta:
        ordering = ["area", "code"]
        verbose_name = _("enhetskostnad")
        verbose_name_plural = _("enhetskostnader")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=models.Q(organisation__isnull=False),
                name="unitcost_unique_code",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="unitcost_unique_national_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def actor_label(self) -> str:
        return self.actor or str(self.get_actor_type_display())

    def latest(self) -> UnitCostValue | None:
        """The value of the latest price year (uses prefetched values when present)."""
        values = list(self.values.all())
        return max(values, key=lambda v: v.price_year) if values else None


class UnitCostValue(models.Model):
    """The value of a unit cost in one price year, with the source it comes from."""

    unit_cost = models.ForeignKey(UnitCost, on_delete=models.CASCADE, related_name="values")
    price_year = models.PositiveSmallIntegerField(_("prisår"))
    value = models.DecimalField(_("värde (kr)"), max_digits=14, decimal_places=2)
    # The fiscal value above (the budget cost, which the approval rule uses); beside it,
    # as in the GMCA Unit Cost Database, the economic value (all resources used) and the
    # social value (the wider value to society), when known.
    economic_value = models.DecimalField(
        _("ekonomiskt värde (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    social_value = models.DecimalField(
        _("socialt värde (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Where the figure comes from; "antagande" (assumption) when it cannot be sourced.
    source = models.TextField(_("källa"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit_cost", "-price_year"]
        verbose_name = _("enhetskostnadsvärde")
        verbose_name_plural = _("enhetskostnadsvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_cost", "price_year"], name="unitcostvalue_unique_year"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="unitcostvalue_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_cost.code} {self.price_year}: {self.value}"


class PriceIndex(models.Model):
    """A price index series (e.g. SCB's KPI or SKR's PKV) used to restate unit costs."""

    # NULL: a national series every organisation may use.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_indices",
    )
    name = models.CharField(_("namn"), max_length=200)
    source = models.TextField(_("källa"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("prisindex")
        verbose_name_plural = _("prisindex")

    def __str__(self) -> str:
        return self.name

    def as_mapping(self) -> dict[str, float]:
        """The series as the exchange format's ``price_index``: {"2024": 100.0, …}."""
        return {str(p.year): float(p.value) for p in self.points.order_by("year")}


class PriceIndexPoint(models.Model):
    index = models.ForeignKey(PriceIndex, on_delete=models.CASCADE, related_name="points")
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("indexvärde"), max_digits=10, decimal_places=3)

    class Meta:
        ordering = ["index", "year"]
        verbose_name = _("indexvärde")
        verbose_name_plural = _("indexvärden")
        constraints = [
            models.UniqueConstraint(fields=["index", "year"], name="priceindexpoint_unique_year"),
            models.CheckConstraint(
                condition=models.Q(value__gt=0), name="priceindexpoint_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.year}: {self.value}"


class Calculation(models.Model):
    """The economic calculation (kalkyl) of one case.

    ``data`` is the ECONOMICS.md §5 exchange format exactly as ``satsa calc`` reads it;
    ``effect_sources`` says, per effect line, which unit-cost entry it was taken from, and
    ``alternative_sources`` the same for each comparison alternative's effect lines
    (alternative key -> list); ``result`` is the engine's answer for ``data`` when it last validated.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="calculation", verbose_name=_("ärende")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="calculations"
    )
    data = models.JSONField(_("kalkyl (JSON)"), default=dict)
    effect_sources = models.JSONField(default=list, blank=True)
    alternative_sources = models.JSONField(default=dict, blank=True)
    price_index = models.ForeignKey(
        PriceIndex,
        verbose_name=_("prisindex"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kalkyl")
        verbose_name_plural = _("kalkyler")

    def __str__(self) -> str:
        return str(_("Kalkyl för %(case)s") % {"case": self.case})


class SnapshotReason(models.TextChoices):
    SUBMITTED = "submitted", _("Ansökan lämnades in")
    DECIDED = "decided", _("Beslut fattades")
    OTHER = "other", _("Annat")


class CalculationSnapshotQuerySet(models.QuerySet["CalculationSnapshot"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("calculation snapshots are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("calculation snapshots are immutable")


class CalculationSnapshot(models.Model):
    """An immutable copy of a case's calculation at a moment that matters (submission, decision)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="calculation_snapshots"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Usually a SnapshotReason; any other text is kept as given (and shown as is).
    reason = models.CharField(_("anledning"), max_length=200, choices=SnapshotReason.choices)
    data = models.JSONField(_("kalkyl (JSON)"))
    result = models.JSONField(_("resultat (JSON)"), null=True, blank=True)
    created_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CalculationSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kalkylögonblicksbild")
        verbose_name_plural = _("kalkylögonblicksbilder")

    def __str__(self) -> str:
        return f"{self.case} – {self.reason_label} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("calculation snapshots are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("calculation snapshots are immutable")

    @property
    def reason_label(self) -> str:
        try:
            return str(SnapshotReason(self.reason).label)
        except ValueError:
            return self.reason
