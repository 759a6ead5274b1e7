"""Changes of follow-up and evaluation. Each service validates first (Swedish messages),
changes atomically and writes an event; none takes a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satsa.cases import access, lifecycle
from satsa.cases.access import Action
from satsa.cases.lifecycle import stage_change
from satsa.cases.models import Case, Stage
from satsa.core.concurrency import check_version
from satsa.core.money import AUTO, kr
from satsa.core.uploads import check_document, document_name, read_upload
from satsa.evaluation import RealisedEffect, pseudonymise, realised_savings
from satsa.events.actors import system_actor
from satsa.events.services import event_record
from satsa.followup import ledger, selectors
from satsa.followup.imports import (
    MeasurementImportError,
    read_instrument_rows,
    read_person_measurements,
    upload_rows,
)
from satsa.followup.models import (
    Activity,
    EffectEvaluation,
    EvaluationSchema,
    FidelityCheck,
    FidelityRating,
    Frequency,
    Group,
    ImplementationDecision,
    ImplementationOutcome,
    ImportBatch,
    Instrument,
    InstrumentResult,
    Measure,
    MeasureKind,
    MeasureValue,
    PersonValue,
    PlanStatus,
    ProposalStatus,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
    SubGoal,
    TerminationProposal,
)
from satsa.followup.pseudonyms import pseudonym_key
from satsa.orgs.permissions import NotPermitted, has_perm
from satsa.orgs.roles import Perm
from satsa.rulebooks.selectors import rulebook_for
from satsa.types import Actor

__all__ = [
    "MeasurementImportError",
    "case_stage_set",
    "effect_evaluation_record",
    "effect_evaluation_settle",
    "implementation_decide",
    "individual_data_viewed",
    "instruments_import",
    "measure_value_record",
    "measurements_import",
    "report_approve",
    "report_attachment_add",
    "report_attachment_withdraw",
    "report_return",
    "report_save_draft",
    "report_submit",
    "reports_remind",
    "reports_schedule",
    "reports_schedule_all",
    "schema_activity_add",
    "schema_measure_add",
    "schema_save",
    "schema_subgoal_add",
    "termination_decide",
    "termination_propose",
]

REPORTING_STAGES = lifecycle.ACTIVE


def _check(actor: Actor, case: Case, action: Action, *perms: str) -> None:
    """The service's own permission check: ``actor`` may do ``action`` to ``case`` and,
    when ``perms`` are named, holds one of them in the case's organisation."""
    access.check(actor, case, action)
    if perms and not any(has_perm(actor, case.organisation, perm) for perm in perms):
        raise access.AccessDenied(_("Du har inte behörighet att göra detta."))


def _require_org(case: Case, obj: Any) -> None:
    if (
        obj is not None
        and getattr(obj, "organisation_id", case.organisation_id) != case.organisation_id
    ):
        raise ValidationError(_("Uppgiften hör till en annan organisation."))


# --- stage ----------------------------------------------------------------------------------


def case_stage_set(*, case: Case, actor: Actor, stage: str, reason: str) -> Case:
    """Move the case to ``stage`` for a follow-up decision (running, termination, closing,
    implementation) through the life cycle; a project that ends gives back to the fund
    what it will never claim, in the same transaction."""
    if stage not in (Stage.RUNNING, *lifecycle.ENDED):
        raise ValueError(f"follow-up does not move cases to {stage!r}")
    with transaction.atomic():
        before = lifecycle.locked_case(case).stage
        stage_change(case=case, to=stage, actor=actor, reason=reason)
        if stage != Stage.RUNNING and before in lifecycle.ACTIVE:
            # The release is a voucher people read: its text says why, not the code.
            ledger.release_remaining(case=case, reason=str(_RELEASE_TEXT.get(reason, reason)))
    return case


# Why a project ended, as the fund's release voucher says it (reasons not listed, such as
# the demo's notes, are already sentences).
_RELEASE_TEXT = {
    "termination_decided": gettext_lazy("Kommunstyrelsen beslutade att avbryta satsningen."),
    "final_report_approved": gettext_lazy("Slutrapporten är godkänd och projektet avslutat."),
    "implementation_decided": gettext_lazy("Kommunstyrelsen beslutade om implementering."),
    "not_implemented": gettext_lazy("Kommunstyrelsen beslutade att inte implementera."),
}


# --- the schema -----------------------------------------------------------------------------


_UNCHANGED: Any = object()


def schema_content(schema: EvaluationSchema | None) -> dict[str, Any]:
    """What the schema's edit form is loaded from; its version guards the save."""
    if schema is None:
        return {}
    return {
        "overall_goal": schema.overall_goal,
        "target_group": schema.target_group,
        "comparison_group": schema.comparison_group,
        "no_comparison_reason": schema.no_comparison_reason,
        "project_leader": schema.case.project_leader_id,
    }


def schema_save(
    *,
    case: Case,
    actor: Actor,
    overall_goal: str,
    target_group: str,
    comparison_group: str = "",
    no_comparison_reason: str = "",
    project_leader: Any = _UNCHANGED,
    version: str | None = None,
) -> EvaluationSchema:
    """Create or change the case's evaluation schema. ``version`` is that of the content
    the form was loaded from (:func:`schema_content`): a save over someone else's newer
    save is refused with :class:`~satsa.core.concurrency.StaleEdit`.

    The project leader is one of the case's people, named on the case (a schema saved
    without ``project_leader`` leaves them as they are); naming one here takes the same
    right as there."""
    _check(actor, case, Action.REPORT)
    if project_leader is _UNCHANGED:
        project_leader = case.project_leader
    elif getattr(project_leader, "pk", None) != case.project_leader_id:
        _check(actor, case, Action.MANAGE_PEOPLE)
    if not overall_goal.strip():
        raise ValidationError({"overall_goal": [_("Skriv det övergripande målet.")]})
    if not target_group.strip():
        raise ValidationError({"target_group": [_("Beskriv målgruppen.")]})
    if project_leader is not None:
        from satsa.orgs.permissions import roles_in

        if not roles_in(project_leader, case.organisation):
            raise ValidationError(
                {"project_leader": [_("Projektledaren måste ha en roll i organisationen.")]}
            )
    with transaction.atomic():
        # Lock, then compare with what the form was loaded from (lost updates).
        Case.objects.select_for_update().filter(pk=case.pk).first()
        existing = EvaluationSchema.objects.filter(case=case).first()
        check_version(expected=version, current=schema_content(existing))
        schema, created = EvaluationSchema.objects.get_or_create(
            case=case, defaults={"organisation": case.organisation}
        )
        schema.overall_goal = overall_goal.strip()
        schema.target_group = target_group.strip()
        schema.comparison_group = comparison_group.strip()
        schema.no_comparison_reason = no_comparison_reason.strip()
        schema.save()
        if case.project_leader_id != getattr(project_leader, "pk", None):
            case.project_leader = project_leader
            case.save(update_fields=["project_leader"])
        event_record(
            actor=actor,
            verb="followup.schema_saved",
            target=case,
            data={"created": created, "project_leader": getattr(project_leader, "pk", None)},
        )
    return schema


