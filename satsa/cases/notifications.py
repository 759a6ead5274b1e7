"""Who hears of what happens to a case: the e-mail each case event sends, and to whom.

Handlers read the recorded event; :mod:`satsa.events.notifications` sends what they return
once the change has committed.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.cases import selectors as sel
from satsa.cases.models import Case
from satsa.cases.reminders import reminder_recipients
from satsa.core.money import AUTO, kr
from satsa.events.models import Event
from satsa.events.notifications import Notice
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for


def case_url(case: Case) -> str:
    return reverse("cases:overview", kwargs={"org_slug": case.organisation.slug, "pk": case.pk})


def _case(event: Event) -> Case | None:
    if not event.target_id.isdigit():
        return None
    return Case.objects.select_related("organisation").filter(pk=int(event.target_id)).first()


def _notice(case: Case, recipients: Any, subject: str, body: str) -> list[Notice]:
    return [
        Notice(
            recipients=list(recipients),
            subject=subject,
            body=body,
            title=case.title,
            link=case_url(case),
        )
    ]


def _stage(case: Case, step: str) -> Any:
    try:
        return rulebook_for(case).stage(step)
    except KeyError:
        return None


def step_started(event: Event) -> list[Notice]:
    """Whoever acts at the step the case has come to."""
    case = _case(event)
    stage = _stage(case, event.data.get("step", "")) if case else None
    if case is None or stage is None:
        return []
    body = stage.name_sv
    if event.data.get("due"):
        body += "\n" + _("Sista dag: %(date)s") % {"date": event.data["due"]}
    return _notice(case, sel.actors_for_step(case, stage.role), _("Att göra"), body)


def idea_answered(event: Event) -> list[Notice]:
    case = _case(event)
    if case is None or not event.data.get("go"):
        return []
    return _notice(
        case,
        sel.actors_for_step(case, Role.APPLICANT),
        _("Idén får gå vidare"),
        _("Idén har prövats och ni kan skriva en ansökan."),
    )


def stopped(event: Event) -> list[Notice]:
    case = _case(event)
    if case is None:
        return []
    return _notice(
        case,
        sel.actors_for_step(case, Role.APPLICANT),
        _("Ärendet går inte vidare"),
        _("Skäl: %(reasons)s") % {"reasons": event.data.get("reasons", "")},
    )


def board_commented(event: Event) -> list[Notice]:
    case = _case(event)
    if case is None:
        return []
    return _notice(
        case,
        sel.actors_for_step(case, Role.COORDINATOR),
        _("Nämndens synpunkter"),
        _("%(board)s har lämnat synpunkter.") % {"board": event.data.get("board", "")},
    )


def signatures_voided(event: Event) -> list[Notice]:
    """A changed application, after its own step, needs the department heads' signatures
    again; while it is still at the application step they sign later anyway."""
    case = _case(event)
    if case is None or event.data.get("step", "application") == "application":
        return []
    return _notice(
        case,
        sel.actors_for_step(case, Role.DEPARTMENT_HEAD),
        _("Underteckna på nytt"),
        _("Ansökan har ändrats och behöver undertecknas igen."),
    )


def decided(event: Event) -> list[Notice]:
    case = _case(event)
    if case is None:
        return []
    granted = event.data.get("outcome") == Case.Outcome.GRANTED
    recipients = {
        *sel.actors_for_step(case, Role.APPLICANT),
        *sel.actors_for_step(case, Role.COORDINATOR),
        *(sel.actors_for_step(case, Role.FINANCE_OFFICER) if granted else []),
    }
    if granted:
        body = _("Beviljad: %(amount)s. Diarienummer %(dnr)s.") % {
            "amount": kr(event.data.get("amount"), decimals=AUTO),
            "dnr": event.data.get("diarienummer", ""),
        }
    else:
        body = _("Avslag. Skäl: %(reasons)s") % {"reasons": case.rejection_reasons}
    return _notice(case, recipients, _("Kommunstyrelsens beslut"), body)


def step_reminded(event: Event) -> list[Notice]:
    """The reminder ``satsa case_reminders`` recorded: a step due soon, or overdue."""
    case = _case(event)
    stage = _stage(case, event.data.get("step", "")) if case else None
    if case is None or stage is None:
        return []
    kind = event.data.get("kind", "soon")
    if kind == "overdue":
        subject = _("Försenat")
        body = _("Steget ”%(step)s” skulle ha varit klart %(date)s.")
    else:
        subject = _("Påminnelse")
        body = _("Steget ”%(step)s” ska vara klart senast %(date)s.")
    body %= {"step": stage.name_sv, "date": event.data.get("due", "")}
    return _notice(case, reminder_recipients(case, stage.role, kind), subject, body)


HANDLERS = {
    "case.step_started": step_started,
    "case.idea_answered": idea_answered,
    "case.stopped": stopped,
    "case.board_commented": board_commented,
    "case.signatures_voided": signatures_voided,
    "case.decided": decided,
    "case.step_reminded": step_reminded,
}
