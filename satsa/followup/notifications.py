"""Who hears of a follow-up report: its writers when it falls due and when it has been
reviewed, the reviewers when it is submitted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.events.models import Event
from satsa.events.notifications import Notice
from satsa.followup.models import Report
from satsa.followup.selectors import report_writers
from satsa.orgs.permissions import people_with_perm
from satsa.orgs.roles import Perm


def _report(event: Event) -> Report | None:
    if not event.target_id.isdigit():
        return None
    return (
        Report.objects.select_related("case", "organisation", "submitted_by")
        .filter(pk=int(event.target_id))
        .first()
    )


def _name(report: Report) -> str:
    return f"{report.get_kind_display()} {report.period_name}"


def _notice(report: Report, recipients: list[Any], subject: str, body: str, **kw: Any) -> Notice:
    link = reverse(
        "followup:report", kwargs={"org_slug": report.organisation.slug, "pk": report.pk}
    )
    return Notice(
        recipients=recipients,
        subject=subject,
        body=body,
        title=report.case.title,
        link=link,
        **kw,
    )


def due(event: Event) -> list[Notice]:
    """The reminder ``satsa followup_reminders`` recorded, to the people who write the
    report, as one message to them all: they write it together."""
    report = _report(event)
    if report is None:
        return []
    body = _(
        "%(report)s ska lämnas senast %(due)s.\n\n"
        "Rapporten innehåller genomförda aktiviteter och arbetssätt, måtten mot basvärde och "
        "mål, avvikelser och ekonomin, och bär periodens utbetalningsbegäran."
    ) % {"report": _name(report), "due": report.due_date.isoformat()}
    subject = _("Påminnelse: %(report)s") % {"report": _name(report)}
    return [_notice(report, report_writers(report), subject, body, together=True)]


def submitted(event: Event) -> list[Notice]:
    """To those who review reports (the evaluation's managers), except the one who sent it."""
    report = _report(event)
    if report is None:
        return []
    reviewers = [
        person
        for person in people_with_perm(report.organisation, Perm.MANAGE_EVALUATION)
        if person.pk != event.actor_id
    ]
    return [
        _notice(
            report,
            reviewers,
            _("Rapport att granska"),
            _("%(report)s är inlämnad och väntar på granskning.") % {"report": _name(report)},
        )
    ]


def _writers(report: Report) -> list[Any]:
    return [*report_writers(report), *([report.submitted_by] if report.submitted_by else [])]


def approved(event: Event) -> list[Notice]:
    report = _report(event)
    if report is None:
        return []
    return [
        _notice(
            report,
            _writers(report),
            _("Rapporten är godkänd"),
            _("%(report)s är granskad och godkänd.") % {"report": _name(report)},
        )
    ]


def returned(event: Event) -> list[Notice]:
    report = _report(event)
    if report is None:
        return []
    return [
        _notice(
            report,
            _writers(report),
            _("Rapporten behöver kompletteras"),
            _("%(report)s är granskad och återsänd för komplettering. Skäl: %(reason)s")
            % {"report": _name(report), "reason": event.data.get("reason", "")},
        )
    ]


HANDLERS = {
    "followup.report_reminded": due,
    "followup.report_submitted": submitted,
    "followup.report_approved": approved,
    "followup.report_returned": returned,
}