def schema_subgoal_add(*, schema: EvaluationSchema, actor: Actor, text: str) -> SubGoal:
    _check(actor, schema.case, Action.REPORT)
    if not text.strip():
        raise ValidationError({"text": [_("Skriv delmålet.")]})
    with transaction.atomic():
        subgoal = SubGoal.objects.create(
            schema=schema, text=text.strip(), position=schema.subgoals.count() + 1
        )
        event_record(
            actor=actor,
            verb="followup.subgoal_added",
            target=schema.case,
            data={"subgoal": subgoal.pk},
        )
    return subgoal


def schema_activity_add(*, subgoal: SubGoal, actor: Actor, text: str) -> Activity:
    _check(actor, subgoal.schema.case, Action.REPORT)
    if not text.strip():
        raise ValidationError({"text": [_("Beskriv aktiviteten.")]})
    with transaction.atomic():
        activity = Activity.objects.create(
            subgoal=subgoal, text=text.strip(), position=subgoal.activities.count() + 1
        )
        event_record(
            actor=actor,
            verb="followup.activity_added",
            target=subgoal.schema.case,
            data={"activity": activity.pk},
        )
    return activity


def schema_measure_add(
    *,
    schema: EvaluationSchema,
    actor: Actor,
    kind: str,
    name: str,
    unit: str,
    baseline_value: Decimal | None = None,
    baseline_date: dt.date | None = None,
    target_value: Decimal | None = None,
    source: str = "",
    frequency: str = Frequency.REPORTING,
    responsible: str = "",
    subgoal: SubGoal | None = None,
    activity: Activity | None = None,
    comparison_baseline_value: Decimal | None = None,
    effect_line_index: int | None = None,
    planned_n: int | None = None,
    planned_comparison_n: int | None = None,
    expected_sd: Decimal | None = None,
) -> Measure:
    _check(actor, schema.case, Action.REPORT)
    errors: dict[str, list[str]] = {}
    if expected_sd is not None and not expected_sd > 0:
        errors["expected_sd"] = [_("Standardavvikelsen ska vara större än noll.")]
    if kind not in MeasureKind.values:
        errors["kind"] = [_("Välj typ av mått.")]
    if not name.strip():
        errors["name"] = [_("Ge måttet ett namn.")]
    if not unit.strip():
        errors["unit"] = [_("Ange enheten (t.ex. antal, andel, poäng).")]
    if frequency not in Frequency.values:
        errors["frequency"] = [_("Välj hur ofta måttet mäts.")]
    if (baseline_value is None) != (baseline_date is None):
        errors["baseline_date"] = [_("Basmätningen behöver både ett värde och ett datum.")]
    if subgoal is not None and subgoal.schema_id != schema.pk:
        errors["subgoal"] = [_("Delmålet hör till ett annat schema.")]
    if activity is not None and activity.subgoal.schema_id != schema.pk:
        errors["activity"] = [_("Aktiviteten hör till ett annat schema.")]
    line_name = ""
    if kind == MeasureKind.ECONOMIC:
        lines = selectors.calculation_effect_lines(schema.case)
        if effect_line_index is None or not 0 <= effect_line_index < len(lines):
            errors["effect_line_index"] = [
                _("Ett ekonomiskt mått ska kopplas till en effektrad i ärendets kalkyl.")
            ]
        else:
            line_name = str(lines[effect_line_index].get("name", ""))
    elif effect_line_index is not None:
        errors["effect_line_index"] = [
            _("Bara ekonomiska mått kopplas till kalkylens effektrader.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        measure = Measure.objects.create(
            schema=schema,
            subgoal=subgoal,
            activity=activity,
            kind=kind,
            name=name.strip(),
            unit=unit.strip(),
            baseline_value=baseline_value,
            baseline_date=baseline_date,
            comparison_baseline_value=comparison_baseline_value,
            target_value=target_value,
            source=source.strip(),
            frequency=frequency,
            responsible=responsible.strip(),
            effect_line_index=effect_line_index if kind == MeasureKind.ECONOMIC else None,
            effect_line_name=line_name,
            planned_n=planned_n,
            planned_comparison_n=planned_comparison_n,
            expected_sd=expected_sd,
            position=schema.measures.count() + 1,
        )
        event_record(
            actor=actor,
            verb="followup.measure_added",
            target=schema.case,
            data={"measure": measure.pk, "kind": kind, "name": measure.name},
        )
    return measure


# --- measurements ---------------------------------------------------------------------------


def measure_value_record(
    *,
    measure: Measure,
    actor: Actor,
    group: str,
    period_label: str,
    measured_on: dt.date,
    value: Decimal,
    n: int | None = None,
    sd: Decimal | None = None,
) -> MeasureValue:
    _check(actor, measure.schema.case, Action.REPORT)
    errors: dict[str, list[str]] = {}
    if sd is not None and sd < 0:
        errors["sd"] = [_("Standardavvikelsen kan inte vara negativ.")]
    if group not in Group.values:
        errors["group"] = [_("Välj målgrupp eller jämförelsegrupp.")]
    if not period_label.strip():
        errors["period_label"] = [_("Ange perioden (t.ex. ”Delår 2 2025”).")]
    if n is not None and n < 0:
        errors["n"] = [_("Antalet kan inte vara negativt.")]
    if n is None and measure.about_people:
        errors["n"] = [_("Ange hur många personer värdet bygger på.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = MeasureValue.objects.update_or_create(
            measure=measure,
            group=group,
            measured_on=measured_on,
            defaults={
                "period_label": period_label.strip(),
                "value": value,
                "n": n,
                "sd": sd,
                "created_by": actor,
            },
        )
        event_record(
            actor=actor,
            verb="followup.measurement_recorded",
            target=measure.schema.case,
            data={
                "measure": measure.pk,
                "group": group,
                "measured_on": measured_on,
                "replaced": not created,
            },
        )
    return row


def measurements_import(
    *, measure: Measure, actor: Actor, content: bytes, filename: str
) -> ImportBatch:
    """Import individual-level values (``person,group,period,value``) of one measure.

    Every identifier is pseudonymised before anything is stored; only the pseudonym, the
    group, the occasion and the value are kept. A value already stored for the same
    person and occasion is replaced. Raises :class:`MeasurementImportError` naming the
    faulty rows; then nothing is changed. The tasks worker runs it (``followup/files.py``).
    """
    _check(actor, measure.schema.case, Action.REPORT)  # a hint: checked again under the lock
    rows = read_person_measurements(upload_rows(content, filename))
    key = pseudonym_key()
    pseudonymised = [(pseudonymise(m.person, key), m) for m in rows]
    with transaction.atomic():
        # Two imports of one measure at once: the second waits here, then finds the
        # first's people when it checks that nobody changes group.
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        case = Case.objects.select_related("organisation").get(pk=measure.schema.case_id)
        _check(actor, case, Action.REPORT)
        # The measure's people at once: an IN list of every pseudonym of a large file
        # would pass SQLite's limit on query parameters.
        existing = dict(
            PersonValue.objects.filter(measure=measure).values_list("pseudonym", "group")
        )
        conflicts = [
            f"rad {m.row}, kolumn 'group': personen finns redan i den andra gruppen i en tidigare import."
            for p, m in pseudonymised
            if p in existing and existing[p] != m.group
        ]
        if conflicts:
            raise MeasurementImportError(conflicts)
        batch = ImportBatch.objects.create(
            organisation=case.organisation,
            case=case,
            measure=measure,
            rows=len(rows),
            created_by=actor,
        )
        # One statement per thousand rows, so the lock is held briefly; a person's value
        # at an occasion already stored is replaced (the reader refuses the same person
        # and occasion twice in one file).
        PersonValue.objects.bulk_create(
            [
                PersonValue(
                    measure=measure,
                    pseudonym=pseudonym,
                    occasion=m.period,
                    group=m.group,
                    value=m.value,
                    batch=batch,
                )
                for pseudonym, m in pseudonymised
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["measure", "pseudonym", "occasion"],
            update_fields=["group", "value", "batch"],
        )
        event_record(
            actor=actor,
            verb="followup.measurements_imported",
            target=case,
            data={"measure": measure.pk, "rows": len(rows), "batch": batch.pk},
        )
    return batch


def instruments_import(
    *, case: Case, actor: Actor, instrument: str, content: bytes, filename: str
) -> ImportBatch:
    """Import SOC-13 item answers (scored here) or SDQ scale scores (validated here); all
    or nothing. The tasks worker runs it (``followup/files.py``)."""
    _check(actor, case, Action.REPORT)  # a hint: checked again under the lock
    if instrument not in Instrument.values:
        raise ValidationError({"instrument": [_("Välj instrument.")]})
    rows = read_instrument_rows(upload_rows(content, filename), instrument)
    key = pseudonym_key()
    with transaction.atomic():
        # Imports into one case wait for each other; the case is read again under the lock.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=case.pk)
        )
        _check(actor, case, Action.REPORT)
        batch = ImportBatch.objects.create(
            organisation=case.organisation,
            case=case,
            instrument=instrument,
            rows=len(rows),
            created_by=actor,
        )
        InstrumentResult.objects.bulk_create(
            [
                InstrumentResult(
                    case=case,
                    instrument=instrument,
                    pseudonym=pseudonymise(r.person, key),
                    occasion=r.occasion,
                    organisation=case.organisation,
                    batch=batch,
                    group=r.group,
                    answers=r.answers,
                    scores=r.scores,
                )
                for r in rows
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["case", "instrument", "pseudonym", "occasion"],
            update_fields=["organisation", "batch", "group", "answers", "scores"],
        )
        event_record(
            actor=actor,
            verb="followup.instruments_imported",
            target=case,
            data={"instrument": instrument, "rows": len(rows), "batch": batch.pk},
        )
    return batch


def individual_data_viewed(*, case: Case, actor: Actor, what: str) -> None:
    """Every view of (aggregates of) individual-level data leaves a row."""
    _check(actor, case, Action.VIEW, Perm.VIEW_INDIVIDUAL_DATA)
    event_record(
        actor=actor, verb="followup.individual_data_viewed", target=case, data={"what": what}
    )


# --- reports --------------------------------------------------------------------------------


def reports_schedule(*, case: Case, actor: Actor) -> list[Report]:
    """Create the reports the rulebook asks for (idempotent); returns the new ones."""
    _check(actor, case, Action.VIEW)
    if case.stage not in lifecycle.FOLLOWED:
        return []
    existing = set(Report.objects.filter(case=case).values_list("kind", "period_end"))
    new = [
        s
        for s in selectors.report_schedule(case)
        if (s.kind, s.period_end) not in existing
        and not (s.kind == ReportKind.PERIODIC and case.stage == Stage.TERMINATED)
    ]
    if not new:
        return []
    with transaction.atomic():
        created = [
            Report.objects.create(
                organisation=case.organisation,
                case=case,
                kind=s.kind,
                period_code=s.period_code,
                period_name=s.period_name,
                period_end=s.period_end,
                due_date=s.due_date,
            )
            for s in new
        ]
        event_record(
            actor=actor,
            verb="followup.reports_scheduled",
            target=case,
            data={"reports": [(r.kind, r.period_end) for r in created]},
        )
    return created


def reports_reschedule(*, case: Case, actor: Actor) -> list[Report]:
    """After a decision changed the project's period: reports of periods that no longer
    fall in it are dropped while nobody has begun them (not sent, no draft, no claim), the
    new periods' reports are created, and a scheduled follow-up evaluation moves with the
    end. Returns the reports created."""
    _check(actor, case, Action.VIEW)
    wanted = {(s.kind, s.period_end) for s in selectors.report_schedule(case)}
    with transaction.atomic():
        unbegun = Report.objects.select_for_update().filter(
            case=case,
            status=ReportStatus.SCHEDULED,
            claim_reference="",
            activities="",
            ways_of_working="",
            effects="",
            deviations="",
        )
        dropped = [
            r
            for r in unbegun
            if r.kind == ReportKind.FOLLOW_UP or (r.kind, r.period_end) not in wanted
        ]
        follow_up_moved = any(r.kind == ReportKind.FOLLOW_UP for r in dropped)
        for report in dropped:
            report.delete()
        if dropped:
            event_record(
                actor=actor,
                verb="followup.reports_rescheduled",
                target=case,
                data={"dropped": [(r.kind, r.period_end) for r in dropped]},
            )
        created = reports_schedule(case=case, actor=actor)
        if follow_up_moved:
            moved = follow_up_schedule(case=case, actor=actor)
            if moved is not None:
                created.append(moved)
    return created


def check_report_submit(report: Report) -> str | None:
    """Why ``report`` cannot be submitted now, or None; the page says so instead of
    offering a form the person may not send (report_submit checks it again)."""
    if report.status not in (ReportStatus.SCHEDULED, ReportStatus.RETURNED):
        return _("Rapporten är redan inlämnad.")
    if report.kind != ReportKind.FOLLOW_UP and report.case.stage not in REPORTING_STAGES:
        return _("Ärendet är inte i genomförande; rapporten kan inte lämnas.")
    return None


def _plan_status_clean(
    plan: selectors.ReportPlan, plan_status: Mapping[str, Mapping[str, str]] | None
) -> dict[str, dict[str, str]]:
    """The statuses given for the plan's activities (unknown activities dropped)."""
    given = plan_status or {}
    cleaned = {}
    for activity in plan.activities:
        entry = given.get(str(activity.id)) or {}
        status = str(entry.get("status") or "")
        if status and status not in PlanStatus.values:
            raise ValidationError(_("Okänt läge för en aktivitet."))
        cleaned[str(activity.id)] = {
            "status": status,
            "comment": str(entry.get("comment") or "").strip(),
        }
    return cleaned


def report_save_draft(
    *,
    report: Report,
    actor: Actor,
    activities: str = "",
    ways_of_working: str = "",
    effects: str = "",
    deviations: str = "",
    spent_to_date: Decimal | None = None,
    claim_amount: Decimal | None = None,
    plan_status: Mapping[str, Mapping[str, str]] | None = None,
    plan_progress: str = "",
    costs_incurred: Decimal | None = None,
) -> Report:
    """Keep what has been written so far, without submitting it; nothing is checked but
    that the report can still be written."""
    _check(actor, report.case, Action.REPORT)
    refusal = check_report_submit(report)
    if refusal is not None:
        raise ValidationError(refusal)
    plan = selectors.report_plan(report.case)
    cleaned_plan = _plan_status_clean(plan, plan_status)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status not in (ReportStatus.SCHEDULED, ReportStatus.RETURNED):
            raise ValidationError(_("Rapporten är redan inlämnad."))
        locked.activities = activities.strip()
        locked.ways_of_working = ways_of_working.strip()
        locked.effects = effects.strip()
        locked.deviations = deviations.strip()
        locked.spent_to_date = spent_to_date
        locked.claim_amount = claim_amount
        locked.costs_incurred = costs_incurred
        locked.plan_status = cleaned_plan
        locked.plan_progress = plan_progress.strip()
        locked.draft_saved_at = timezone.now()
        locked.save()
        event_record(
            actor=actor,
            verb="followup.report_draft_saved",
            target=locked,
            organisation=report.case.organisation,
            data={"case": report.case_id, "kind": locked.kind, "period_end": locked.period_end},
        )
    return locked


def report_attachment_add(*, report: Report, actor: Actor, file: Any) -> ReportAttachment:
    """Attach a document to a report that is still being written."""
    _check(actor, report.case, Action.REPORT)
    refusal = check_report_submit(report)
    if refusal is not None:
        raise ValidationError(refusal)
    if file is None or not file.size:
        raise ValidationError({"file": _("Välj en fil.")})
    if file.size > 20 * 1024 * 1024:
        raise ValidationError({"file": _("Filen får vara högst 20 MB.")})
    name = document_name(file.name or "")
    problem = check_document(name=name, data=read_upload(file))
    if problem is not None:
        raise ValidationError({"file": problem})
    with transaction.atomic():
        attachment = ReportAttachment.objects.create(
            report=report, file=file, original_name=name, uploaded_by=actor
        )
        event_record(
            actor=actor,
            verb="followup.report_attachment_added",
            target=report,
            organisation=report.case.organisation,
            data={"case": report.case_id, "name": name},
        )
    return attachment


def report_attachment_withdraw(*, attachment: ReportAttachment, actor: Actor) -> None:
    """Take an attachment off a report that has not been submitted."""
    report = attachment.report
    _check(actor, report.case, Action.REPORT)
    refusal = check_report_submit(report)
    if refusal is not None:
        raise ValidationError(refusal)
    with transaction.atomic():
        locked = ReportAttachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.withdrawn_at is not None:
            return
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        event_record(
            actor=actor,
            verb="followup.report_attachment_withdrawn",
            target=report,
            organisation=report.case.organisation,
            data={"case": report.case_id, "name": locked.original_name},
        )


def report_submit(
    *,
    report: Report,
    actor: Actor,
    activities: str,
    ways_of_working: str,
    effects: str,
    deviations: str = "",
    spent_to_date: Decimal | None = None,
    claim_amount: Decimal | None = None,
    plan_status: Mapping[str, Mapping[str, str]] | None = None,
    plan_progress: str = "",
    costs_incurred: Decimal | None = None,
) -> Report:
    """Submit a report; a periodic or final report carries its period's claim to the ledger.

    Every report is followed against the case's plan: each planned activity of the
    evaluation schema needs its status, and the application's implementation plan a word
    on how it is going. Where the rulebook asks for co-financing, the claim states the
    period's whole cost (``costs_incurred``), which the ledger checks it against."""
    _check(actor, report.case, Action.REPORT)
    case = report.case
    errors: dict[str, list[str]] = {}
    refusal = check_report_submit(report)
    if refusal is not None:
        raise ValidationError(refusal)
    plan = selectors.report_plan(case)
    cleaned_plan = _plan_status_clean(plan, plan_status)
    unset = [a.text for a in plan.activities if not cleaned_plan[str(a.id)]["status"]]
    if unset:
        errors["plan_status"] = [
            _("Ange läget för varje planerad aktivitet: %(activities)s.")
            % {"activities": ", ".join(unset)}
        ]
    if plan.implementation and not plan_progress.strip():
        errors["plan_progress"] = [_("Beskriv hur implementeringsplanen följs.")]
    if not activities.strip():
        errors["activities"] = [_("Beskriv de aktiviteter som genomförts.")]
    if report.kind != ReportKind.FOLLOW_UP and not ways_of_working.strip():
        errors["ways_of_working"] = [_("Beskriv arbetssätten.")]
    if not effects.strip():
        errors["effects"] = [_("Beskriv de effekter som uppnåtts.")]
    if claim_amount is not None and claim_amount < 0:
        errors["claim_amount"] = [_("Beloppet kan inte vara negativt.")]
    if report.kind != ReportKind.FOLLOW_UP and spent_to_date is None:
        errors["spent_to_date"] = [_("Ange hur mycket som förbrukats hittills.")]
    if claim_amount and case.granted_amount is not None:
        claimed = selectors.claimed_to_date(case) + claim_amount
        if claimed > case.granted_amount:
            errors["claim_amount"] = [
                _(
                    "Begärda utbetalningar (%(claimed)s) skulle överstiga det beviljade beloppet (%(granted)s)."
                )
                % {
                    "claimed": kr(claimed, decimals=AUTO),
                    "granted": kr(case.granted_amount, decimals=AUTO),
                }
            ]
    if claim_amount and "claim_amount" not in errors:
        refusals = ledger.co_financing_refusals(
            case=case, amount=claim_amount, costs_incurred=costs_incurred
        )
        for field, messages in refusals.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the report: two people pressing "submit" must not hand the claim over twice.
        status = (
            Report.objects.select_for_update().values_list("status", flat=True).get(pk=report.pk)
        )
        if status not in (ReportStatus.SCHEDULED, ReportStatus.RETURNED):
            raise ValidationError(_("Rapporten är redan inlämnad."))
        report.activities = activities.strip()
        report.ways_of_working = ways_of_working.strip()
        report.effects = effects.strip()
        report.deviations = deviations.strip()
        report.spent_to_date = spent_to_date
        report.claim_amount = claim_amount
        report.costs_incurred = costs_incurred
        report.plan_status = cleaned_plan
        report.plan_progress = plan_progress.strip()
        report.measures_snapshot = selectors.measures_snapshot(case)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.return_reason = ""
        report.save()
        if case.stage == Stage.DECIDED:
            # The first report shows the intervention has started.
            case_stage_set(case=case, actor=actor, stage=Stage.RUNNING, reason="first_report")
        event_record(
            actor=actor,
            verb="followup.report_submitted",
            target=report,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "kind": report.kind,
                "period_end": report.period_end,
                "claim": claim_amount,
            },
        )
        if claim_amount and not report.claim_reference:
            reference = ledger.claim_to_ledger(report=report, actor=actor)
            report.claim_reference = reference
            report.save(update_fields=["claim_reference"])
            event_record(
                actor=actor,
                verb="followup.claim_handed_to_ledger",
                target=report,
                organisation=case.organisation,
                data={"case": case.pk, "amount": claim_amount, "ledger_reference": reference},
            )
    return report


def report_return(*, report: Report, actor: Actor, reason: str) -> Report:
    _check(actor, report.case, Action.VIEW, Perm.MANAGE_EVALUATION)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Bara inlämnade rapporter kan återsändas."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Skriv vad som behöver kompletteras.")]})
    with transaction.atomic():
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
        report.save(update_fields=["status", "return_reason"])
        event_record(
            actor=actor,
            verb="followup.report_returned",
            target=report,
            organisation=report.organisation,
            data={"case": report.case_id, "reason": report.return_reason},
        )
    return report


