"""Reads of the case pipeline: which cases a person may see, what the rulebook requires of
a case now, which guards hold, and what each person has to do."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satsa.cases import access, hooks, lifecycle
from satsa.cases.models import (
    ApplicationVersion,
    Attachment,
    BoardNotice,
    Case,
    CriterionAssessment,
    Exemption,
    Signature,
    Stage,
)
from satsa.orgs.models import Department, ExternalParty, Membership, Organisation
from satsa.orgs.permissions import roles_in
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for
from satsa.rules import EligibilityResult, Rulebook, check_eligibility, guard_text
from satsa.rules.schema import Section

# A board has this many days to comment when the rulebook sets no deadline for the step.
DEFAULT_COMMENT_DAYS = 21
# Guards a person confirms by ticking a box when moving the case on. The payment and
# repayment plans are approved as data in satsa.funds; a tick recorded before that (in
# Case.confirmed_guards) still holds.
CONFIRMED_GUARDS = (
    "first_meeting_held",
    "economic_calculation_checked",
    "comments_considered",
)
# Kinds of external party whose manager signs the application.
SIGNING_PARTY_KINDS = (ExternalParty.Kind.CIVIL_SOCIETY, ExternalParty.Kind.OTHER_PUBLIC)


def today() -> dt.date:
    return timezone.localdate()


# --- the rulebook's chain ------------------------------------------------------------------


def idea_steps(rulebook: Rulebook) -> list[str]:
    """The chain's stages before the application is written."""
    ids = [s.id for s in rulebook.decision_chain]
    return ids[: ids.index("application")] if "application" in ids else ids[:1]


def application_open(case: Case, rulebook: Rulebook) -> bool:
    """Whether the case's application may be written now: once the idea has been given a
    go, or at a step whose guards ask for the complete application (Region Gävleborg's
    chain starts with the application itself; it has no separate idea test)."""
    if case.outcome or case.stage in lifecycle.LOCKED:
        return False
    if case.idea_outcome == Case.IdeaOutcome.GO:
        return True
    try:
        step = rulebook.stage(case.step) if case.step else None
    except KeyError:
        return False
    return step is not None and "application_complete" in step.guards


def step_name(case: Case, step: str) -> str:
    """The name of a decision-chain step in the person's language; the id only if the
    rulebook no longer has the step."""
    try:
        stage = rulebook_for(case).stage(step)
    except KeyError:
        return step
    return stage.name_en if translation.get_language() == "en" else stage.name_sv


def _application_texts(case: Case) -> list[dict[str, Any]]:
    """The section texts of the newest submitted application, then of the draft."""
    versions = [latest_submitted(case), draft_of(case)]
    return [v.sections or {} for v in versions if v is not None]


def target_group_of(case: Case) -> str:
    """The case's target group wherever it was written: the case itself, the application
    (submitted, then draft), or the idea description."""
    if (case.target_group or "").strip():
        return case.target_group.strip()
    return _target_group(case, _application_texts(case))


def _target_group(case: Case, application_texts: list[dict[str, Any]]) -> str:
    if (case.target_group or "").strip():
        return case.target_group.strip()
    for sections in application_texts:
        text = str(sections.get("target_group") or "").strip()
        if text:
            return text
    return str((case.idea or {}).get("target_group") or "").strip()


def period_of(case: Case) -> str:
    """The project's period: its start and end dates, else what the application says
    about its period or duration ("" when nothing is known)."""
    if case.start_date or case.end_date:
        return _period(case, [])
    return _period(case, _application_texts(case))


def _period(case: Case, application_texts: list[dict[str, Any]]) -> str:
    if case.start_date or case.end_date:
        start = case.start_date.isoformat() if case.start_date else "–"
        end = case.end_date.isoformat() if case.end_date else "–"
        return f"{start} – {end}"
    for sections in application_texts:
        for key in ("period", "duration"):
            text = str(sections.get(key) or "").strip()
            if text:
                return text
    return ""


@dataclass(frozen=True)
class CaseTexts:
    target_group: str
    period: str


