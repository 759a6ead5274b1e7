"""Changes to cases. Each service validates first (raising ValidationError with a Swedish
message), then changes state atomically, records an event and e-mails whoever acts next.

The decision chain is the rulebook's (``rulebook.decision_chain``); :func:`case_advance`
moves a case one stage on when the stage's guards hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.calculations.services import calculation_snapshot
from satsa.cases import selectors as sel
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
from satsa.cases.notifications import notify
from satsa.core.concurrency import check_version
from satsa.core.uploads import check_document, read_upload
from satsa.events.services import event_record
from satsa.funds.services import commitment_create
from satsa.orgs.models import Board, Department, ExternalParty, Membership, Organisation
from satsa.orgs.permissions import has_perm, roles_in
from satsa.orgs.roles import Perm, Role
from satsa.rules import RULES, Rulebook, guard_text, missing_guards


class GuardError(ValidationError):
    """The case may not move on: the listed guards of the rulebook do not hold."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        super().__init__([guard_text(code) for code in codes])


def _require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError({field: message} if field else message)


def _require_perm(actor: Any, organisation: Organisation, perm: str) -> None:
    if not has_perm(actor, organisation, perm):
        raise ValidationError(_("Du har inte behörighet att göra detta."))


def _require_applicant(actor: Any, case: Case) -> None:
    _require_perm(actor, case.organisation, Perm.SUBMIT_IDEA)
    if not sel.is_applicant(actor, case):
        raise ValidationError(_("Bara ärendets sökande kan ändra det."))


def _require_open(case: Case) -> None:
    if case.stage in (Stage.DECIDED, Stage.REJECTED) or case.outcome:
        raise ValidationError(_("Ärendet är avgjort och kan inte ändras."))


# --- needs analysis and idea ------------------------------------------------------------------


def needs_create(
    *,
    organisation: Organisation,
    title: str,
    target_group: str,
    actor: Any,
    statistics: str = "",
    operational_data: str = "",
    boards: Iterable[Board] = (),
) -> NeedsAnalysis:
    _require_perm(actor, organisation, Perm.SUBMIT_IDEA)
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
    for item in [*boards, *departments, *parties]:
        if item.organisation_id != organisation.pk:
            raise ValidationError(
                _("En nämnd, förvaltning eller part hör till en annan organisation.")
            )


def idea_create(
    *,
    organisation: Organisation,
    title: str,
    actor: Any,
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

    _require_perm(actor, organisation, Perm.SUBMIT_IDEA)
    _require(bool(title.strip()), _("Ange ett namn på satsningen."), "title")
    boards, departments, parties = list(boards), list(departments), list(parties)
    _check_parts(organisation, boards, departments, parties)
    if needs_analysis is not None:
        _require(needs_analysis.organisation_id == organisation.pk, _("Okänd behovsanalys."))
    if rulebook_key is None:
        rulebook = rulebook_in_force(organisation, sel.today())
        _require(rulebook is not None, _("Organisationen har ingen regelbok som gäller i dag."))
        rulebook_key = rulebook.id  # type: ignore[union-attr]
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
    actor: Any,
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
    actor: Any,
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


def co_applicant_add(*, case: Case, user: Any, actor: Any) -> Case:
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


def idea_submit(*, case: Case, actor: Any) -> Case:
    """Hand in the idea description; the first stage of the decision chain begins."""
    _require_applicant(actor, case)
    _require(case.idea_submitted_at is None, _("Idén är redan inlämnad."))
    rulebook = sel.rulebook_for_case(case)
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
        _enter_step(case, rulebook, first.id, actor)
    return case


def criteria_assess(
    *,
    case: Case,
    actor: Any,
    criteria_list: str,
    verdicts: Mapping[str, Mapping[str, Any]],
) -> list[CriterionAssessment]:
    """Tick or score each criterion of one of the rulebook's lists, with a comment.

    ``verdicts`` maps criterion id to ``{"met": bool | None, "score": int | None,
    "comment": str}``.
    """
    rulebook = sel.rulebook_for_case(case)
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
    known = {item.id for item in criteria.items}  # type: ignore[union-attr]
    scale = criteria.scale  # type: ignore[union-attr]
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
    *, case: Case, actor: Any, verdicts: Mapping[str, Mapping[str, Any]]
) -> list[CriterionAssessment]:
    """The preparation group's assessment of an idea against the idea criteria."""
    return criteria_assess(case=case, actor=actor, criteria_list="idea", verdicts=verdicts)