def report_approve(*, report: Report, actor: Actor) -> Report:
    """Approve a report. Approving the final report closes the case and schedules the
    follow-up evaluation."""
    _check(actor, report.case, Action.VIEW, Perm.MANAGE_EVALUATION)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Bara inlämnade rapporter kan godkännas."))
    if report.submitted_by_id is not None and report.submitted_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Den som lämnat in rapporten kan inte själv godkänna den."))
    with transaction.atomic():
        # Lock: two reviewers approving at once must not close the case twice.
        status = (
            Report.objects.select_for_update().values_list("status", flat=True).get(pk=report.pk)
        )
        if status != ReportStatus.SUBMITTED:
            raise ValidationError(_("Bara inlämnade rapporter kan godkännas."))
        report.status = ReportStatus.APPROVED
        report.approved_by = actor
        report.approved_at = timezone.now()
        report.save(update_fields=["status", "approved_by", "approved_at"])
        event_record(
            actor=actor,
            verb="followup.report_approved",
            target=report,
            organisation=report.organisation,
            data={"case": report.case_id, "kind": report.kind},
        )
        case = report.case
        if report.kind == ReportKind.FINAL and case.stage in REPORTING_STAGES:
            case_stage_set(
                case=case, actor=actor, stage=Stage.CLOSED, reason="final_report_approved"
            )
            follow_up_schedule(case=case, actor=actor)
    return report