# The section texts target_group_of() and period_of() may read from an application.
_TEXT_KEYS = ("target_group", "period", "duration")


def texts_of(cases: QuerySet[Case]) -> dict[int, CaseTexts]:
    """:func:`target_group_of` and :func:`period_of` of many cases by case id, in two
    queries for any number: the cases' own columns (and the idea's target group), then
    the application texts of only those cases that lack a target group or dates."""
    rows = list(
        cases.order_by().values(
            "pk",
            "target_group",
            "start_date",
            "end_date",
            idea_target_group=KT("idea__target_group"),
        )
    )
    lacking = cases.order_by().filter(
        Q(target_group__regex=r"^\s*$") | Q(start_date__isnull=True, end_date__isnull=True)
    )
    newest: dict[tuple[int, bool], tuple[int, dict[str, Any]]] = {}
    # Only the texts read, as text (KT), out of each version's sections.
    for version in ApplicationVersion.objects.filter(case__in=lacking.values("pk")).values(
        "case_id", "number", "submitted_at", **{key: KT(f"sections__{key}") for key in _TEXT_KEYS}
    ):
        v: dict[str, Any] = dict(version)
        key = (v["case_id"], v["submitted_at"] is not None)
        if key not in newest or v["number"] > newest[key][0]:
            newest[key] = (v["number"], {k: v[k] for k in _TEXT_KEYS})
    out = {}
    for row in rows:
        # The newest submitted application, then the draft (_application_texts).
        texts = [newest[k][1] for k in ((row["pk"], True), (row["pk"], False)) if k in newest]
        case = Case(
            pk=row["pk"],
            target_group=row["target_group"],
            start_date=row["start_date"],
            end_date=row["end_date"],
            idea={"target_group": row["idea_target_group"]},
        )
        out[row["pk"]] = CaseTexts(
            target_group=_target_group(case, texts), period=_period(case, texts)
        )
    return out


def stage_of_step(rulebook: Rulebook, step: str) -> str:
    """The pipeline phase a decision-chain stage belongs to."""
    if step in idea_steps(rulebook):
        return Stage.IDEA
    if step == "application":
        return Stage.APPLICATION
    return Stage.PREPARATION


def current_step(case: Case) -> Any:
    if not case.step:
        return None
    try:
        return rulebook_for(case).stage(case.step)
    except KeyError:
        return None


def idea_sections(rulebook: Rulebook) -> list[Section]:
    return list(rulebook.idea.sections)


@dataclass(frozen=True)
class RequiredAttachment:
    id: str
    title: str
    guidance: str
    required: bool
    # "calculation" or "evaluation_schema": held in Satsa, not uploaded as a file.
    built_in: str | None = None


def application_attachments(rulebook: Rulebook) -> list[RequiredAttachment]:
    attachments = [
        RequiredAttachment(a.id, a.title_sv, a.guidance_sv, a.required, a.built_in)
        for a in rulebook.application.attachments
    ]
    # A rulebook whose decision rests on the calculation (Örebro 2016: "the calculation is
    # made in the application") asks for it in the application even where its list of
    # attachments does not name it; otherwise the application is complete without one and
    # the missing calculation is only found when the executive board's decision is refused.
    if rulebook.approval.calculation_required and not any(
        a.built_in == "calculation" for a in attachments
    ):
        attachments.append(
            RequiredAttachment(
                "calculation",
                _("Ekonomisk kalkyl"),
                _(
                    "Kostnader och förväntade effekter; regelboken kräver att beslutet vilar på den."
                ),
                True,
                "calculation",
            )
        )
    return attachments


def uploaded_attachment_kinds(rulebook: Rulebook) -> list[RequiredAttachment]:
    """The attachments uploaded as files (not the parts Satsa builds itself)."""
    return [a for a in application_attachments(rulebook) if a.built_in is None]


# --- the application ---------------------------------------------------------------------


def draft_of(case: Case) -> ApplicationVersion | None:
    if "versions" in getattr(case, "_prefetched_objects_cache", {}):
        # A list of cases prefetched them: no query per case.
        drafts = [v for v in case.versions.all() if v.submitted_at is None]
        return max(drafts, key=lambda v: v.number, default=None)
    return case.versions.filter(submitted_at__isnull=True).order_by("-number").first()


