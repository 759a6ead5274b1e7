"""What the portfolio keeps of its own: published final reports and the yearly evaluations.

Everything else on the portfolio pages is read from the cases, the fund, the calculations
and the follow-up; these two are documents that must stay as they were when they were
published or generated (an official record does not change when the data behind it does).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satsa.cases.models import Case
from satsa.orgs.models import Organisation


class PublishedReportQuerySet(models.QuerySet["PublishedReport"]):
    def current(self) -> PublishedReportQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class PublishedReport(models.Model):
    """A case's final report (slutrapport) made public, as the PDF it was at publishing."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="published_reports"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="published_reports")
    title = models.CharField(_("rubrik"), max_length=300)
    # The public summary of results shown on the open pages; written for the public, so it
    # never carries personal data or internal comments.
    summary = models.TextField(_("sammanfattning"))
    pdf = models.BinaryField(_("rapport (PDF)"))
    published_at = models.DateTimeField(_("publicerad"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("tillbakadragen"), null=True, blank=True)

    objects = PublishedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("publicerad slutrapport")
        verbose_name_plural = _("publicerade slutrapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="publishedreport_one_current_per_case",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ConsolidatedEvaluation(models.Model):
    """The yearly consolidated evaluation of the whole portfolio (Uppsala: before budget
    planning each year, and a deeper one after two years), kept as the figures it showed."""

    class Depth(models.TextChoices):
        YEARLY = "yearly", _("Årlig")
        DEEP = "deep", _("Fördjupad")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consolidated_evaluations"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    depth = models.CharField(_("omfattning"), max_length=10, choices=Depth.choices)
    # The snapshot the report is drawn from: see selectors.evaluation_figures().
    data = models.JSONField(_("underlag"))
    generated_at = models.DateTimeField(_("framtagen"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-generated_at"]
        verbose_name = _("samlad utvärdering")
        verbose_name_plural = _("samlade utvärderingar")

    def __str__(self) -> str:
        return f"{self.get_depth_display()} utvärdering {self.year}"