def follow_up_schedule(*, case: Case, actor: Actor) -> Report | None:
    """Schedule the follow-up evaluation 1–3 years after the end (when the case closes)."""
    _check(actor, case, Action.VIEW)
    if case.end_date is None:
        return None
    years = selectors.follow_up_years(case)
    try:
        end = case.end_date.replace(year=case.end_date.year + years)
    except ValueError:  # 29 February
        end = case.end_date.replace(year=case.end_date.year + years, day=28)
    report, created = Report.objects.get_or_create(
        case=case,
        kind=ReportKind.FOLLOW_UP,
        period_end=end,
        defaults={
            "organisation": case.organisation,
            "period_code": "follow_up",
            "period_name": _("%(years)d år efter avslut") % {"years": years},
            "due_date": end + dt.timedelta(days=selectors.REPORT_DUE_DAYS),
        },
    )
    if created:
        event_record(
            actor=actor,
            verb="followup.follow_up_scheduled",
            target=case,
            data={"period_end": end, "years_after_end": years},
        )
    return report


def reports_schedule_all() -> int:
    """Give every followed case the reports its rulebook asks for (idempotent): for cases
    decided before reports were scheduled on the decision. Returns how many were created."""
    return sum(
        len(reports_schedule(case=case, actor=system_actor()))
        for case in Case.objects.followed().select_related("organisation")
    )


