"""Changes to cases. Each service validates first (raising ValidationError with a Swedish
message), then changes state atomically and records an event; the events' notifications
(``satsa/cases/notifications.py``) e-mail whoever acts next.

The decision chain is the rulebook's (``rulebook.decision_chain``); :func:`case_advance`
moves a case one stage on when the stage's guards hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.cases import access, hooks, lifecycle
from satsa.cases import selectors as sel
from satsa.cases.access import Action
from satsa.cases.models import (
    ApplicationVersion,
    Attachment,
    BoardNotice,
    Case,
    CriterionAssessment,
    Exemption,
    NeedsAnalysis,
    Signature,
    Stage,
    StepRecord,
)
from satsa.core.concurrency import check_version
from satsa.core.uploads import check_document, document_name, read_upload
from satsa.events.services import event_record
from satsa.orgs.models import Board, Department, ExternalParty, Membership, Organisation
from satsa.orgs.permissions import NotPermitted, has_perm, require_perm, roles_in
from satsa.orgs.roles import Perm, Role
from satsa.rulebooks.selectors import rulebook_for
from satsa.rules import RULES, Rulebook, guard_text, missing_guards
from satsa.types import Actor


class GuardError(ValidationError):
    """The case may not move on: the listed guards of the rulebook do not hold."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        super().__init__([guard_text(code) for code in codes])


def _require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError({field: message} if field else message)


def _require_applicant(actor: Actor, case: Case) -> None:
    access.check(actor, case, Action.EDIT_APPLICATION)


def _require_open(case: Case) -> None:
    if case.stage not in lifecycle.OPEN or case.outcome:
        raise ValidationError(_("Ärendet är avgjort och kan inte ändras."))


# --- needs analysis and idea ------------------------------------------------------------------


def needs_create(
    *,
    organisation: Organisation,
    title: str,
    target_group: str,
    actor: Actor,
    statistics: str = "",
    operational_data: str = "",
    boards: Iterable[Board] = (),
) -> NeedsAnalysis:
    require_perm(actor, organisation, Perm.SUBMIT_IDEA)
    _require(bool(title.strip()), _("Ange en rubrik."), "title")
    _require(bool(target_group.strip()), _("Beskriv målgruppen."), "target_group")
    _require(
        bool(statistics.strip() or operational_data.strip()),
        _("Visa behovet med statistik eller verksamhetsdata."),
        "statistics",
    )
    with transaction.atomic():
        needs = NeedsAnalysis.objects.create(
            organisation=organisation,
            title=title.strip(),
            target_group=target_group,
            statistics=statistics,
            operational_data=operational_data,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        needs.boards.set([b for b in boards if b.organisation_id == organisation.pk])
        event_record(actor=actor, verb="needs.created", target=needs, organisation=organisation)
    return needs


def _check_parts(
    organisation: Organisation,
    boards: Iterable[Board],
    departments: Iterable[Department],
    parties: Iterable[ExternalParty],
) -> None:
    items: list[Board | Department | ExternalParty] = [*boards, *departments, *parties]
    for item in items:
        if item.organisation_id != organisation.pk:
            raise ValidationError(
                _("En nämnd, förvaltning eller part hör till en annan organisation.")
            )


def idea_create(
    *,
    organisation: Organisation,
    title: str,
    actor: Actor,
    idea: Mapping[str, str] | None = None,
    target_group: str = "",
    needs_analysis: NeedsAnalysis | None = None,
    boards: Iterable[Board] = (),
    departments: Iterable[Department] = (),
    parties: Iterable[ExternalParty] = (),
    rulebook_key: str | None = None,
) -> Case:
    """Start an idea description (a draft only its applicants see)."""
    from satsa.rulebooks.selectors import rulebook_in_force

    require_perm(actor, organisation, Perm.SUBMIT_IDEA)
    _require(bool(title.strip()), _("Ange ett namn på satsningen."), "title")
    boards, departments, parties = list(boards), list(departments), list(parties)
    _check_parts(organisation, boards, departments, parties)
    if needs_analysis is not None:
        _require(needs_analysis.organisation_id == organisation.pk, _("Okänd behovsanalys."))
    if rulebook_key is None:
        rulebook = rulebook_in_force(organisation, sel.today())
        _require(rulebook is not None, _("Organisationen har ingen regelbok som gäller i dag."))
        assert rulebook is not None  # _require refused a missing one
        rulebook_key = rulebook.id
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            title=title.strip(),
            rulebook_key=rulebook_key,
            stage=Stage.IDEA,
            target_group=target_group or (needs_analysis.target_group if needs_analysis else ""),
            needs_analysis=needs_analysis,
            idea=dict(idea or {}),
            created_by=actor,
        )
        case.boards.set(boards or (needs_analysis.boards.all() if needs_analysis else []))
        case.departments.set(departments)
        case.parties.set(parties)
        event_record(actor=actor, verb="case.created", target=case, data={"rulebook": rulebook_key})
    return case