def latest_submitted(case: Case) -> ApplicationVersion | None:
    if "versions" in getattr(case, "_prefetched_objects_cache", {}):
        # A list of cases prefetched them: no query per case.
        submitted = [v for v in case.versions.all() if v.submitted_at is not None]
        return max(submitted, key=lambda v: v.number, default=None)
    return case.versions.filter(submitted_at__isnull=False).order_by("-number").first()


def submitted_versions(case: Case) -> list[ApplicationVersion]:
    return list(case.versions.filter(submitted_at__isnull=False).order_by("number"))


def content_hash(
    *, sections: dict[str, str], figures: dict[str, Any], parties: list[dict[str, Any]]
) -> str:
    """The SHA-256 of what a signer signs: the sections, the figures and the parties."""
    payload = json.dumps(
        {"sections": sections, "figures": figures, "parties": parties},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def parties_of(case: Case) -> list[dict[str, Any]]:
    """The case's parties in the shape the eligibility engine reads."""
    parties: list[dict[str, Any]] = [
        {"type": "board", "name": b.name, "area": b.area} for b in case.boards.order_by("name")
    ]
    for p in case.parties.order_by("name"):
        entry: dict[str, Any] = {"type": p.kind, "name": p.name}
        if p.form:
            entry["form"] = p.form
        if p.municipal_ownership is not None:
            entry["municipal_ownership"] = float(p.municipal_ownership)
        parties.append(entry)
    return parties


FIGURE_KEYS = (
    "duration_years",
    "requested_amount",
    "total_cost",
    "co_financing_share",
    "project_leader_share",
    "expected_savings",
)


def eligibility_input(case: Case, figures: dict[str, Any] | None = None) -> dict[str, Any]:
    figures = figures if figures is not None else _figures(case)
    data: dict[str, Any] = {"parties": parties_of(case)}
    for key in FIGURE_KEYS:
        value = figures.get(key)
        if value in (None, ""):
            continue
        if key in ("requested_amount", "total_cost", "expected_savings"):
            data[key] = Decimal(str(value))
        else:
            data[key] = float(value)
    # The approval rule reads the calculation, not a typed figure, once there is one.
    approval = hooks.calculated_approval(case)
    if approval is not None:
        data["expected_savings"] = Decimal(str(approval["savings"]))
        data["approval_cost"] = Decimal(str(approval["cost"]))
    if case.start_date:
        data["start_date"] = case.start_date
    if case.end_date:
        data["end_date"] = case.end_date
    # Intake by rounds: the round the application was handed in to (a draft: today's).
    intake = rulebook_for(case).intake
    if intake.mode == "rounds":
        submitted = latest_submitted(case)
        on = timezone.localdate(submitted.submitted_at) if submitted else today()
        data["submitted_date"] = on
        data["intake_round"] = intake.round_for(on)
    year = (case.decided_on or today()).year
    data["new_grants_this_year"] = grants_in_year(case.organisation, year, exclude=case)
    return data


def _figures(case: Case) -> dict[str, Any]:
    version = draft_of(case) or latest_submitted(case)
    return dict(version.figures) if version else {}


def application_figures(case: Case) -> dict[str, Any]:
    """The figures of the draft, or else of the latest submitted version."""
    return _figures(case)


def savings_from_calculation(rulebook: Rulebook) -> bool:
    """Whether the rulebook takes the expected savings from the calculation rather than a
    typed figure: its approval rule weighs savings against the cost, it requires a
    computed calculation, or the calculation is built in Satsa as part of the application."""
    approval = rulebook.approval
    return (
        approval.rule == "savings_cover_cost"
        or approval.calculation_required
        or any(a.built_in == "calculation" for a in rulebook.application.attachments)
    )


@dataclass(frozen=True)
class ExpectedSavings:
    """The expected savings the eligibility check counts, and where they come from:
    ``calculation`` (the calculation of record's approval rule) or ``typed`` (the figure
    typed on the application before the calculation existed)."""

    amount: Decimal | None
    source: str


def expected_savings_of(case: Case) -> ExpectedSavings:
    """The one expected-savings figure of a case, as the eligibility check reads it
    (``eligibility_input``): the calculation's once there is one, the typed one before."""
    approval = hooks.calculated_approval(case)
    if approval is not None:
        return ExpectedSavings(Decimal(str(approval["savings"])), "calculation")
    typed = _figures(case).get("expected_savings")
    try:
        amount = Decimal(str(typed)) if typed not in (None, "") else None
    except ArithmeticError:
        amount = None
    return ExpectedSavings(amount, "typed" if amount is not None else "none")


def eligibility_for(case: Case, figures: dict[str, Any] | None = None) -> EligibilityResult:
    return check_eligibility(rulebook_for(case), eligibility_input(case, figures))


# The yearly cap is checked where grants are made (the steering group and the decision,
# which take a reasoned override), not when an application is handed in.
NOT_BLOCKING_SUBMISSION = {"grants_per_year"}


def unexempted_failures(case: Case, result: EligibilityResult) -> list[str]:
    """Rules that fail and block the case, unless the coordinator exempted them."""
    exempt = set(Exemption.objects.filter(case=case).values_list("rule", flat=True))
    exempt |= NOT_BLOCKING_SUBMISSION
    return sorted({f.rule for f in result.with_status("fails")} - exempt)


def missing_sections(rulebook: Rulebook, version: ApplicationVersion | None) -> list[str]:
    sections = version.sections if version else {}
    return [
        s.title_sv
        for s in rulebook.application.sections
        if s.required and not str(sections.get(s.id, "")).strip()
    ]


def current_attachments(case: Case) -> QuerySet[Attachment]:
    """The attachments that count: neither replaced by a newer version nor withdrawn."""
    return case.attachments.filter(replaced_by__isnull=True, withdrawn_at__isnull=True)


def attachment_withdrawable(attachment: Attachment) -> bool:
    """Not yet part of a submitted application version (those can only be replaced)."""
    return not attachment.case.versions.filter(
        submitted_at__isnull=False, submitted_at__gte=attachment.uploaded_at
    ).exists()


def attachment_built_in(case: Case, attachment: RequiredAttachment) -> bool:
    """The rulebook's attachment is a part Satsa builds (the calculation, the evaluation
    schema) and the case has it built."""
    if attachment.built_in == "evaluation_schema":
        return evaluation_schema_built(case)
    if attachment.built_in == "calculation":
        return hooks.fact_holds("calculation_built", case)
    return False


def missing_attachments(case: Case, rulebook: Rulebook) -> list[str]:
    # A built-in attachment (calculation, evaluation schema) counts only when built: a file
    # given under its name does not.
    files = set(current_attachments(case).values_list("kind", flat=True))
    have = {a.id for a in uploaded_attachment_kinds(rulebook) if a.id in files}
    have |= {a.id for a in application_attachments(rulebook) if attachment_built_in(case, a)}
    return [a.title for a in application_attachments(rulebook) if a.required and a.id not in have]


@dataclass
class DiffSection:
    title: str
    lines: list[str] = field(default_factory=list)


def version_diff(
    rulebook: Rulebook, old: ApplicationVersion, new: ApplicationVersion
) -> list[DiffSection]:
    """What changed between two versions, per section, as unified-diff lines."""
    titles = {s.id: s.title_sv for s in rulebook.application.sections}
    changed = []
    keys: list[str] = list(titles) + sorted((set(old.sections) | set(new.sections)) - set(titles))
    for key in keys:
        before = str(old.sections.get(key, "")).splitlines()
        after = str(new.sections.get(key, "")).splitlines()
        if before != after:
            lines = list(difflib.unified_diff(before, after, lineterm="", n=1))[2:]
            changed.append(DiffSection(titles.get(key, key), lines))
    for key in sorted(set(old.figures) | set(new.figures)):
        if old.figures.get(key) != new.figures.get(key):
            changed.append(
                DiffSection(key, [f"-{old.figures.get(key, '')}", f"+{new.figures.get(key, '')}"])
            )
    return changed


# --- signatures -----------------------------------------------------------------------------


@dataclass
class RequiredSignature:
    capacity: str
    department: Department | None
    party: ExternalParty | None
    signature: Signature | None

    @property
    def label(self) -> str:
        return str(self.department or self.party)


def required_signatures(case: Case) -> list[RequiredSignature]:
    """One signature per department of the case and per signing external party, with the
    valid signature of the latest submitted version if there is one."""
    version = latest_submitted(case)
    valid = list(
        Signature.objects.filter(
            case=case,
            voided_at__isnull=True,
            content_hash=version.content_hash if version else "-",
        ).select_related("recorded_by", "party")
    )
    needed = []
    for department in case.departments.order_by("name"):
        match = next((s for s in valid if s.department_id == department.pk), None)
        needed.append(
            RequiredSignature(Signature.Capacity.DEPARTMENT_HEAD, department, None, match)
        )
    for party in case.parties.filter(kind__in=SIGNING_PARTY_KINDS).order_by("name"):
        match = next((s for s in valid if s.party_id == party.pk), None)
        needed.append(RequiredSignature(Signature.Capacity.PARTNER_MANAGER, None, party, match))
    return needed


# --- money and the yearly cap ----------------------------------------------------------------


def grants_in_year(organisation: Organisation, year: int, *, exclude: Case | None = None) -> int:
    cases = Case.objects.filter(
        organisation=organisation, outcome=Case.Outcome.GRANTED, decided_on__year=year
    )
    if exclude is not None and exclude.pk:
        cases = cases.exclude(pk=exclude.pk)
    return cases.count()


# --- guards ---------------------------------------------------------------------------------


def boards_done(case: Case, phase: str, on: dt.date) -> bool:
    """Every board concerned has been informed in ``phase`` and has commented, or its
    deadline has passed."""
    notices = {n.board_id: n for n in case.board_notices.filter(phase=phase)}
    for board_id in case.boards.values_list("pk", flat=True):
        notice = notices.get(board_id)
        if notice is None:
            return False
        if notice.commented_at is None and notice.deadline >= on:
            return False
    return True


def criteria_done(case: Case, rulebook: Rulebook, list_name: str, *, all_met: bool) -> bool:
    criteria = getattr(rulebook.criteria, list_name)
    if criteria is None:
        return True
    done = {
        a.criterion: a
        for a in CriterionAssessment.objects.filter(case=case, criteria_list=list_name)
    }
    for item in criteria.items:
        a = done.get(item.id)
        if a is None or (a.met is None and a.score is None):
            return False
        if all_met and a.met is not True:
            return False
    return True


def guards_holding(case: Case, rulebook: Rulebook, *, on: dt.date | None = None) -> set[str]:
    """Which of the rulebook's guard codes hold for ``case`` now."""
    on = on or today()
    phase = BoardNotice.Phase.IDEA if case.stage == Stage.IDEA else BoardNotice.Phase.APPLICATION
    version = latest_submitted(case)
    holding: set[str] = set(case.confirmed_guards or [])
    if criteria_done(case, rulebook, "idea", all_met=False):
        holding.add("idea_criteria_checked")
    if case.idea_answered_at:
        holding.add("idea_answered")
    if case.boards.exists() and boards_done(case, phase, on):
        holding.add("boards_informed")
    if not case.board_notices.filter(phase=BoardNotice.Phase.IDEA, backs=False).exists():
        holding.add("boards_back_idea")
    if (
        version is not None
        and not missing_sections(rulebook, version)
        and not missing_attachments(case, rulebook)
    ):
        holding.add("application_complete")
    result = check_eligibility(rulebook, eligibility_input(case))
    if not unexempted_failures(case, result):
        holding.add("eligibility_holds")
    if not [f for f in unexempted_failures(case, result) if f == "intake_round"]:
        holding.add("submitted_before_deadline")
    if criteria_done(case, rulebook, "basic", all_met=True):
        holding.add("basic_criteria_met")
    if criteria_done(case, rulebook, "assessment", all_met=False):
        holding.add("assessment_points_scored")
    if evaluation_schema_ready(case, rulebook):
        holding.add("evaluation_schema_attached")
    signatures = required_signatures(case) if version else []
    if version and all(
        s.signature for s in signatures if s.capacity == Signature.Capacity.DEPARTMENT_HEAD
    ):
        holding.add("department_heads_signed")
    if version and all(
        s.signature for s in signatures if s.capacity == Signature.Capacity.PARTNER_MANAGER
    ):
        holding.add("partner_managers_signed")
    if case.priority_rank is not None:
        holding.add("prioritised")
    limit = rulebook.grants.max_new_per_year
    if limit is None or grants_in_year(case.organisation, on.year, exclude=case) < limit:
        holding.add("within_yearly_grant_limit")
    if case.outcome:
        holding.add("decision_recorded")
    # Facts other apps keep: the payment and repayment plans approved in the fund
    # (satsa.cases.hooks); the schema built in follow-up is asked above.
    holding |= hooks.facts_holding(case, skip=holding | {"evaluation_schema_attached"})
    return holding


@dataclass(frozen=True)
class GuardState:
    code: str
    text: str
    holds: bool
    confirmable: bool


def guard_states(case: Case) -> list[GuardState]:
    """The guards of the case's current step, each with whether it holds."""
    step = current_step(case)
    if step is None:
        return []
    rulebook = rulebook_for(case)
    holding = guards_holding(case, rulebook)
    return [
        GuardState(code, guard_text(code), code in holding, code in CONFIRMED_GUARDS)
        for code in step.guards
        if code not in ("decision_recorded", "idea_answered")
    ]


def is_overdue(case: Case, on: dt.date | None = None) -> bool:
    return bool(case.step and case.step_due_on and case.step_due_on < (on or today()))


# --- who acts next ---------------------------------------------------------------------------


def actors_for_step(case: Case, role: str) -> list[Any]:
    """The people who act at a step with ``role``: applicants for the applicant's step,
    secretaries of the case's boards, heads of its departments, else everyone with the role."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if role in (Role.APPLICANT, Role.PROJECT_LEADER):
        ids = [case.created_by_id, *case.co_applicants.values_list("pk", flat=True)]
        return list(User.objects.filter(pk__in=[i for i in ids if i]))
    memberships = Membership.objects.active().filter(organisation=case.organisation, role=role)
    if role == Role.BOARD_SECRETARY:
        memberships = memberships.filter(board__in=case.boards.all())
    elif role == Role.DEPARTMENT_HEAD:
        memberships = memberships.filter(department__in=case.departments.all())
    return list(User.objects.filter(pk__in=memberships.values("user_id")).distinct())


def may_act_on_step(user: Any, case: Case, role: str) -> bool:
    """Whether ``user`` may move the case on from a step whose rulebook role is ``role``.

    Collective steps (the applicants', the boards', the department heads') are moved on by
    the coordinator who runs the process; the others only by the role itself.
    """
    roles = roles_in(user, case.organisation)
    if role in roles:
        return True
    collective = {Role.APPLICANT, Role.BOARD_SECRETARY, Role.DEPARTMENT_HEAD, Role.PROJECT_LEADER}
    return role in collective and Role.COORDINATOR in roles


@dataclass
class Task:
    case: Case
    what: str
    due: dt.date | None
    overdue: bool
    # Where the work is done; the case's overview when empty.
    url: str = ""


def tasks_for(user: Any, organisation: Organisation) -> list[Task]:
    """What ``user`` has to do now, in the order of the due dates: the pipeline's steps
    (``pipeline_tasks``) and every registered task source's, each in a fixed number of
    queries whatever the organisation holds."""
    on = today()
    tasks = pipeline_tasks(user, organisation, on)
    tasks += hooks.tasks_from_sources(user, organisation, on)
    tasks.sort(key=lambda t: (t.due or dt.date.max, t.case.pk))
    return tasks


# What a task reads of its case: the title and address it shows, and what decides it.
# The task sources read the same through their own rows (``case_fields("case")``).
TASK_CASE_FIELDS = (
    "id",
    "organisation_id",
    "title",
    "stage",
    "step",
    "rulebook_key",
    "step_due_on",
    "idea_submitted_at",
    "created_by_id",
)


def task_case_fields(relation: str) -> list[str]:
    """``TASK_CASE_FIELDS`` as read through ``relation`` (``only()`` of a source's rows)."""
    return [relation, *(f"{relation}__{name}" for name in TASK_CASE_FIELDS)]


def pipeline_tasks(user: Any, organisation: Organisation, on: dt.date) -> list[Task]:
    """The steps of the decision chain waiting for ``user``: a draft idea or application
    to hand in (the applicants), a board's comment (its secretary), a signature (the head
    of a department of the case), and the step itself (its role; the coordinator for the
    collective steps and for an application handed in).

    Only the cases at a step (or a draft of the person's own) are read, with what decides
    their tasks asked of the database in the same query; each step of each rulebook is
    looked up once, not once per case. Four queries at most, whatever the organisation
    holds.
    """
    from django.utils.translation import gettext as _

    roles = roles_in(user, organisation)
    visible = access.visible_cases(user, organisation)
    co_applied = Case.co_applicants.through.objects.filter(user_id=user.pk).values("case_id")
    applicant = Q(created_by_id=user.pk) | Q(pk__in=co_applied)
    draft = Q(stage=Stage.IDEA, idea_submitted_at__isnull=True)
    at_step = visible.filter(~Q(step="") | (draft & applicant)).order_by("pk")
    secretary = Role.BOARD_SECRETARY in roles
    notice_deadline: Any = Value(None, output_field=DateField())
    if secretary:
        # The first notice (in the notices' own order) still waiting for a board of the
        # person's: its deadline is the task's.
        pending = BoardNotice.objects.filter(
            case=OuterRef("pk"),
            commented_at__isnull=True,
            board__in=Membership.objects.active()
            .filter(user=user, organisation=organisation, role=Role.BOARD_SECRETARY)
            .values("board_id"),
        ).order_by("phase", "board__name", "pk")
        notice_deadline = Subquery(pending.values("deadline")[:1])
    cases = at_step.only(*TASK_CASE_FIELDS).annotate(
        applicant=ExpressionWrapper(applicant, output_field=BooleanField()),
        handed_in=Exists(
            ApplicationVersion.objects.filter(case=OuterRef("pk"), submitted_at__isnull=False)
        ),
        notice_deadline=notice_deadline,
    )
    unsigned = _unsigned_departments(user, organisation, at_step, roles)
    steps: dict[tuple[str, str], Any] = {}
    tasks: list[Task] = []
    for case in cases:
        if case.stage == Stage.IDEA and not case.idea_submitted_at and case.applicant:
            tasks.append(Task(case, _("Skriv klart och lämna in idén"), None, False))
            continue
        if not case.step:
            continue
        key = (case.rulebook_key, case.step)
        if key not in steps:
            steps[key] = current_step(case)
        step = steps[key]
        if step is None:
            continue
        overdue = is_overdue(case, on)
        if step.id == "application" and case.applicant:
            tasks.append(Task(case, _("Skriv och lämna in ansökan"), case.step_due_on, overdue))
        elif secretary and case.notice_deadline is not None:
            deadline = case.notice_deadline
            tasks.append(Task(case, _("Lämna nämndens synpunkter"), deadline, deadline < on))
        # one task for each of the person's departments still to sign the application
        tasks += [
            Task(case, _("Underteckna ansökan"), case.step_due_on, overdue)
            for _n in range(unsigned.get(case.pk, 0))
        ]
        collective = (Role.BOARD_SECRETARY, Role.DEPARTMENT_HEAD)
        runs_step = step.role != Role.APPLICANT and step.role in roles
        # The applicants' step, once they have handed in, is moved on by the coordinator.
        handed_in = step.role == Role.APPLICANT and case.handed_in
        if (runs_step and step.role not in collective) or (
            Role.COORDINATOR in roles and (step.role in collective or handed_in)
        ):
            tasks.append(Task(case, step.name_sv, case.step_due_on, overdue))
    return tasks


def _unsigned_departments(
    user: Any, organisation: Organisation, cases: QuerySet[Case], roles: frozenset[str]
) -> dict[int, int]:
    """Case id -> how many of the person's departments (as its head) have not signed the
    case's newest submitted application (as ``required_signatures`` finds), in one query."""
    if Role.DEPARTMENT_HEAD not in roles:
        return {}
    mine = Membership.objects.active().filter(
        user=user, organisation=organisation, role=Role.DEPARTMENT_HEAD
    )
    newest = ApplicationVersion.objects.filter(
        case=OuterRef("case_id"), submitted_at__isnull=False
    ).order_by("-number")
    signed = Signature.objects.filter(
        case=OuterRef("case_id"),
        department=OuterRef("department_id"),
        voided_at__isnull=True,
        content_hash=OuterRef("content_hash"),
    )
    rows = (
        Case.departments.through.objects.filter(
            case__in=cases.values("pk"), department__in=mine.values("department_id")
        )
        .annotate(content_hash=Subquery(newest.values("content_hash")[:1]))
        # an application has been handed in (Q: the annotation is unknown to the stubs)
        .filter(Q(content_hash__isnull=False))
        .exclude(Exists(signed))
        .values_list("case_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def pipeline_cases(
    user: Any,
    organisation: Organisation,
    *,
    board: int | None = None,
    year: int | None = None,
    status: str | None = None,
) -> QuerySet[Case]:
    """The visible cases filtered by board, year and phase, in the board's order."""
    cases = access.visible_cases(user, organisation)
    if board:
        cases = cases.filter(boards=board)
    if year:
        cases = cases.filter(
            Q(decided_on__year=year) | Q(decided_on__isnull=True, created_at__year=year)
        )
    if status:
        cases = cases.filter(stage=status)
    return cases.order_by(*PIPELINE_ORDER)


# The board's order within a phase: the nearest step first, then the newest case.
PIPELINE_ORDER = ("step_due_on", "-created_at", "-pk")


def pipeline(
    user: Any,
    organisation: Organisation,
    *,
    shown: int,
    board: int | None = None,
    year: int | None = None,
    status: str | None = None,
) -> list[tuple[str, str, list[Case], int]]:
    """The visible cases grouped by phase, filtered by board, year and phase: per phase
    its first ``shown`` cases and how many there are, in two queries whatever the phases."""
    cases = pipeline_cases(user, organisation, board=board, year=year, status=status)
    counts = dict(cases.order_by().values_list("stage").annotate(n=Count("pk", distinct=True)))
    order = [
        F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in PIPELINE_ORDER
    ]
    firsts = cases.annotate(
        place=Window(RowNumber(), partition_by=[F("stage")], order_by=order)
    ).filter(place__lte=shown)
    by_stage: dict[str, list[Case]] = {value: [] for value in Stage.values}
    for case in firsts:
        by_stage[case.stage].append(case)
    return [
        (value, str(label), by_stage[value], counts.get(value, 0)) for value, label in Stage.choices
    ]


def evaluation_schema_built(case: Case) -> bool:
    """The evaluation schema is built in Satsa, complete, with every measure's baseline
    value and date (the fact is kept by follow-up, see satsa.cases.hooks)."""
    return hooks.fact_holds("evaluation_schema_attached", case)


def evaluation_schema_ready(case: Case, rulebook: Rulebook | None = None) -> bool:
    """The evaluation schema is built in Satsa with every baseline. Where the rulebook
    requires baselines, an uploaded file is not enough: any file could be uploaded, and
    only the built schema holds baseline values that can be checked and evaluated
    against. Where it does not, an attached schema file will do."""
    if evaluation_schema_built(case):
        return True
    rulebook = rulebook or rulebook_for(case)
    if rulebook.evaluation is None or rulebook.evaluation.baseline_required:
        return False
    return current_attachments(case).filter(kind="evaluation_schema").exists()