def reports_remind(*, on: dt.date) -> int:
    """Record a reminder for every report due within ``REMINDER_DAYS`` that has not had one;
    its notification (``satsa/followup/notifications.py``) e-mails the report's writers.
    Returns how many reminders had someone to go to."""
    sent = 0
    reports_schedule_all()
    for report in selectors.reports_due_for_reminder(on):
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.reminded_at is not None:
                continue
            recipients = [p for p in selectors.report_writers(report) if p.email]
            if recipients:
                sent += 1
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            event_record(
                actor=system_actor(),
                verb="followup.report_reminded",
                target=locked,
                organisation=locked.organisation,
                data={
                    "case": locked.case_id,
                    "due_date": locked.due_date,
                    "recipients": len(recipients),
                },
            )
    return sent


# --- effect evaluation ----------------------------------------------------------------------


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: [_("Ange ett tal.")]}) from error
    if not number.is_finite():
        raise ValidationError({field: [_("Ange ett tal.")]})
    return number


def derived_volume(measure: Measure) -> Decimal | None:
    """Units avoided by the target group: baseline − latest value, net of the comparison
    group's own change when both its values are known (a difference-in-differences on the
    aggregates)."""
    latest = selectors.latest_value(measure, Group.TREATMENT)
    if latest is None or measure.baseline_value is None:
        return None
    volume = measure.baseline_value - latest
    comparison = selectors.latest_value(measure, Group.CONTROL)
    if comparison is not None and measure.comparison_baseline_value is not None:
        volume -= measure.comparison_baseline_value - comparison
    return volume


def expected_savings(case: Case) -> dict[str, Decimal]:
    """The calculation's expected savings per actor over the years its volumes name
    (volume × unit cost, nominal, before deadweight and discounting)."""
    out: dict[str, Decimal] = {}
    for line in selectors.calculation_effect_lines(case):
        volume = line.get("volume") or {}
        total = (
            sum((Decimal(str(v)) for v in volume.values()), Decimal(0))
            if isinstance(volume, dict)
            else Decimal(0)
        )
        actor = str(line.get("actor", ""))
        amount = (total * Decimal(str(line.get("unit_cost", 0)))).quantize(Decimal("0.01"))
        out[actor] = out.get(actor, Decimal(0)) + amount
    return out