def idea_update(
    *,
    case: Case,
    actor: Actor,
    title: str,
    idea: Mapping[str, str],
    target_group: str = "",
    boards: Iterable[Board] = (),
    departments: Iterable[Department] = (),
    parties: Iterable[ExternalParty] = (),
) -> Case:
    _require_applicant(actor, case)
    _require(
        case.idea_submitted_at is None,
        _("Idén är redan inlämnad; ändringar görs i ansökan."),
    )
    _require(bool(title.strip()), _("Ange ett namn på satsningen."), "title")
    boards, departments, parties = list(boards), list(departments), list(parties)
    _check_parts(case.organisation, boards, departments, parties)
    with transaction.atomic():
        case.title = title.strip()
        case.target_group = target_group
        case.idea = dict(idea)
        case.save(update_fields=["title", "target_group", "idea"])
        case.boards.set(boards)
        case.departments.set(departments)
        case.parties.set(parties)
        event_record(actor=actor, verb="case.idea_updated", target=case)
    return case


def parts_update(
    *,
    case: Case,
    actor: Actor,
    boards: Iterable[Board],
    departments: Iterable[Department],
    parties: Iterable[ExternalParty],
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Case:
    """Change who takes part and the period while the application is written."""
    _require_applicant(actor, case)
    _require_open(case)
    boards, departments, parties = list(boards), list(departments), list(parties)
    _check_parts(case.organisation, boards, departments, parties)
    if start_date and end_date:
        _require(end_date > start_date, _("Slutdatum ska vara efter startdatum."), "end_date")
    with transaction.atomic():
        case.start_date, case.end_date = start_date, end_date
        case.save(update_fields=["start_date", "end_date"])
        case.boards.set(boards)
        case.departments.set(departments)
        case.parties.set(parties)
        event_record(actor=actor, verb="case.application_saved", target=case, data={"parts": True})
    return case


def co_applicant_add(*, case: Case, user: Any, actor: Actor) -> Case:
    _require_applicant(actor, case)
    _require(
        Membership.objects.active().filter(user=user, organisation=case.organisation).exists(),
        _("Medsökande måste ha en roll i organisationen."),
    )
    with transaction.atomic():
        case.co_applicants.add(user)
        event_record(
            actor=actor, verb="case.co_applicant_added", target=case, data={"user": user.username}
        )
    return case


def idea_submit(*, case: Case, actor: Actor) -> Case:
    """Hand in the idea description; the first stage of the decision chain begins."""
    _require_applicant(actor, case)
    _require(case.idea_submitted_at is None, _("Idén är redan inlämnad."))
    rulebook = rulebook_for(case)
    missing = [
        s.title_sv
        for s in sel.idea_sections(rulebook)
        if s.required and not str(case.idea.get(s.id, "")).strip()
    ]
    if missing:
        raise ValidationError(_("Fyll i: %(sections)s.") % {"sections": ", ".join(missing)})
    _require(case.boards.exists(), _("Ange minst en berörd nämnd."))
    first = rulebook.decision_chain[0]
    with transaction.atomic():
        case.idea_submitted_at = timezone.now()
        case.save(update_fields=["idea_submitted_at"])
        event_record(actor=actor, verb="case.idea_submitted", target=case)
        enter_step(case, rulebook, first.id, actor)
    return case


def criteria_assess(
    *,
    case: Case,
    actor: Actor,
    criteria_list: str,
    verdicts: Mapping[str, Mapping[str, Any]],
) -> list[CriterionAssessment]:
    """Tick or score each criterion of one of the rulebook's lists, with a comment.

    ``verdicts`` maps criterion id to ``{"met": bool | None, "score": int | None,
    "comment": str}``.
    """
    rulebook = rulebook_for(case)
    criteria = getattr(rulebook.criteria, criteria_list, None)
    _require(criteria is not None, _("Regelboken har inga sådana kriterier."))
    perm = Perm.STEERING_APPROVE if criteria_list == "selection" else Perm.REVIEW_IDEA
    roles = roles_in(actor, case.organisation)
    allowed = has_perm(actor, case.organisation, perm) or (
        # Uppsala's coordinators check the basic criteria at the first meeting.
        criteria_list == "basic" and Role.COORDINATOR in roles
    )
    _require(allowed, _("Du har inte behörighet att bedöma dessa kriterier."))
    _require_open(case)
    _require(case.idea_submitted_at is not None, _("Idén är inte inlämnad än."))
    assert criteria is not None  # _require refused a missing list
    known = {item.id for item in criteria.items}
    scale = criteria.scale
    errors = []
    for criterion, verdict in verdicts.items():
        if criterion not in known:
            errors.append(_("Okänt kriterium: %(id)s.") % {"id": criterion})
        score = verdict.get("score")
        if score is not None and scale is not None and not scale.min <= int(score) <= scale.max:
            errors.append(
                _("Poängen ska vara mellan %(min)s och %(max)s.")
                % {"min": scale.min, "max": scale.max}
            )
        if verdict.get("met") is False and not str(verdict.get("comment", "")).strip():
            errors.append(_("Motivera varför ett kriterium inte är uppfyllt."))
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for criterion, verdict in verdicts.items():
            assessment, _created = CriterionAssessment.objects.update_or_create(
                case=case,
                criteria_list=criteria_list,
                criterion=criterion,
                defaults={
                    "met": verdict.get("met"),
                    "score": verdict.get("score"),
                    "comment": str(verdict.get("comment", "")),
                    "assessed_by": actor,
                },
            )
            saved.append(assessment)
        event_record(
            actor=actor,
            verb="case.idea_assessed" if criteria_list == "idea" else "case.criteria_assessed",
            target=case,
            data={"list": criteria_list, "verdicts": dict(verdicts)},
        )
    return saved


def idea_assess(
    *, case: Case, actor: Actor, verdicts: Mapping[str, Mapping[str, Any]]
) -> list[CriterionAssessment]:
    """The preparation group's assessment of an idea against the idea criteria."""
    return criteria_assess(case=case, actor=actor, criteria_list="idea", verdicts=verdicts)


# --- moving along the chain --------------------------------------------------------------


def enter_step(case: Case, rulebook: Rulebook, step_id: str, actor: Actor) -> None:
    """Put the case at ``step_id``: due date, board notices, and the event that e-mails
    those who act."""
    stage = rulebook.stage(step_id)
    on = sel.today()
    case.step = step_id
    case.step_started_at = timezone.now()
    due_days = stage.deadline_days
    if step_id in sel.idea_steps(rulebook)[:1] and rulebook.idea.answer_within_days:
        due_days = rulebook.idea.answer_within_days
    if stage.role == Role.BOARD_SECRETARY:
        due_days = due_days or sel.DEFAULT_COMMENT_DAYS
    case.step_due_on = on + dt.timedelta(days=due_days) if due_days else None
    fields = ["step", "step_started_at", "step_due_on"]
    if case.outcome:
        case.save(update_fields=fields)
    else:
        # Before the decision the step decides the phase the pipeline board shows.
        lifecycle.stage_change(
            case=case,
            to=sel.stage_of_step(rulebook, step_id),
            actor=actor,
            reason=f"step:{step_id}",
            fields={name: getattr(case, name) for name in fields},
        )
    # The boards are informed at a step of their own (a board secretary's), or at a step
    # that needs them informed before it is passed (Örebro 2016: the boards are consulted
    # on the application while the department heads sign); otherwise that step's guard
    # could never hold.
    if stage.role == Role.BOARD_SECRETARY or "boards_informed" in stage.guards:
        phase = (
            BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
        )
        deadline = case.step_due_on or on + dt.timedelta(days=sel.DEFAULT_COMMENT_DAYS)
        for board in case.boards.all():
            BoardNotice.objects.get_or_create(
                case=case,
                board=board,
                phase=phase,
                defaults={"deadline": deadline},
            )
        event_record(
            actor=actor,
            verb="case.boards_informed",
            target=case,
            data={"phase": phase, "deadline": deadline},
        )
    event_record(
        actor=actor,
        verb="case.step_started",
        target=case,
        data={"step": step_id, "due": case.step_due_on},
    )


def case_advance(
    *,
    case: Case,
    actor: Actor,
    comment: str = "",
    confirmations: Iterable[str] = (),
    expected_step: str | None = None,
) -> Case:
    """Move the case from its current stage to the next, when the stage's guards hold.

    ``confirmations`` are guards the actor confirms by this act (e.g. that the first
    meeting has been held); they are recorded with the event. ``expected_step`` is the
    step the person saw when they asked: if the case has moved since (a second click, a
    colleague), nothing changes and they are told.
    """
    confirmations = [c for c in confirmations if c in sel.CONFIRMED_GUARDS]
    with transaction.atomic():
        # Race: two people (or one double click) moving the same step on. Lock the row,
        # then check everything against what is stored.
        lifecycle.locked_at_step(case, expected_step)
        return _advance_locked(case, actor, comment, confirmations)


def _advance_locked(case: Case, actor: Actor, comment: str, confirmations: list[str]) -> Case:
    rulebook = rulebook_for(case)
    chain = [s.id for s in rulebook.decision_chain]
    # A grant may still have steps after the decision (Uppsala: the plans are approved).
    after_grant = (
        case.outcome == Case.Outcome.GRANTED
        and "decision" in chain
        and case.step in chain[chain.index("decision") + 1 :]
    )
    if not after_grant:
        _require_open(case)
    _require(bool(case.step), _("Ärendet väntar inte på något steg."))
    stage = rulebook.stage(case.step)
    if not sel.may_act_on_step(actor, case, stage.role):
        raise NotPermitted(_("Det här steget hanteras av en annan roll."))
    _require(stage.id != "decision", _("Kommunstyrelsens beslut registreras på fliken Beslut."))
    if stage.id == "application":
        _require(sel.latest_submitted(case) is not None, _("Ansökan är inte inlämnad än."))
    holding = sel.guards_holding(case, rulebook) | set(confirmations)
    # Answering the idea is what this very step does.
    holding.add("idea_answered")
    missing = missing_guards(rulebook, stage.id, holding)
    if missing:
        raise GuardError(missing)
    following = rulebook.next_stage(stage.id)
    idea_steps = sel.idea_steps(rulebook)
    case.confirmed_guards = sorted(set(case.confirmed_guards or []) | set(confirmations))
    fields = ["confirmed_guards"]
    if stage.id in idea_steps and (following is None or following.id not in idea_steps):
        case.idea_outcome = Case.IdeaOutcome.GO
        case.idea_answered_at = timezone.now()
        fields += ["idea_outcome", "idea_answered_at"]
    case.save(update_fields=fields)
    StepRecord.objects.create(
        case=case,
        step=stage.id,
        outcome=StepRecord.Outcome.APPROVED,
        comment=comment,
        actor=actor,
    )
    event_record(
        actor=actor,
        verb="case.advanced",
        target=case,
        data={
            "from": stage.id,
            "to": following.id if following else "",
            "comment": comment,
            "confirmed": confirmations,
        },
    )
    if "idea_outcome" in fields:
        event_record(actor=actor, verb="case.idea_answered", target=case, data={"go": True})
    if following is not None:
        enter_step(case, rulebook, following.id, actor)
    else:
        case.step, case.step_due_on = "", None
        case.save(update_fields=["step", "step_due_on"])
    return case


def case_reject(
    *, case: Case, actor: Actor, reasons: str, expected_step: str | None = None
) -> Case:
    """Stop the case at its current stage (before the executive board), with reasons."""
    _require(bool(reasons.strip()), _("Ange skälen för avslaget."), "reasons")
    with transaction.atomic():
        lifecycle.locked_at_step(case, expected_step)
        _require_open(case)
        _require(bool(case.step), _("Ärendet väntar inte på något steg."))
        rulebook = rulebook_for(case)
        stage = rulebook.stage(case.step)
        _require(stage.id != "decision", _("Kommunstyrelsens avslag registreras på fliken Beslut."))
        if not sel.may_act_on_step(actor, case, stage.role) or stage.role == Role.APPLICANT:
            raise NotPermitted(_("Det här steget hanteras av en annan roll."))
        fields: dict[str, Any] = {"rejection_reasons": reasons, "step": "", "step_due_on": None}
        if stage.id in sel.idea_steps(rulebook):
            fields |= {"idea_outcome": Case.IdeaOutcome.NO, "idea_answered_at": timezone.now()}
        lifecycle.stage_change(
            case=case, to=Stage.REJECTED, actor=actor, reason="rejected", fields=fields
        )
        StepRecord.objects.create(
            case=case,
            step=stage.id,
            outcome=StepRecord.Outcome.REJECTED,
            comment=reasons,
            actor=actor,
        )
        event_record(
            actor=actor,
            verb="case.stopped",
            target=case,
            data={"step": stage.id, "reasons": reasons},
        )
    return case


def board_comment_check(*, case: Case, board: Board, actor: Actor) -> bool:
    """Whether ``actor`` may give ``board``'s comment now; True when the comment is
    registered on the board's behalf (by the coordinator, from the board's document).
    Raises the refusal a person should see before filling in the form."""
    own = (
        Membership.objects.active()
        .filter(user=actor, organisation=case.organisation, role=Role.BOARD_SECRETARY, board=board)
        .exists()
    )
    if own:
        require_perm(actor, case.organisation, Perm.BOARD_COMMENT)
    elif not has_perm(actor, case.organisation, Perm.REGISTER_ON_BEHALF):
        raise NotPermitted(
            _(
                "Bara nämndens sekreterare lämnar yttrandet, eller processledaren "
                "registrerar det för nämndens räkning."
            )
        )
    phase = BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
    notice = BoardNotice.objects.filter(case=case, board=board, phase=phase).first()
    _require(notice is not None, _("Nämnden har inte ombetts lämna synpunkter."))
    assert notice is not None
    _require(notice.commented_at is None, _("Nämnden har redan lämnat sina synpunkter."))
    _require(
        notice.deadline >= sel.today(),
        _("Sista dag för synpunkter var %(date)s.") % {"date": notice.deadline.isoformat()},
    )
    return not own


def board_comment_add(
    *,
    case: Case,
    board: Board,
    actor: Actor,
    comment: str,
    backs: bool,
    document: File[bytes] | None = None,
) -> BoardNotice:
    """The board's comment (yttrande) on the idea or the application, before the deadline:
    given by the board's secretary, or registered by the coordinator on the board's behalf
    with the board's own document attached."""
    on_behalf = board_comment_check(case=case, board=board, actor=actor)
    _require(bool(comment.strip()), _("Skriv nämndens synpunkter."), "comment")
    if on_behalf:
        _require(
            document is not None and bool(document.size),
            _("Bifoga nämndens handling (protokoll eller skrivelse)."),
            "document",
        )
    if document is not None:
        _require(
            (document.size or 0) <= 20 * 1024 * 1024, _("Filen får vara högst 20 MB."), "document"
        )
        refusal = check_document(name=document.name or "", data=read_upload(document))
        _require(refusal is None, refusal or "", "document")
    phase = BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
    with transaction.atomic():
        # Two people registering the same board's comment at once: only the first counts.
        notice = BoardNotice.objects.select_for_update().get(case=case, board=board, phase=phase)
        _require(notice.commented_at is None, _("Nämnden har redan lämnat sina synpunkter."))
        notice.comment = comment
        notice.backs = backs
        notice.commented_by = actor
        notice.commented_at = timezone.now()
        notice.on_behalf = on_behalf
        fields = ["comment", "backs", "commented_by", "commented_at", "on_behalf"]
        if document is not None:
            notice.document = document
            fields.append("document")
        notice.save(update_fields=fields)
        event_record(
            actor=actor,
            verb="case.board_comment_registered" if on_behalf else "case.board_commented",
            target=case,
            data={"board": board.name, "phase": phase, "backs": backs, "for": board.name},
        )
    return notice


# --- the application --------------------------------------------------------------------


def _clean_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    errors = {}
    for key in sel.FIGURE_KEYS:
        raw = figures.get(key)
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            errors[key] = _("Ange ett tal.")
            continue
        if value < 0:
            errors[key] = _("Talet kan inte vara negativt.")
        elif key.endswith("_share") and value > 1:
            errors[key] = _("Ange andelen som ett tal mellan 0 och 1.")
        clean[key] = str(value)
    if errors:
        raise ValidationError(errors)
    return clean


def application_content(version: ApplicationVersion | None) -> dict[str, Any]:
    """What an application edit form is loaded from; its version guards the save."""
    if version is None:
        return {"sections": {}, "figures": {}}
    return {"sections": version.sections, "figures": version.figures}


def application_save(
    *,
    case: Case,
    actor: Actor,
    sections: Mapping[str, str],
    figures: Mapping[str, Any],
    version: str | None = None,
) -> ApplicationVersion:
    """Save the application draft (also the autosave). Changing a submitted application
    starts a new version.

    ``version`` is the version of the content the form was loaded from
    (:func:`application_content`); a save over someone else's newer save is refused with
    :class:`~satsa.core.concurrency.StaleEdit`.
    """
    _require_applicant(actor, case)
    _require_open(case)
    rulebook = rulebook_for(case)
    _require(
        sel.application_open(case, rulebook),
        _("Ansökan kan skrivas när idén har fått gå vidare."),
    )
    known = {s.id for s in rulebook.application.sections}
    clean_sections = {k: str(v) for k, v in sections.items() if k in known}
    clean_figures = _clean_figures(figures)
    with transaction.atomic():
        # Two people saving the same case at once: the second waits here, then sees the
        # first one's save and is refused (lost updates).
        Case.objects.select_for_update().filter(pk=case.pk).first()
        draft = sel.draft_of(case)
        base = sel.latest_submitted(case)
        saved = draft or base
        check_version(
            expected=version,
            current=application_content(saved),
            by=saved.updated_by if saved is not None else None,
        )
        if draft is None:
            if base is not None and (
                base.sections == clean_sections and base.figures == clean_figures
            ):
                return base
            number = (base.number + 1) if base else 1
            draft = ApplicationVersion.objects.create(case=case, number=number)
        draft.sections = clean_sections
        draft.figures = clean_figures
        draft.updated_by = actor
        draft.save(update_fields=["sections", "figures", "updated_by", "updated_at"])
        event_record(
            actor=actor,
            verb="case.application_saved",
            target=case,
            data={"version": draft.number},
        )
    return draft


def application_submit(*, case: Case, actor: Actor) -> ApplicationVersion:
    """Freeze the draft as a submitted version; signatures of older content become void.

    A failing eligibility rule blocks submission unless the coordinator has recorded an
    exemption for it.
    """
    _require_applicant(actor, case)
    _require_open(case)
    draft = sel.draft_of(case)
    _require(draft is not None, _("Det finns inga ändringar att lämna in."))
    assert draft is not None
    rulebook = rulebook_for(case)
    result = sel.eligibility_for(case, draft.figures)
    failing = sel.unexempted_failures(case, result)
    if failing:
        messages = [f.message_sv for f in result.findings if f.rule in failing]
        raise ValidationError(
            [_("Ansökan uppfyller inte regelboken och kan inte lämnas in:"), *messages]
        )
    digest = sel.content_hash(
        sections=draft.sections, figures=draft.figures, parties=sel.parties_of(case)
    )
    with transaction.atomic():
        draft.submitted_at = timezone.now()
        draft.submitted_by = actor
        draft.content_hash = digest
        draft.save(update_fields=["submitted_at", "submitted_by", "content_hash"])
        voided = Signature.objects.filter(case=case, voided_at__isnull=True).exclude(
            content_hash=digest
        )
        names = list(voided.values_list("signer_name", flat=True))
        if names:
            voided.update(
                voided_at=timezone.now(),
                void_reason=_("Ansökan ändrades i version %(n)s.") % {"n": draft.number},
            )
            event_record(
                actor=actor,
                verb="case.signatures_voided",
                target=case,
                data={"version": draft.number, "signers": names, "step": case.step},
            )
        event_record(
            actor=actor,
            verb="case.application_submitted",
            target=case,
            data={"version": draft.number, "content_hash": digest},
        )
        hooks.application_submitted(case, actor)
        if case.step == "application" and not missing_guards(
            rulebook, "application", sel.guards_holding(case, rulebook)
        ):
            case_advance(case=case, actor=actor, comment=_("Ansökan inlämnad."))
    return draft


def attachment_add(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    file: File[bytes],
    title: str = "",
    replaces: Attachment | None = None,
) -> Attachment:
    """Attach a document; with ``replaces``, as a new version of that attachment (the old
    version is kept as history and no longer counts)."""
    _require_applicant(actor, case)
    _require_open(case)
    rulebook = rulebook_for(case)
    # The parts Satsa builds (calculation, evaluation schema) are not uploaded as files.
    kinds = {a.id: a.title for a in sel.uploaded_attachment_kinds(rulebook)}
    if replaces is not None:
        kind = replaces.kind
    _require(kind in kinds or kind == "other", _("Välj vilken bilaga filen är."), "kind")
    _require(file is not None and bool(file.size), _("Välj en fil."), "file")
    _require((file.size or 0) <= 20 * 1024 * 1024, _("Filen får vara högst 20 MB."), "file")
    name = document_name(file.name or "")
    refusal = check_document(name=name, data=read_upload(file))
    _require(refusal is None, refusal or "", "file")
    with transaction.atomic():
        old = None
        if replaces is not None:
            # Lock the version being replaced, then check it is still the current one.
            old = Attachment.objects.select_for_update().get(pk=replaces.pk, case=case)
            _require(old.is_current, _("Bilagan har redan ersatts eller tagits bort."))
        attachment = Attachment.objects.create(
            case=case,
            kind=kind,
            title=title or kinds.get(kind, "") or _("Övrig bilaga"),
            file=file,
            original_name=name,
            uploaded_by=actor,
        )
        if old is not None:
            old.replaced_by = attachment
            old.save(update_fields=["replaced_by"])
        event_record(
            actor=actor,
            verb="case.attachment_replaced" if old is not None else "case.attachment_added",
            target=case,
            data={"kind": kind, "name": name, **({"replaces": old.name} if old else {})},
        )
    return attachment


def attachment_withdraw(*, attachment: Attachment, actor: Actor) -> Attachment:
    """Take back an attachment that no submitted application version has included."""
    case = attachment.case
    _require_applicant(actor, case)
    _require_open(case)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        _require(locked.is_current, _("Bilagan har redan ersatts eller tagits bort."))
        _require(
            sel.attachment_withdrawable(locked),
            _(
                "Bilagan ingår i en inlämnad ansökan och kan inte tas bort, "
                "bara ersättas med en ny version."
            ),
        )
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        event_record(
            actor=actor,
            verb="case.attachment_withdrawn",
            target=case,
            data={"kind": locked.kind, "name": locked.name},
        )
    return locked


def signature_add(
    *,
    case: Case,
    actor: Actor,
    department: Department | None = None,
    party: ExternalParty | None = None,
    signer_name: str = "",
) -> Signature:
    """Sign the latest submitted version: a department head for their department, or the
    coordinator recording a partner manager's signature on the partner's behalf."""
    _require_open(case)
    version = sel.latest_submitted(case)
    _require(version is not None, _("Det finns ingen inlämnad ansökan att underteckna."))
    assert version is not None
    _require((department is None) != (party is None), _("Ange förvaltning eller part."))
    if department is not None:
        require_perm(actor, case.organisation, Perm.SIGN_APPLICATION)
        _require(
            case.departments.filter(pk=department.pk).exists(),
            _("Förvaltningen medverkar inte i ärendet."),
        )
        _require(
            Membership.objects.active()
            .filter(
                user=actor,
                organisation=case.organisation,
                role=Role.DEPARTMENT_HEAD,
                department=department,
            )
            .exists(),
            _("Bara förvaltningens chef kan underteckna för förvaltningen."),
        )
        capacity = Signature.Capacity.DEPARTMENT_HEAD
        name = actor.get_full_name() or actor.username
    else:
        assert party is not None
        _require(
            has_perm(actor, case.organisation, Perm.REGISTER_ON_BEHALF),
            _("Processledaren registrerar parternas underskrifter."),
        )
        _require(
            case.parties.filter(pk=party.pk, kind__in=sel.SIGNING_PARTY_KINDS).exists(),
            _("Parten undertecknar inte ansökan."),
        )
        _require(bool(signer_name.strip()), _("Ange namnet på den som skrev under."), "signer_name")
        capacity = Signature.Capacity.PARTNER_MANAGER
        name = signer_name.strip()
    existing = Signature.objects.filter(
        case=case,
        voided_at__isnull=True,
        content_hash=version.content_hash,
        department=department,
        party=party,
    )
    _require(not existing.exists(), _("Ansökan är redan undertecknad för den delen."))
    with transaction.atomic():
        signature = Signature.objects.create(
            case=case,
            version=version,
            content_hash=version.content_hash,
            capacity=capacity,
            department=department,
            party=party,
            signer=actor if department is not None else None,
            signer_name=name,
            recorded_by=actor,
        )
        event_record(
            actor=actor,
            # A partner's signature is registered by the coordinator, who did not sign.
            verb="case.signed" if department is not None else "case.signature_registered",
            target=case,
            data={
                "version": version.number,
                "for": str(department or party),
                "content_hash": version.content_hash,
            },
        )
    return signature


def exemption_grant(*, case: Case, actor: Actor, rule: str, reason: str) -> Exemption:
    """The coordinator's reasoned exemption from one eligibility rule that fails."""
    require_perm(actor, case.organisation, Perm.GRANT_EXEMPTION)
    _require_open(case)
    _require(rule in RULES, _("Okänd regel."), "rule")
    _require(len(reason.strip()) >= 10, _("Motivera undantaget."), "reason")
    _require(
        not Exemption.objects.filter(case=case, rule=rule).exists(),
        _("Undantag från den regeln finns redan."),
    )
    with transaction.atomic():
        exemption = Exemption.objects.create(case=case, rule=rule, reason=reason, granted_by=actor)
        event_record(
            actor=actor,
            verb="case.exemption_granted",
            target=case,
            data={"rule": rule, "reason": reason},
        )
    return exemption


# --- the case's people --------------------------------------------------------------------


def case_people_set(
    *,
    case: Case,
    actor: Any,
    project_owner: Any = None,
    project_leader: Any = None,
    steering_members: Iterable[Any] = (),
) -> Case:
    """Name the case's project owner, project leader and project steering group: the people
    who, beside the applicants, see the case, report on it and claim its money
    (satsa.cases.access). Each must hold a role in the case's organisation."""
    access.check(actor, case, Action.MANAGE_PEOPLE)
    steering_members = list(steering_members)
    named = {"project_owner": project_owner, "project_leader": project_leader}
    for field, person in named.items():
        _require(
            person is None or bool(roles_in(person, case.organisation)),
            _("Personen måste ha en roll i organisationen."),
            field,
        )
    _require(
        all(roles_in(person, case.organisation) for person in steering_members),
        _("Personen måste ha en roll i organisationen."),
        "steering_members",
    )
    with transaction.atomic():
        lifecycle.locked_case(case)
        case.project_owner, case.project_leader = project_owner, project_leader
        case.save(update_fields=["project_owner", "project_leader"])
        case.steering_members.set(steering_members)
        event_record(
            actor=actor,
            verb="case.people_changed",
            target=case,
            data={
                "project_owner": getattr(project_owner, "pk", None),
                "project_leader": getattr(project_leader, "pk", None),
                "steering_members": sorted(p.pk for p in steering_members),
            },
        )
    return case