# --- moving along the chain --------------------------------------------------------------


def _enter_step(case: Case, rulebook: Rulebook, step_id: str, actor: Any) -> None:
    """Put the case at ``step_id``: due date, board notices, e-mail to those who act."""
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
    if not case.outcome:
        case.stage = sel.stage_of_step(rulebook, step_id)
    case.save(update_fields=["step", "step_started_at", "step_due_on", "stage"])
    if stage.role == Role.BOARD_SECRETARY:
        phase = (
            BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
        )
        for board in case.boards.all():
            BoardNotice.objects.get_or_create(
                case=case,
                board=board,
                phase=phase,
                defaults={"deadline": case.step_due_on},
            )
        event_record(
            actor=actor,
            verb="case.boards_informed",
            target=case,
            data={"phase": phase, "deadline": case.step_due_on},
        )
    recipients = sel.actors_for_step(case, stage.role)
    body = stage.name_sv
    if case.step_due_on:
        body += "\n" + _("Sista dag: %(date)s") % {"date": case.step_due_on.isoformat()}
    transaction.on_commit(
        lambda: notify(case=case, recipients=recipients, subject=_("Att göra"), body=body),
        robust=True,
    )


def case_advance(
    *,
    case: Case,
    actor: Any,
    comment: str = "",
    confirmations: Iterable[str] = (),
) -> Case:
    """Move the case from its current stage to the next, when the stage's guards hold.

    ``confirmations`` are guards the actor confirms by this act (e.g. that the first
    meeting has been held); they are recorded with the event.
    """
    confirmations = [c for c in confirmations if c in sel.CONFIRMED_GUARDS]
    # Another service (the steering group's ranking) may have changed the row since.
    case.refresh_from_db()
    rulebook = sel.rulebook_for_case(case)
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
    _require(
        sel.may_act_on_step(actor, case, stage.role),
        _("Det här steget hanteras av en annan roll."),
    )
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
    with transaction.atomic():
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
            applicants = sel.actors_for_step(case, Role.APPLICANT)
            transaction.on_commit(
                lambda: notify(
                    case=case,
                    recipients=applicants,
                    subject=_("Idén får gå vidare"),
                    body=_("Idén har prövats och ni kan skriva en ansökan."),
                ),
                robust=True,
            )
        if following is not None:
            _enter_step(case, rulebook, following.id, actor)
        else:
            case.step, case.step_due_on = "", None
            case.save(update_fields=["step", "step_due_on"])
    return case


def case_reject(*, case: Case, actor: Any, reasons: str) -> Case:
    """Stop the case at its current stage (before the executive board), with reasons."""
    _require_open(case)
    _require(bool(case.step), _("Ärendet väntar inte på något steg."))
    rulebook = sel.rulebook_for_case(case)
    stage = rulebook.stage(case.step)
    _require(stage.id != "decision", _("Kommunstyrelsens avslag registreras på fliken Beslut."))
    _require(
        sel.may_act_on_step(actor, case, stage.role) and stage.role != Role.APPLICANT,
        _("Det här steget hanteras av en annan roll."),
    )
    _require(bool(reasons.strip()), _("Ange skälen för avslaget."), "reasons")
    in_idea = stage.id in sel.idea_steps(rulebook)
    with transaction.atomic():
        case.stage = Stage.REJECTED
        case.rejection_reasons = reasons
        fields = ["stage", "rejection_reasons", "step", "step_due_on"]
        case.step, case.step_due_on = "", None
        if in_idea:
            case.idea_outcome = Case.IdeaOutcome.NO
            case.idea_answered_at = timezone.now()
            fields += ["idea_outcome", "idea_answered_at"]
        case.save(update_fields=fields)
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
        applicants = sel.actors_for_step(case, Role.APPLICANT)
        transaction.on_commit(
            lambda: notify(
                case=case,
                recipients=applicants,
                subject=_("Ärendet går inte vidare"),
                body=_("Skäl: %(reasons)s") % {"reasons": reasons},
            ),
            robust=True,
        )
    return case