def effect_evaluation_record(
    *,
    case: Case,
    actor: Actor,
    conclusion: str = "",
    volumes: Mapping[int, Decimal] | None = None,
) -> EffectEvaluation:
    """Record the effect evaluation: for every measure and instrument score with
    individual-level data, the change from baseline, the difference-in-differences with its
    confidence interval and the effect sizes (satsa.evaluation, small groups refused); for
    every other effect measure with a baseline and a follow-up value, the same from its
    aggregates (satsa.evaluation.aggregate); for
    every economic measure, the realised volume valued at the calculation's unit cost,
    giving realised savings per board beside the expected ones.

    ``volumes`` overrides the derived realised volume per economic measure id.
    """
    _check(actor, case, Action.VIEW, Perm.MANAGE_EVALUATION)
    schema = selectors.schema_of(case)
    if schema is None:
        raise ValidationError(_("Ärendet har inget utvärderingsschema."))
    if case.stage not in lifecycle.FOLLOWED - {Stage.IMPLEMENTED}:
        raise ValidationError(_("Ärendet följs inte upp i sitt nuvarande skede."))
    volumes = dict(volumes or {})
    results: dict[str, list[dict[str, Any]]] = {
        "measures": [],
        "instruments": [],
        "aggregates": [],
        "series": [],
    }
    for m in schema.measures.all():
        rows = selectors.person_measurements(m)
        if rows:
            results["measures"].append(
                {
                    "measure": m.pk,
                    "name": m.name,
                    "unit": m.unit,
                    "report": selectors.evaluation_of(rows),
                }
            )
    # Effect measures followed in aggregate only (a value per group and period, as most
    # municipal follow-up is) are evaluated from those values. Economic measures are
    # evaluated below, as realised volumes of their effect lines.
    for m in schema.measures.exclude(kind__in=(MeasureKind.ACTIVITY, MeasureKind.ECONOMIC)):
        if any(r["measure"] == m.pk for r in results["measures"]):
            continue
        report = selectors.aggregate_evaluation_of(m)
        if report is not None:
            results["aggregates"].append(
                {"measure": m.pk, "name": m.name, "unit": m.unit, "report": report}
            )
        # A long series around the start (monthly costs, placements) also gets an
        # interrupted time series.
        series = selectors.its_of(m)
        if series is not None:
            results["series"].append(
                {"measure": m.pk, "name": m.name, "unit": m.unit, "report": series}
            )
    for instrument, scores in selectors.INSTRUMENT_SCORES.items():
        for score, label in scores:
            rows = selectors.instrument_measurements(case, instrument, score)
            if rows:
                results["instruments"].append(
                    {
                        "instrument": instrument,
                        "score": score,
                        "name": label,
                        "report": selectors.evaluation_of(rows),
                    }
                )
    lines: list[dict[str, Any]] = []
    effects: list[RealisedEffect] = []
    errors: dict[str, list[str]] = {}
    for m in schema.measures.filter(kind=MeasureKind.ECONOMIC):
        line = selectors.effect_line_of(m)
        if line is None:
            errors[f"volume_{m.pk}"] = [
                _("Måttet ”%(name)s” saknar effektrad i kalkylen.") % {"name": m.name}
            ]
            continue
        volume = volumes.get(m.pk)
        volume = _decimal(volume, f"volume_{m.pk}") if volume is not None else derived_volume(m)
        if volume is None:
            continue
        unit_cost = _decimal(line.get("unit_cost", 0), f"volume_{m.pk}")
        actor_name = str(line.get("actor", ""))
        effects.append(RealisedEffect(actor_name, volume, unit_cost, m.name))
        # What the calculation expected of this line, per year and in total, beside what
        # was realised (ECONOMICS.md §5 "effects": volume is {year: units}).
        volume_by_year = line.get("volume")
        planned: dict[Any, Any] = volume_by_year if isinstance(volume_by_year, dict) else {}
        expected_by_year = {str(y): str(_decimal(v, f"volume_{m.pk}")) for y, v in planned.items()}
        expected_volume = sum((Decimal(v) for v in expected_by_year.values()), Decimal(0))
        lines.append(
            {
                "measure": m.pk,
                "name": m.name,
                "effect_line": str(line.get("name", "")),
                "actor": actor_name,
                "unit": str(line.get("unit", m.unit)),
                "unit_cost": str(unit_cost),
                "volume": str(volume),
                "saving": str((volume * unit_cost).quantize(Decimal("0.01"))),
                "expected_volume_by_year": expected_by_year,
                "expected_volume": str(expected_volume),
                "expected_saving": str((expected_volume * unit_cost).quantize(Decimal("0.01"))),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not any(results.values()) and not lines:
        raise ValidationError(
            _(
                "Det finns inga individdata, inga mått med basvärde och uppföljningsvärde och "
                "inga ekonomiska mått med värden att utvärdera ännu."
            )
        )
    realised = realised_savings(effects) if effects else {}
    with transaction.atomic():
        evaluation = EffectEvaluation.objects.create(
            organisation=case.organisation,
            case=case,
            results=results,
            economic_lines=lines,
            realised_savings={board: str(amount) for board, amount in realised.items()},
            expected_savings={
                board: str(amount) for board, amount in expected_savings(case).items()
            },
            conclusion=conclusion.strip(),
            created_by=actor,
        )
        event_record(
            actor=actor,
            verb="followup.effect_evaluation_recorded",
            target=case,
            data={
                "evaluation": evaluation.pk,
                "realised_savings": evaluation.realised_savings,
                "refused": sum(
                    len(r["report"]["refused"]) for part in results.values() for r in part
                ),
            },
        )
    return evaluation


def effect_evaluation_settle(*, evaluation: EffectEvaluation, actor: Actor) -> EffectEvaluation:
    """Hand the realised savings per board to the ledger's repayment settlement."""
    _check(actor, evaluation.case, Action.VIEW, Perm.MANAGE_EVALUATION)
    if evaluation.settled_at is not None:
        raise ValidationError(
            _("De realiserade besparingarna är redan överlämnade till återföringen.")
        )
    if not evaluation.realised_savings:
        raise ValidationError(
            _("Effektutvärderingen har inga realiserade besparingar att lämna över.")
        )
    savings = {board: Decimal(amount) for board, amount in evaluation.realised_savings.items()}
    with transaction.atomic():
        evaluation = EffectEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.settled_at is not None:
            raise ValidationError(
                _("De realiserade besparingarna är redan överlämnade till återföringen.")
            )
        reference = ledger.settlement_to_ledger(
            case=evaluation.case,
            actor=actor,
            realised_savings=savings,
            reference=_("Effektutvärdering %(date)s")
            % {"date": evaluation.created_at.date().isoformat()},
        )
        evaluation.settlement_reference = reference
        evaluation.settled_at = timezone.now()
        evaluation.save(update_fields=["settlement_reference", "settled_at"])
        event_record(
            actor=actor,
            verb="followup.settlement_requested",
            target=evaluation.case,
            data={
                "evaluation": evaluation.pk,
                "realised_savings": evaluation.realised_savings,
                "ledger_reference": reference,
            },
        )
    return evaluation


# --- closing the life cycle -----------------------------------------------------------------


def termination_conditions(case: Case) -> list[tuple[str, str]]:
    """The rulebook's conditions for reaching the intended result (criteria.continuation),
    as (id, Swedish text); empty when the guideline names none."""
    criteria = rulebook_for(case).criteria.continuation
    return [(item.id, item.text_sv) for item in criteria.items] if criteria else []


def check_termination_propose(*, actor: Actor, case: Case) -> None:
    """Why ``actor`` may not propose termination now, raised before the form is filled in."""
    access.check(actor, case, Action.VIEW)
    if not (
        has_perm(actor, case.organisation, Perm.SIGN_APPLICATION)
        or has_perm(actor, case.organisation, Perm.MANAGE_EVALUATION)
    ):
        raise NotPermitted(
            _(
                "Avbrytande föreslås av utvärderingsteamet eller en förvaltningschef; "
                "projektägaren tar sedan ställning och kommunstyrelsen beslutar."
            )
        )
    if case.stage not in REPORTING_STAGES:
        raise ValidationError(_("Bara beviljade ärenden i genomförande kan föreslås avbrytas."))
    if TerminationProposal.objects.filter(case=case, status=ProposalStatus.PROPOSED).exists():
        raise ValidationError(_("Det finns redan ett förslag om avbrytande som väntar på beslut."))


def termination_propose(
    *,
    case: Case,
    actor: Actor,
    reasons: str,
    assessment: Mapping[str, Mapping[str, Any]] | None = None,
) -> TerminationProposal:
    """Propose ending the project early, assessing each of the rulebook's conditions for
    reaching the intended result (``assessment``: {id: {"met": bool, "comment": str}});
    at least one must no longer hold. The project owner takes a position next."""
    check_termination_propose(actor=actor, case=case)
    if not reasons.strip():
        raise ValidationError({"reasons": [_("Skriv skälen till att satsningen bör avbrytas.")]})
    conditions = termination_conditions(case)
    assessment = dict(assessment or {})
    clean: dict[str, dict[str, Any]] = {}
    if conditions:
        missing = [text for cid, text in conditions if cid not in assessment]
        if missing:
            raise ValidationError(
                {
                    "assessment": [
                        _("Bedöm varje förutsättning: %(list)s") % {"list": " ".join(missing)}
                    ]
                }
            )
        for cid, _text in conditions:
            verdict = assessment[cid]
            clean[cid] = {
                "met": bool(verdict.get("met")),
                "comment": str(verdict.get("comment", "")).strip(),
            }
        if all(v["met"] for v in clean.values()):
            raise ValidationError(
                {
                    "assessment": [
                        _(
                            "Alla förutsättningar är uppfyllda; ange vilken som inte längre "
                            "håller för att föreslå avbrytande."
                        )
                    ]
                }
            )
    with transaction.atomic():
        lifecycle.locked_case(case)
        check_termination_propose(actor=actor, case=case)
        proposal = TerminationProposal.objects.create(
            organisation=case.organisation,
            case=case,
            reasons=reasons.strip(),
            assessment=clean,
            proposed_by=actor,
        )
        event_record(
            actor=actor,
            verb="followup.termination_proposed",
            target=case,
            data={
                "proposal": proposal.pk,
                "reasons": proposal.reasons,
                "not_met": [cid for cid, v in clean.items() if not v["met"]],
            },
        )
    return proposal


def check_termination_position(*, actor: Actor, proposal: TerminationProposal) -> None:
    """Only the case's project owner takes the owner's position, once, before the decision."""
    case = proposal.case
    access.check(actor, case, Action.VIEW)
    if case.project_owner_id is None:
        raise ValidationError(
            _(
                "Ärendet har ingen projektägare. Processledaren namnger projektägaren under "
                "ärendets personer; projektägaren tar sedan ställning."
            )
        )
    if case.project_owner_id != getattr(actor, "pk", None):
        raise NotPermitted(
            _("Projektägaren %(owner)s tar ställning till förslaget.")
            % {"owner": case.project_owner}
        )
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("Förslaget är redan avgjort."))
    if proposal.owner_at is not None:
        raise ValidationError(_("Projektägaren har redan tagit ställning."))


def termination_position(
    *, proposal: TerminationProposal, actor: Actor, supports: bool, comment: str
) -> TerminationProposal:
    """The project owner's position on the proposal, which the executive board decides on."""
    check_termination_position(actor=actor, proposal=proposal)
    if not comment.strip():
        raise ValidationError({"comment": [_("Skriv projektägarens ställningstagande.")]})
    with transaction.atomic():
        lifecycle.locked_case(proposal.case)
        proposal = TerminationProposal.objects.select_for_update().get(pk=proposal.pk)
        check_termination_position(actor=actor, proposal=proposal)
        proposal.owner_supports = supports
        proposal.owner_comment = comment.strip()
        proposal.owner_by = actor
        proposal.owner_at = timezone.now()
        proposal.save(update_fields=["owner_supports", "owner_comment", "owner_by", "owner_at"])
        event_record(
            actor=actor,
            verb="followup.termination_owner_position",
            target=proposal.case,
            data={"proposal": proposal.pk, "supports": supports, "comment": proposal.owner_comment},
        )
    return proposal


def check_termination_decide(*, actor: Actor, proposal: TerminationProposal) -> None:
    """Why ``actor`` may not record the executive board's decision now (before the form)."""
    access.check(actor, proposal.case, Action.VIEW)
    if not has_perm(actor, proposal.case.organisation, Perm.RECORD_DECISION):
        raise NotPermitted(
            _(
                "Kommunstyrelsen beslutar om avbrytande; beslutet registreras av den som "
                "registrerar kommunstyrelsens beslut."
            )
        )
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("Förslaget är redan avgjort."))
    if proposal.owner_at is None:
        raise ValidationError(
            _(
                "Projektägaren tar ställning till förslaget först; därefter beslutar "
                "kommunstyrelsen."
            )
        )


