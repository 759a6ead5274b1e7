"""Cases: one social investment from its idea to its closing, and everything on the way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class CaseQuerySet(models.QuerySet["Case"]):
    def granted(self) -> CaseQuerySet:
        return self.filter(granted_amount__isnull=False)


class Case(models.Model):
    """A proposed or granted social investment (satsning) of one organisation."""

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
