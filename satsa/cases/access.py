"""Who may see a case and act on it: the one answer every app uses.

A person sees an organisation's cases through their roles there (``satsa.orgs.roles``) and
through their place on a case. The case's people are stored on the case: its applicant and
co-applicants, its project owner and project leader, and the members of the project's
own steering group. Staff who may see all cases see every submitted one; a board
secretary sees the submitted cases that concern their board; a draft idea is seen only by
its own people.

``visible_cases`` answers "which cases" as a queryset, ``may`` answers "may this person do
this to this case", and ``check`` raises :class:`AccessDenied` with a sentence the person
can read. Views turn a case they may not see into 404, so that its existence is not told.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from satsa.cases import lifecycle
from satsa.cases.models import Case, CaseQuerySet, Stage
from satsa.events.actors import is_system
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, roles_in
from satsa.orgs.roles import Perm, Role


class Purpose(enum.StrEnum):
    """Why cases are listed: every case page, or the follow-up of granted projects."""

    CASE = "case"
    FOLLOWUP = "followup"


class Action(enum.StrEnum):
    VIEW = "view"
    # write the idea and the application (the case's applicants)
    EDIT_APPLICATION = "edit_application"
    EDIT_CALCULATION = "edit_calculation"
    # ask the fund for money for the case
    CLAIM = "claim"
    # write the case's reports, measurements and evaluation schema
    REPORT = "report"
    # name the case's project owner, project leader and steering group
    MANAGE_PEOPLE = "manage_people"


class AccessDenied(NotPermitted):
    """The person may not do this to this case; ``message`` says so in their language.

    Services raise it from their checks, so a caller that skips the view cannot skip the
    rule; a view that lets it through answers 403.
    """


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- the case's people -------------------------------------------------------------------


def _through(field: str) -> Any:
    return getattr(Case, field).through.objects


def member_q(user: Any) -> Q:
    """Cases on which ``user`` is one of the case's people."""
    return (
        Q(created_by=user)
        | Q(project_owner=user)
        | Q(project_leader=user)
        | Q(pk__in=_through("co_applicants").filter(user=user).values("case_id"))
        | Q(pk__in=_through("steering_members").filter(user=user).values("case_id"))
    )


def is_applicant(user: Any, case: Case) -> bool:
    """The person started the case or is one of its co-applicants."""
    if not _authenticated(user):
        return False
    if case.created_by_id == user.pk:
        return True
    if "co_applicants" in getattr(case, "_prefetched_objects_cache", {}):
        # A list of cases prefetched them: no query per case.
        return any(person.pk == user.pk for person in case.co_applicants.all())
    return case.co_applicants.filter(pk=user.pk).exists()


def is_member(user: Any, case: Case) -> bool:
    """The person is one of the case's people (applicants, owner, leader, steering group)."""
    if not _authenticated(user):
        return False
    if user.pk in (case.created_by_id, case.project_owner_id, case.project_leader_id):
        return True
    return (
        case.co_applicants.filter(pk=user.pk).exists()
        or case.steering_members.filter(pk=user.pk).exists()
    )


# --- seeing cases -----------------------------------------------------------------------------


def visible_cases(
    user: Any, organisation: Organisation, purpose: Purpose = Purpose.CASE
) -> CaseQuerySet:
    """The cases of ``organisation`` that ``user`` may see, for ``purpose``."""
    cases = Case.objects.filter(organisation=organisation)
    if is_system(user):
        return cases
    if not _authenticated(user):
        return cases.none()
    roles = roles_in(user, organisation)
    if not roles:
        return cases.none()
    visible = member_q(user)
    submitted = ~Q(stage=Stage.IDEA, idea_submitted_at__isnull=True)
    if has_perm(user, organisation, Perm.VIEW_ALL_CASES):
        visible |= submitted
    elif Role.BOARD_SECRETARY in roles:
        boards = Membership.objects.active().filter(
            user=user, organisation=organisation, role=Role.BOARD_SECRETARY, board__isnull=False
        )
        concerned = _through("boards").filter(board_id__in=boards.values("board_id"))
        visible |= submitted & Q(pk__in=concerned.values("case_id"))
    cases = cases.filter(visible)
    if purpose == Purpose.FOLLOWUP:
        cases = cases.followed()
    return cases


def case_for(
    user: Any, organisation: Organisation, pk: int, purpose: Purpose = Purpose.CASE
) -> Case:
    """The case ``pk`` if ``user`` may see it; 404 otherwise (other organisations too)."""
    case = visible_cases(user, organisation, purpose).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def may_view(user: Any, case: Case) -> bool:
    return visible_cases(user, case.organisation).filter(pk=case.pk).exists()


# --- acting on a case ---------------------------------------------------------------------------


def may(user: Any, case: Case, action: Action) -> bool:
    """Whether ``user`` may do ``action`` to ``case`` now."""
    return _refusal(user, case, action) is None


def check(user: Any, case: Case, action: Action) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may do ``action`` to ``case``."""
    refusal = _refusal(user, case, action)
    if refusal is not None:
        raise AccessDenied(refusal)


def _refusal(user: Any, case: Case, action: Action) -> str | None:
    """Why ``user`` may not do ``action`` to ``case``; None when they may."""
    org = case.organisation
    if is_system(user):
        return None
    if not may_view(user, case):
        return _("Du har inte tillgång till ärendet.")
    if action == Action.VIEW:
        return None
    if action == Action.EDIT_APPLICATION:
        if has_perm(user, org, Perm.SUBMIT_IDEA) and is_applicant(user, case):
            return None
        return _("Bara ärendets sökande kan ändra det.")
    if action == Action.EDIT_CALCULATION:
        if not has_perm(user, org, Perm.EDIT_CALCULATION):
            return _("Du har inte behörighet att ändra kalkyler.")
        if case.stage in lifecycle.LOCKED:
            return _("Ärendet är avgjort: kalkylen som beslutet vilar på kan inte ändras.")
        if is_applicant(user, case) or has_perm(user, org, Perm.VIEW_ALL_CASES):
            return None
        return _("Bara ärendets sökande eller handläggare kan ändra kalkylen.")
    if action == Action.CLAIM:
        if has_perm(user, org, Perm.MANAGE_FUND):
            return None
        if has_perm(user, org, Perm.CLAIM_PAYMENT) and is_member(user, case):
            return None
        return _("Bara ärendets sökande och projektledare kan begära utbetalning.")
    if action == Action.REPORT:
        if has_perm(user, org, Perm.MANAGE_EVALUATION):
            return None
        if is_member(user, case) and (
            has_perm(user, org, Perm.REPORT_PROGRESS) or has_perm(user, org, Perm.SUBMIT_IDEA)
        ):
            return None
        return _("Bara ärendets egna personer och utvärderarna kan rapportera för ärendet.")
    if action == Action.MANAGE_PEOPLE:
        if has_perm(user, org, Perm.MANAGE_ORGANISATION):
            return None
        return _("Bara processledaren kan ändra ärendets personer.")
    raise ValueError(f"unknown action {action!r}")