def termination_decide(
    *,
    proposal: TerminationProposal,
    actor: Actor,
    terminate: bool,
    reasons: str,
    decided_on: dt.date,
) -> TerminationProposal:
    """The executive board's decision, after the project owner's position: terminate the
    case (what it never claimed goes back to the fund), or let it continue."""
    _check(actor, proposal.case, Action.VIEW, Perm.RECORD_DECISION)
    if not reasons.strip():
        raise ValidationError({"reasons": [_("Skriv beslutets motivering.")]})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": [_("Beslutsdatumet kan inte ligga i framtiden.")]})
    with transaction.atomic():
        # Race: the board's decision entered twice (two secretaries, a double click). Lock
        # the case, then the proposal, and check the stored status inside the lock.
        lifecycle.locked_case(proposal.case)
        proposal = TerminationProposal.objects.select_for_update().get(pk=proposal.pk)
        check_termination_decide(actor=actor, proposal=proposal)
        proposal.status = ProposalStatus.TERMINATED if terminate else ProposalStatus.CONTINUED
        proposal.decision_reasons = reasons.strip()
        proposal.decided_on = decided_on
        proposal.decided_by = actor
        proposal.save()
        event_record(
            actor=actor,
            verb="followup.termination_decided",
            target=proposal.case,
            data={
                "proposal": proposal.pk,
                "terminate": terminate,
                "reasons": proposal.decision_reasons,
                "decided_on": decided_on,
            },
        )
        if terminate:
            case = proposal.case
            # Ending the project releases its unclaimed commitment to the fund (a ledger
            # counter-entry, satsa.funds), in this transaction.
            case_stage_set(
                case=case, actor=actor, stage=Stage.TERMINATED, reason="termination_decided"
            )
            # Periodic reports after the decision are not written; the final report is.
            Report.objects.filter(
                case=case,
                kind=ReportKind.PERIODIC,
                status=ReportStatus.SCHEDULED,
                period_end__gt=decided_on,
            ).delete()
            # The final report covers the project up to the decision and falls due as long
            # after it as the rulebook gives after a planned end.
            for final in Report.objects.select_for_update().filter(
                case=case,
                kind=ReportKind.FINAL,
                status=ReportStatus.SCHEDULED,
                period_end__gt=decided_on,
            ):
                final.due_date = decided_on + (final.due_date - final.period_end)
                final.period_end = decided_on
                final.save(update_fields=["due_date", "period_end"])
    return proposal


