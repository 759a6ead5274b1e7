"""Changes the portfolio makes: publishing a final report, generating the yearly
consolidated evaluation. Each writes an event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.cases.models import Case
from satsa.events.services import event_record
from satsa.orgs.models import Organisation
from satsa.portfolio import pdf, selectors
from satsa.portfolio.models import ConsolidatedEvaluation, PublishedReport
from satsa.types import Actor


def check_final_report_publish(*, case: Case, summary: str) -> None:
    if case.stage not in selectors.PUBLIC_STAGES:
        raise ValidationError(_("Bara beviljade satsningar kan få en publicerad slutrapport."))
    if not summary.strip():
        raise ValidationError({"summary": _("Skriv en sammanfattning för allmänheten.")})


def final_report_publish(*, case: Case, summary: str, actor: Actor) -> PublishedReport:
    """Publish the case's final report as it stands now; a previous one is withdrawn."""
    check_final_report_publish(case=case, summary=summary)
    document = pdf.final_report_pdf(case, summary=summary.strip())
    with transaction.atomic():
        previous = list(PublishedReport.objects.select_for_update().current().filter(case=case))
        for old in previous:
            old.withdrawn_at = timezone.now()
            old.save(update_fields=["withdrawn_at"])
        report = PublishedReport.objects.create(
            organisation=case.organisation,
            case=case,
            title=_("Slutrapport: %(title)s") % {"title": case.title},
            summary=summary.strip(),
            pdf=document,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="portfolio.final_report_published",
            target=case,
            data={"report": report.pk, "replaces": [r.pk for r in previous]},
        )
    return report


def final_report_withdraw(*, report: PublishedReport, actor: Actor) -> PublishedReport:
    with transaction.atomic():
        report.withdrawn_at = timezone.now()
        report.save(update_fields=["withdrawn_at"])
        event_record(
            actor=actor,
            verb="portfolio.final_report_withdrawn",
            target=report.case,
            data={"report": report.pk},
        )
    return report


def consolidated_evaluation_generate(
    *, organisation: Organisation, year: int, depth: str, actor: Actor
) -> ConsolidatedEvaluation:
    if depth not in ConsolidatedEvaluation.Depth.values:
        raise ValidationError({"depth": _("Okänd omfattning.")})
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Välj ett år mellan 2000 och nästa år.")})
    data = selectors.evaluation_figures(organisation, year, depth)
    with transaction.atomic():
        evaluation = ConsolidatedEvaluation.objects.create(
            organisation=organisation,
            year=year,
            depth=depth,
            data=data,
            generated_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="portfolio.evaluation_generated",
            target=evaluation,
            organisation=organisation,
            data={"year": year, "depth": depth, "cases": data["totals"]["count"]},
        )
    return evaluation