def board_comment_add(
    *, case: Case, board: Board, actor: Any, comment: str, backs: bool
) -> BoardNotice:
    """The board's comment (yttrande) on the idea or the application, before the deadline."""
    _require_perm(actor, case.organisation, Perm.BOARD_COMMENT)
    _require(
        Membership.objects.active()
        .filter(user=actor, organisation=case.organisation, role=Role.BOARD_SECRETARY, board=board)
        .exists(),
        _("Du är inte sekreterare för den nämnden."),
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
    _require(bool(comment.strip()), _("Skriv nämndens synpunkter."), "comment")
    with transaction.atomic():
        notice.comment = comment
        notice.backs = backs
        notice.commented_by = actor
        notice.commented_at = timezone.now()
        notice.save(update_fields=["comment", "backs", "commented_by", "commented_at"])
        event_record(
            actor=actor,
            verb="case.board_commented",
            target=case,
            data={"board": board.name, "phase": phase, "backs": backs},
        )
        coordinators = sel.actors_for_step(case, Role.COORDINATOR)
        transaction.on_commit(
            lambda: notify(
                case=case,
                recipients=coordinators,
                subject=_("Nämndens synpunkter"),
                body=_("%(board)s har lämnat synpunkter.") % {"board": board.name},
            ),
            robust=True,
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
    actor: Any,
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
    _require(
        case.idea_outcome == Case.IdeaOutcome.GO,
        _("Ansökan kan skrivas när idén har fått gå vidare."),
    )
    rulebook = sel.rulebook_for_case(case)
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


def application_submit(*, case: Case, actor: Any) -> ApplicationVersion:
    """Freeze the draft as a submitted version; signatures of older content become void.

    A failing eligibility rule blocks submission unless the coordinator has recorded an
    exemption for it.
    """
    _require_applicant(actor, case)
    _require_open(case)
    draft = sel.draft_of(case)
    _require(draft is not None, _("Det finns inga ändringar att lämna in."))
    assert draft is not None
    rulebook = sel.rulebook_for_case(case)
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
                data={"version": draft.number, "signers": names},
            )
        event_record(
            actor=actor,
            verb="case.application_submitted",
            target=case,
            data={"version": draft.number, "content_hash": digest},
        )
        calculation_snapshot(case=case, reason="submitted", actor=actor)
        if case.step == "application" and not missing_guards(
            rulebook, "application", sel.guards_holding(case, rulebook)
        ):
            case_advance(case=case, actor=actor, comment=_("Ansökan inlämnad."))
        elif case.step != "application" and names:
            # A changed application needs new signatures from those who signed it.
            heads = sel.actors_for_step(case, Role.DEPARTMENT_HEAD)
            transaction.on_commit(
                lambda: notify(
                    case=case,
                    recipients=heads,
                    subject=_("Underteckna på nytt"),
                    body=_("Ansökan har ändrats och behöver undertecknas igen."),
                ),
                robust=True,
            )
    return draft


def attachment_add(
    *, case: Case, actor: Any, kind: str, file: UploadedFile, title: str = ""
) -> Attachment:
    _require_applicant(actor, case)
    _require_open(case)
    rulebook = sel.rulebook_for_case(case)
    kinds = {a.id: a.title for a in sel.application_attachments(rulebook)}
    _require(kind in kinds or kind == "other", _("Välj vilken bilaga filen är."), "kind")
    _require(file is not None and file.size, _("Välj en fil."), "file")
    _require(file.size <= 20 * 1024 * 1024, _("Filen får vara högst 20 MB."), "file")
    refusal = check_document(name=file.name or "", data=read_upload(file))
    _require(refusal is None, refusal or "", "file")
    with transaction.atomic():
        attachment = Attachment.objects.create(
            case=case,
            kind=kind,
            title=title or kinds.get(kind, file.name or ""),
            file=file,
            uploaded_by=actor,
        )
        event_record(
            actor=actor,
            verb="case.attachment_added",
            target=case,
            data={"kind": kind, "name": file.name},
        )
    return attachment


def signature_add(
    *,
    case: Case,
    actor: Any,
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
        _require_perm(actor, case.organisation, Perm.SIGN_APPLICATION)
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
            Role.COORDINATOR in roles_in(actor, case.organisation),
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
            verb="case.signed",
            target=case,
            data={
                "version": version.number,
                "for": str(department or party),
                "content_hash": version.content_hash,
            },
        )
    return signature


def exemption_grant(*, case: Case, actor: Any, rule: str, reason: str) -> Exemption:
    """The coordinator's reasoned exemption from one eligibility rule that fails."""
    _require_perm(actor, case.organisation, Perm.GRANT_EXEMPTION)
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


# --- steering group and decision --------------------------------------------------------


def _requested(case: Case) -> Decimal:
    version = sel.latest_submitted(case)
    value = (version.figures if version else {}).get("requested_amount")
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _selection_score(case: Case, rulebook: Rulebook) -> Decimal | None:
    criteria = rulebook.criteria.selection
    if criteria is None:
        return None
    scores = {
        a.criterion: a.score
        for a in CriterionAssessment.objects.filter(case=case, criteria_list="selection")
        if a.score is not None
    }
    total = weights = Decimal(0)
    for item in criteria.items:
        weight = Decimal(str(item.weight or 1))
        total += weight * Decimal(scores.get(item.id, 0))
        weights += weight
    return (total / weights).quantize(Decimal("0.01")) if weights else None


def steering_rank(
    *,
    organisation: Organisation,
    actor: Any,
    year: int | None = None,
    order: Sequence[int] = (),
) -> list[Case]:
    """Rank the applications waiting for the steering group and mark which fit.

    Applications are ordered by their selection-criteria score (weighted when the
    rulebook weights them); ties, and rulebooks without selection criteria, follow
    ``order`` (case ids as the steering group put them). Walking down the list, an
    application fits while its requested amount is within the fund's free capital left
    and the year still has room under the rulebook's cap.
    """
    _require_perm(actor, organisation, Perm.STEERING_APPROVE)
    pending = list(
        Case.objects.filter(organisation=organisation, step="steering_group", outcome="")
    )
    _require(bool(pending), _("Inga ansökningar väntar på styrgruppen."))
    year = year or sel.today().year
    position = {pk: i for i, pk in enumerate(order)}
    scored = []
    for case in pending:
        rulebook = sel.rulebook_for_case(case)
        score = _selection_score(case, rulebook)
        scored.append((case, rulebook, score))
    scored.sort(
        key=lambda t: (
            -(t[2] if t[2] is not None else Decimal(0)),
            position.get(t[0].pk, len(position)),
            t[0].created_at,
        )
    )
    free = sel.fund_free_capital(organisation)
    granted = sel.grants_in_year(organisation, year)
    now = timezone.now()
    with transaction.atomic():
        for rank, (case, rulebook, score) in enumerate(scored, start=1):
            amount = _requested(case)
            limit = rulebook.grants.max_new_per_year
            fits = amount <= free and (limit is None or granted < limit)
            if fits:
                granted += 1
                free -= amount
            case.priority_rank, case.priority_score = rank, score
            case.priority_fits, case.prioritised_at = fits, now
            case.save(
                update_fields=["priority_rank", "priority_score", "priority_fits", "prioritised_at"]
            )
            event_record(
                actor=actor,
                verb="case.ranked",
                target=case,
                data={"rank": rank, "score": score, "fits": fits, "year": year},
            )
    return [t[0] for t in scored]


def _chain_requires(rulebook: Rulebook, guard: str) -> bool:
    return any(guard in stage.guards for stage in rulebook.decision_chain)


def decision_record(
    *,
    case: Case,
    actor: Any,
    outcome: str,
    decided_on: dt.date,
    diarienummer: str,
    minutes_reference: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
    override_reason: str = "",
) -> Case:
    """Enter the executive board's decision.

    Refused before every required signature of the current version is in and the
    boards' comment deadline has passed (when the rulebook asks for either), and for a
    grant over the fund's free capital or past the yearly cap unless ``override_reason``
    says why; the override is recorded. A grant books its commitment in the fund ledger
    in the same transaction.
    """
    _require_perm(actor, case.organisation, Perm.RECORD_DECISION)
    case.refresh_from_db()
    _require_open(case)
    _require(
        case.step == "decision",
        _("Ärendet har inte nått kommunstyrelsen än."),
    )
    _require(outcome in Case.Outcome.values, _("Välj beviljad eller avslagen."), "outcome")
    diarienummer = diarienummer.strip()
    _require(bool(diarienummer), _("Ange diarienummer."), "diarienummer")
    _require(bool(minutes_reference.strip()), _("Ange protokollsparagraf."), "minutes_reference")
    _require(
        not Case.objects.filter(organisation=case.organisation, diarienummer=diarienummer)
        .exclude(pk=case.pk)
        .exists(),
        _("Diarienumret används redan i ett annat ärende."),
        "diarienummer",
    )
    rulebook = sel.rulebook_for_case(case)
    holding = sel.guards_holding(case, rulebook, on=decided_on)
    hard = []
    if outcome == Case.Outcome.GRANTED:
        for guard in ("department_heads_signed", "partner_managers_signed"):
            if _chain_requires(rulebook, guard) and guard not in holding:
                hard.append(guard)
        if any(
            "boards_informed" in s.guards
            for s in rulebook.decision_chain
            if s.id not in sel.idea_steps(rulebook)
        ) and not sel.boards_done(case, BoardNotice.Phase.APPLICATION, decided_on):
            hard.append("boards_informed")
        hard += [
            g
            for g in missing_guards(rulebook, "decision", holding | {"decision_recorded"})
            if g not in hard
        ]
    if hard:
        raise GuardError(hard)
    override_reason = override_reason.strip()
    overrides: list[str] = []
    if outcome == Case.Outcome.GRANTED:
        _require(amount is not None and amount > 0, _("Ange beviljat belopp."), "amount")
        assert amount is not None
        free = sel.fund_free_capital(case.organisation, decided_on)
        if amount > free:
            overrides.append(
                _("Beloppet %(amount)s kr är större än fondens fria kapital %(free)s kr.")
                % {"amount": amount, "free": free}
            )
        limit = rulebook.grants.max_new_per_year
        done = sel.grants_in_year(case.organisation, decided_on.year, exclude=case)
        if limit is not None and done >= limit:
            overrides.append(
                _("Redan %(done)s av högst %(limit)s nya satsningar är beviljade %(year)s.")
                % {"done": done, "limit": limit, "year": decided_on.year}
            )
        if overrides and len(override_reason) < 10:
            raise ValidationError(
                {"override_reason": [*overrides, _("Motivera avsteget för att bevilja ändå.")]}
            )
    else:
        _require(bool(reasons.strip()), _("Ange skälen för avslaget."), "reasons")
    try:
        with transaction.atomic():
            # Lock the organisation so that two decisions cannot both spend the same free
            # capital or the same last place under the yearly cap.
            Organisation.objects.select_for_update().filter(pk=case.organisation_id).first()
            case.outcome = outcome
            case.decided_on = decided_on
            case.diarienummer = diarienummer
            case.minutes_reference = minutes_reference.strip()
            case.decision_conditions = conditions
            case.rejection_reasons = reasons if outcome == Case.Outcome.REJECTED else ""
            case.override_reason = override_reason if overrides else ""
            case.granted_amount = amount if outcome == Case.Outcome.GRANTED else None
            case.stage = Stage.DECIDED if outcome == Case.Outcome.GRANTED else Stage.REJECTED
            following = rulebook.next_stage("decision")
            case.step, case.step_due_on = "", None
            case.save()
            event_record(
                actor=actor,
                verb="case.decided",
                target=case,
                data={
                    "outcome": outcome,
                    "amount": case.granted_amount,
                    "decided_on": decided_on,
                    "diarienummer": diarienummer,
                    "minutes": case.minutes_reference,
                    "overrides": overrides,
                    "override_reason": case.override_reason,
                },
            )
            if outcome == Case.Outcome.GRANTED:
                assert amount is not None
                # The ledger refuses a grant over the free capital unless it is given the
                # board's reason, which it then records on the commitment.
                commitment_create(
                    case=case,
                    amount=amount,
                    booked_on=decided_on,
                    reference=case.diarienummer or "",
                    actor=actor,
                    override_reason=case.override_reason,
                )
                calculation_snapshot(case=case, reason="decided", actor=actor)
                if following is not None:
                    _enter_step(case, rulebook, following.id, actor)
    except IntegrityError:
        raise ValidationError(
            {"diarienummer": _("Diarienumret används redan i ett annat ärende.")}
        ) from None
    recipients = {
        *sel.actors_for_step(case, Role.APPLICANT),
        *sel.actors_for_step(case, Role.COORDINATOR),
        *(sel.actors_for_step(case, Role.FINANCE_OFFICER) if case.granted_amount else []),
    }
    notify(
        case=case,
        recipients=recipients,
        subject=_("Kommunstyrelsens beslut"),
        body=(
            _("Beviljad: %(amount)s kr. Diarienummer %(dnr)s.")
            % {"amount": case.granted_amount, "dnr": diarienummer}
            if case.granted_amount
            else _("Avslag. Skäl: %(reasons)s") % {"reasons": reasons}
        ),
    )
    return case