def _implementation_permission(actor: Actor, case: Case) -> None:
    access.check(actor, case, Action.VIEW)
    if not has_perm(actor, case.organisation, Perm.RECORD_DECISION):
        raise NotPermitted(
            _(
                "Implementeringsbeslutet fattas av kommunstyrelsen och registreras av den "
                "som registrerar kommunstyrelsens beslut."
            )
        )


def check_implementation_decide(*, actor: Actor, case: Case) -> None:
    """Why ``actor`` may not record the implementation decision now, raised before any
    form is filled in (:func:`implementation_decide` asks again under its lock)."""
    _implementation_permission(actor, case)
    if ImplementationDecision.objects.filter(case=case).exists():
        raise ValidationError(_("Implementeringsbeslutet är redan fattat."))
    if not lifecycle.may_move(case, Stage.IMPLEMENTED):
        raise ValidationError(_("Ärendet är inte i ett skede där implementering kan beslutas."))
    if selectors.latest_evaluation(case) is None:
        raise ValidationError(
            _(
                "Implementering beslutas på grundval av en effektutvärdering (av individdata "
                "eller av aggregerade värden); registrera den först."
            )
        )


def implementation_decide(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    reasons: str,
    decided_on: dt.date,
    parts: str = "",
    replaces: str = "",
    scale_up_groups: str = "",
) -> ImplementationDecision:
    """The executive board's implementation and scale-up decision; implementing moves the
    case to "implemented" and schedules the follow-up evaluation 1–3 years after the end."""
    _implementation_permission(actor, case)
    errors: dict[str, list[str]] = {}
    if outcome not in ImplementationOutcome.values:
        errors["outcome"] = [_("Välj beslut.")]
    if not reasons.strip():
        errors["reasons"] = [_("Skriv beslutets motivering.")]
    if outcome == ImplementationOutcome.PARTS and not parts.strip():
        errors["parts"] = [_("Ange vilka delar som går in i ordinarie verksamhet.")]
    if (
        outcome in (ImplementationOutcome.WHOLE, ImplementationOutcome.PARTS)
        and not replaces.strip()
    ):
        errors["replaces"] = [
            _("Ange vilket ordinarie arbete satsningen ersätter (eller ”inget”).")
        ]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("Beslutsdatumet kan inte ligga i framtiden.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock, then check: two secretaries entering the same decision record it once.
        lifecycle.locked_case(case)
        check_implementation_decide(actor=actor, case=case)
        decision = ImplementationDecision.objects.create(
            organisation=case.organisation,
            case=case,
            outcome=outcome,
            parts=parts.strip(),
            replaces=replaces.strip(),
            scale_up_groups=scale_up_groups.strip(),
            reasons=reasons.strip(),
            decided_on=decided_on,
            decided_by=actor,
        )
        event_record(
            actor=actor,
            verb="followup.implementation_decided",
            target=case,
            data={
                "decision": decision.pk,
                "outcome": outcome,
                "parts": decision.parts,
                "replaces": decision.replaces,
                "scale_up_groups": decision.scale_up_groups,
                "reasons": decision.reasons,
            },
        )
        if outcome != ImplementationOutcome.NONE:
            case_stage_set(
                case=case, actor=actor, stage=Stage.IMPLEMENTED, reason="implementation_decided"
            )
            # Whichever way the case reached implementation (straight from running, or
            # closed after its final report), the follow-up evaluation is scheduled.
            follow_up_schedule(case=case, actor=actor)
        elif case.stage in REPORTING_STAGES:
            case_stage_set(case=case, actor=actor, stage=Stage.CLOSED, reason="not_implemented")
            follow_up_schedule(case=case, actor=actor)
    return decision


# --- fidelity to the method -------------------------------------------------------------


def fidelity_check_record(
    *,
    case: Case,
    method: str,
    checked_on: dt.date,
    components: list[tuple[str, Any, str]],
    actor: Actor,
    note: str = "",
) -> FidelityCheck:
    """Record a check of fidelity to the case's method: ``components`` holds each core
    component's name, rating (a FidelityRating value) and comment, in order."""
    _check(actor, case, Action.REPORT)
    errors: dict[str, list[str]] = {}
    if not method.strip():
        errors["method"] = [_("Ange vilken metod som bedöms.")]
    if checked_on > timezone.localdate():
        errors["checked_on"] = [_("Datumet ligger i framtiden.")]
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    problems: list[str] = []
    valid = {str(value) for value in FidelityRating.values}
    for number, (name, rating, comment) in enumerate(components, start=1):
        name = name.strip()
        if not name:
            problems.append(_("Komponent %(n)s saknar namn.") % {"n": number})
            continue
        if str(rating) not in valid:
            problems.append(_("Ange hur komponenten ”%(name)s” följs.") % {"name": name})
            continue
        if name.casefold() in seen:
            problems.append(_("Komponenten ”%(name)s” finns två gånger.") % {"name": name})
            continue
        seen.add(name.casefold())
        clean.append({"component": name, "rating": int(rating), "comment": comment.strip()})
    if not components:
        problems.append(_("Ange minst en av metodens kärnkomponenter."))
    if problems:
        errors["components"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check = FidelityCheck.objects.create(
            organisation=case.organisation,
            case=case,
            method=method.strip(),
            checked_on=checked_on,
            components=clean,
            note=note.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="followup.fidelity_checked",
            target=case,
            data={
                "check": check.pk,
                "method": check.method,
                "checked_on": checked_on,
                "score": round(check.score, 3),
            },
        )
    return check
