"""Reads of follow-up and evaluation: who sees which case, schedules, aggregates, signals.

Every aggregate of individual-level data leaves this module through
:mod:`satsa.evaluation`'s suppression, so no screen, export or API answer can show a
group of fewer than five people.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.calculations.models import Calculation
from satsa.cases import access, lifecycle
from satsa.cases.models import Case
from satsa.core.money import AUTO, kr
from satsa.evaluation import (
    MIN_GROUP_SIZE,
    SUPPRESSED,
    Measurement,
    evaluate_measurements,
    is_reportable,
    suppress,
)
from satsa.evaluation.aggregate import (
    AggregateValue,
    Kind,
    aggregate_event_study,
    evaluate_aggregates,
)
from satsa.evaluation.errors import EvaluationError
from satsa.evaluation.its import MIN_POINTS as MIN_ITS_POINTS
from satsa.evaluation.its import interrupted_time_series
from satsa.evaluation.power import TARGET_POWER, n_for_power, power_difference
from satsa.evaluation.suppression import value_is_shown
from satsa.followup.models import (
    Activity,
    EffectEvaluation,
    EvaluationSchema,
    FidelityCheck,
    Group,
    ImplementationDecision,
    Instrument,
    InstrumentResult,
    Measure,
    MeasureKind,
    MeasureValue,
    Occasion,
    PersonValue,
    ProposalStatus,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
    SubGoal,
    TerminationProposal,
)
from satsa.orgs.models import Organisation
from satsa.rulebooks.selectors import rulebook_for

# Stages in which a case is followed up.
# A report is due this many days after the end of its period (the guidelines name the
# reporting points, not a deadline: one month is the working assumption, see docs).
REPORT_DUE_DAYS = 30
# The final report is due this many days after the end of the project.
FINAL_REPORT_DUE_DAYS = 90
# Reminders go out this many days before a report is due.
REMINDER_DAYS = 14
# Off-plan: a measure whose progress towards its target is below this share of the
# project's elapsed time (e.g. 30 % of the way with 80 % of the time gone) …
BEHIND_TARGET_SHARE = 0.5
# … judged only once this share of the project's time has passed.
BEHIND_TARGET_FROM_ELAPSED = 0.25
# Off-plan: spending that differs from the budget to date by more than this share.
BUDGET_TOLERANCE = Decimal("0.20")


def today() -> dt.date:
    return timezone.localdate()


# --- access ------------------------------------------------------------------------------


# --- the schema ---------------------------------------------------------------------------


def schema_of(case: Case) -> EvaluationSchema | None:
    try:
        return case.evaluation_schema
    except ObjectDoesNotExist:
        return None


def report_writers(report: Report) -> list[Any]:
    """The people who write a case's reports: its applicant and its project leader."""
    case = report.case
    people = [case.created_by, case.project_leader]
    return list({p.pk: p for p in people if p is not None}.values())


def calculation_effect_lines(case: Case) -> list[dict[str, Any]]:
    """The effect lines of the case's calculation (ECONOMICS.md §5 ``effects``)."""
    try:
        calculation = case.calculation
    except (ObjectDoesNotExist, AttributeError):
        return []
    effects = (calculation.data or {}).get("effects") or []
    return [e for e in effects if isinstance(e, dict)]


def effect_line_of(measure: Measure) -> dict[str, Any] | None:
    if measure.effect_line_index is None:
        return None
    lines = calculation_effect_lines(measure.schema.case)
    if measure.effect_line_index < len(lines):
        return lines[measure.effect_line_index]
    return None


def schema_is_complete(case: Case) -> list[str]:
    """What the evaluation schema still lacks before the application may be submitted.

    An empty list means complete. Used by the case pipeline's guard.
    """
    return _schema_missing(case, schema_of(case))


def _schema_missing(case: Case, schema: EvaluationSchema | None) -> list[str]:
    """:func:`schema_is_complete` of ``schema`` (read from its prefetched subgoals and
    measures when :func:`_followup_data` loaded them)."""
    if schema is None:
        return [_("Utvärderingsschema saknas.")]
    missing: list[str] = []
    if not schema.overall_goal.strip():
        missing.append(_("Övergripande mål saknas."))
    if not schema.target_group.strip():
        missing.append(_("Målgrupp saknas."))
    if not schema.comparison_group.strip() and not schema.no_comparison_reason.strip():
        missing.append(_("Jämförelsegrupp saknas (eller skälet till att den saknas)."))
    if not schema.subgoals.exists():
        missing.append(_("Minst ett delmål behövs."))
    measures = list(schema.measures.all())
    if not measures:
        missing.append(_("Minst ett mått behövs."))
    kinds = {m.kind for m in measures}
    if measures and MeasureKind.ACTIVITY not in kinds:
        missing.append(_("Minst ett aktivitetsmått behövs."))
    if measures and not kinds & {
        MeasureKind.SHORT_TERM,
        MeasureKind.LONG_TERM,
        MeasureKind.OUTCOME,
    }:
        missing.append(_("Minst ett effekt- eller utfallsmått behövs."))
    lines = calculation_effect_lines(case)
    for m in measures:
        if m.baseline_value is None or m.baseline_date is None:
            missing.append(
                _("Basmätning (värde och datum) saknas för måttet ”%(name)s”.") % {"name": m.name}
            )
        if m.target_value is None:
            missing.append(_("Målvärde saknas för måttet ”%(name)s”.") % {"name": m.name})
        if not m.source.strip():
            missing.append(_("Källa saknas för måttet ”%(name)s”.") % {"name": m.name})
        if not m.responsible.strip():
            missing.append(_("Ansvarig saknas för måttet ”%(name)s”.") % {"name": m.name})
        if m.kind == MeasureKind.ECONOMIC and (
            m.effect_line_index is None or m.effect_line_index >= len(lines)
        ):
            missing.append(
                _(
                    "Måttet ”%(name)s” är ekonomiskt men kopplas inte till någon effektrad i kalkylen."
                )
                % {"name": m.name}
            )
    return missing


# --- measurements -------------------------------------------------------------------------


@dataclass
class ValueRow:
    period_label: str
    measured_on: dt.date
    group: str
    value: Decimal | None  # None: suppressed
    n: int | str | None


def measure_values(measure: Measure) -> list[ValueRow]:
    """The measure's aggregate values, each resting on fewer than five people suppressed."""
    rows = []
    for v in measure.values.all():
        shown = v.value if value_is_shown(v.n, about_people=measure.about_people) else None
        rows.append(
            ValueRow(
                v.period_label,
                v.measured_on,
                v.group,
                shown,
                None if v.n is None else suppress(v.n),
            )
        )
    return rows


def latest_value(measure: Measure, group: str = Group.TREATMENT) -> Decimal | None:
    shown = [r for r in measure_values(measure) if r.group == group and r.value is not None]
    return shown[-1].value if shown else None


def person_measurements(measure: Measure) -> list[Measurement]:
    """The measure's individual-level values in the shape satsa.evaluation reads.

    Only pseudonyms ever leave the database here; callers show aggregates only.
    """
    return [
        Measurement(p.pseudonym, p.group, p.occasion, p.value)
        for p in PersonValue.objects.filter(measure=measure).order_by("id")
    ]


def instrument_measurements(case: Case, instrument: str, score: str) -> list[Measurement]:
    rows = []
    for r in InstrumentResult.objects.filter(case=case, instrument=instrument).order_by("id"):
        value = (r.scores or {}).get(score)
        if value is not None:
            rows.append(Measurement(r.pseudonym, r.group, r.occasion, float(value)))
    return rows


INSTRUMENT_SCORES: dict[str, list[tuple[str, str]]] = {
    Instrument.SOC13: [
        ("total", "KASAM totalpoäng (13–91)"),
        ("comprehensibility", "Begriplighet (5–35)"),
        ("manageability", "Hanterbarhet (4–28)"),
        ("meaningfulness", "Meningsfullhet (4–28)"),
    ],
    Instrument.SDQ: [
        ("total_difficulties", "SDQ total svårighetspoäng (0–40)"),
        ("emotional_symptoms", "Emotionella symtom (0–10)"),
        ("conduct_problems", "Uppförandeproblem (0–10)"),
        ("hyperactivity_inattention", "Hyperaktivitet/uppmärksamhetsbrist (0–10)"),
        ("peer_problems", "Kamratproblem (0–10)"),
        ("prosocial", "Prosocialt beteende (0–10)"),
    ],
}


def aggregate_table(measurements: list[Measurement]) -> list[dict[str, Any]]:
    """Count and mean per group and occasion; fewer than five people suppressed.

    Rows are not parts of a published total, so no secondary suppression is needed.
    """
    rows = []
    for group in Group.values:
        for occasion in Occasion.values:
            values = [m.value for m in measurements if m.group == group and m.period == occasion]
            n = len(values)
            mean = sum(values) / n if n else None
            if is_reportable(n):
                rows.append({"group": group, "occasion": occasion, "n": n, "mean": mean})
            else:
                rows.append({"group": group, "occasion": occasion, "n": SUPPRESSED, "mean": None})
    return rows


def evaluation_of(measurements: list[Measurement]) -> dict[str, Any] | None:
    """``EvaluationReport.as_dict()`` (suppressed) or None when there is nothing to evaluate."""
    if not measurements:
        return None
    return evaluate_measurements(measurements).as_dict()


def aggregate_kind(measure: Measure) -> Kind:
    """How the measure's values are read: a percentage (binomial errors) or a mean."""
    unit = measure.unit.strip().lower()
    return "percent" if "procent" in unit or "%" in unit else "mean"


def aggregate_values(measure: Measure) -> list[AggregateValue]:
    """The measure's aggregate values as baseline and follow-up per group.

    Baseline: the earliest recorded value on or before the measure's baseline date, else
    the schema's baseline value (head-count unknown). Follow-up: the latest recorded
    value after the baseline. Empty when the target group lacks either.
    """
    out: list[AggregateValue] = []
    for group, schema_baseline in (
        (Group.TREATMENT, measure.baseline_value),
        (Group.CONTROL, measure.comparison_baseline_value),
    ):
        rows = [v for v in measure.values.all() if v.group == group]
        first = rows[0] if rows else None
        if first is not None and (
            measure.baseline_date is None
            and len(rows) > 1
            or measure.baseline_date is not None
            and first.measured_on <= measure.baseline_date
        ):
            baseline = AggregateValue(group, "baseline", float(first.value), first.n, _sd(first))
            later = rows[1:]
        elif schema_baseline is not None:
            baseline = AggregateValue(group, "baseline", float(schema_baseline), None)
            later = rows
        else:
            continue
        if later:
            last = later[-1]
            out += [
                baseline,
                AggregateValue(group, "follow_up", float(last.value), last.n, _sd(last)),
            ]
    if not any(v.group == Group.TREATMENT for v in out):
        return []
    return out


def _sd(value: Any) -> float | None:
    return None if value.sd is None else float(value.sd)


def aggregate_evaluation_of(measure: Measure) -> dict[str, Any] | None:
    """``AggregateReport.as_dict()`` (suppressed), or None without baseline and follow-up."""
    values = aggregate_values(measure)
    if not values:
        return None
    return evaluate_aggregates(values, kind=aggregate_kind(measure)).as_dict()


@dataclass(frozen=True)
class PlannedPower:
    measure: Measure
    effect: Decimal
    power: float
    n_needed: int | None

    @property
    def too_weak(self) -> bool:
        return self.power < TARGET_POWER


def planned_power(measure: Measure) -> PlannedPower | None:
    """The power to detect the measure's expected effect (target − baseline) with the
    planned groups, or None when something the calculation needs is not given."""
    if measure.kind == MeasureKind.ACTIVITY or not measure.planned_n:
        return None
    if measure.baseline_value is None or measure.target_value is None:
        return None
    effect = measure.target_value - measure.baseline_value
    kind = aggregate_kind(measure)
    sd = float(measure.expected_sd) if measure.expected_sd is not None else None
    if kind == "mean" and sd is None:
        return None
    comparison_n = measure.planned_comparison_n
    try:
        power = power_difference(
            effect=float(effect),
            baseline=float(measure.baseline_value),
            n_treatment=measure.planned_n,
            n_control=comparison_n,
            kind=kind,
            sd=sd,
        )
        needed = n_for_power(
            effect=float(effect),
            baseline=float(measure.baseline_value),
            comparison=comparison_n is not None,
            kind=kind,
            sd=sd,
        )
    except ValueError:
        return None
    return PlannedPower(measure, effect, power, needed)


def aggregate_event_study_of(measure: Measure) -> dict[str, Any] | None:
    """Effects per measurement relative to the last one before the case's start, from the
    aggregate values with head-counts (against the comparison group when every date has
    one); None without two values before the start and one after. Values resting on
    fewer than five people are left out, as they are on screen."""
    start = measure.schema.case.start_date
    if start is None or measure.kind in (MeasureKind.ACTIVITY, MeasureKind.ECONOMIC):
        return None
    rows = [v for v in measure.values.all() if v.n is not None and is_reportable(v.n)]
    control = {v.measured_on: v for v in rows if v.group == Group.CONTROL}
    treatment = [v for v in rows if v.group == Group.TREATMENT]
    if sum(1 for v in treatment if v.measured_on < start) < 2 or all(
        v.measured_on < start for v in treatment
    ):
        return None
    paired = all(v.measured_on in control for v in treatment)

    def value(v: Any) -> AggregateValue:
        return AggregateValue(v.group, v.period_label, float(v.value), v.n, _sd(v))

    return aggregate_event_study(
        [
            (
                float(v.measured_on.toordinal()),
                value(v),
                value(control[v.measured_on]) if paired else None,
            )
            for v in treatment
        ],
        start=float(start.toordinal()),
        kind=aggregate_kind(measure),
    )


def its_of(measure: Measure) -> dict[str, Any] | None:
    """An interrupted time series of the measure's target-group values around the case's
    start (against the comparison group's values on the same dates when every date has
    one), or None unless at least 8 shown values lie on each side of the start."""
    start = measure.schema.case.start_date
    if start is None:
        return None
    shown = [v for v in measure_values(measure) if v.value is not None]
    treatment = [v for v in shown if v.group == Group.TREATMENT]
    before = sum(1 for v in treatment if v.measured_on < start)
    if before < MIN_ITS_POINTS or len(treatment) - before < MIN_ITS_POINTS:
        return None
    control = {
        v.measured_on: v.value for v in shown if v.group == Group.CONTROL and v.value is not None
    }
    paired = all(v.measured_on in control for v in treatment)
    try:
        return interrupted_time_series(
            [float(v.measured_on.toordinal()) for v in treatment],
            [float(v.value) for v in treatment if v.value is not None],
            start=float(start.toordinal()),
            control=[float(control[v.measured_on] or 0) for v in treatment] if paired else None,
        ).as_dict()
    except EvaluationError:
        return None


def estimate_lines(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per evaluated measure or score of an ``EffectEvaluation.results``: its main
    estimate (the difference-in-differences, else the target group's change; None when
    refused) and its confidence rating (None for evaluations recorded before ratings)."""
    lines = []
    for part in ("measures", "aggregates", "instruments", "series"):
        for entry in results.get(part) or []:
            report = entry.get("report") or {}
            did = report.get("difference_in_differences")
            change = (report.get("changes") or {}).get("treatment")
            main = did or change or report.get("level_change")
            rating = report.get("confidence_rating") or {}
            lines.append(
                {
                    "name": entry.get("name", ""),
                    "what": "did" if did else ("change" if change else "level"),
                    "estimate": None if main is None else main.get("estimate"),
                    "ci_low": None if main is None else main.get("ci_low"),
                    "ci_high": None if main is None else main.get("ci_high"),
                    "level": rating.get("level"),
                    "label_sv": rating.get("label_sv", ""),
                }
            )
    return lines


# --- reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledReport:
    kind: str
    period_code: str
    period_name: str
    period_end: dt.date
    due_date: dt.date


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def report_schedule(case: Case) -> list[ScheduledReport]:
    """The reports the case's rulebook asks for between its start and its end, and the final."""
    if case.start_date is None or case.end_date is None:
        return []
    rulebook = rulebook_for(case)
    periods = list(rulebook.reporting.periods)
    schedule = []
    for year in range(case.start_date.year, case.end_date.year + 1):
        for p in periods:
            end = _on(year, p.month, p.day)
            if case.start_date < end < case.end_date:
                schedule.append(
                    ScheduledReport(
                        ReportKind.PERIODIC,
                        p.code,
                        f"{p.name_sv} {year}",
                        end,
                        end + dt.timedelta(days=REPORT_DUE_DAYS),
                    )
                )
    schedule.append(
        ScheduledReport(
            ReportKind.FINAL,
            "final",
            str(ReportKind.FINAL.label),
            case.end_date,
            case.end_date + dt.timedelta(days=FINAL_REPORT_DUE_DAYS),
        )
    )
    return schedule


def follow_up_years(case: Case) -> int:
    """Years after the end at which the follow-up evaluation is scheduled (the earliest the
    rulebook allows; 1 when the rulebook is silent)."""
    rulebook = rulebook_for(case)
    evaluation = getattr(rulebook, "evaluation", None) if rulebook is not None else None
    years = getattr(evaluation, "follow_up_years_after_end", None)
    return int(years[0]) if years else 1


@dataclass(frozen=True)
class PlannedActivity:
    id: int
    subgoal: str
    text: str


@dataclass(frozen=True)
class ReportPlan:
    """What each report is followed against: the activities of the evaluation schema and
    the application's implementation plan (its "implementation" section)."""

    activities: list[PlannedActivity]
    implementation: str

    def __bool__(self) -> bool:
        return bool(self.activities or self.implementation)


def report_plan(case: Case) -> ReportPlan:
    activities = [
        PlannedActivity(a.pk, a.subgoal.text, a.text)
        for a in Activity.objects.filter(subgoal__schema__case=case)
        .select_related("subgoal")
        .order_by("subgoal__position", "subgoal_id", "position", "id")
    ]
    version = (
        case.versions.filter(submitted_at__isnull=False).order_by("-number").first()
        or case.versions.order_by("-number").first()
    )
    implementation = str((version.sections if version else {}).get("implementation", "")).strip()
    return ReportPlan(activities, implementation)


def report_attachments(report: Report) -> QuerySet[ReportAttachment]:
    return report.attachments.filter(withdrawn_at__isnull=True).select_related("uploaded_by")


def reports_of(case: Case) -> list[Report]:
    return list(Report.objects.filter(case=case).order_by("due_date", "id"))


# A report a claim can go with: not yet handed in.
CLAIMABLE = (ReportStatus.SCHEDULED, ReportStatus.RETURNED)


def next_claimable_report(case: Case) -> Report | None:
    return Report.objects.filter(case=case, status__in=CLAIMABLE).order_by("due_date", "id").first()


def reports_to_write(reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """The reports still to be written and sent: scheduled or returned, and either a
    follow-up evaluation or a report of a project still under way. A closed or stopped
    project's periodic and final reports can no longer be sent, so they are neither due
    nor late (services.check_report_submit says the same of one report)."""
    reports = Report.objects.all() if reports is None else reports
    return reports.filter(status__in=[ReportStatus.SCHEDULED, ReportStatus.RETURNED]).filter(
        Q(kind=ReportKind.FOLLOW_UP) | Q(case__stage__in=lifecycle.ACTIVE)
    )


def reports_due_for_reminder(on: dt.date) -> QuerySet[Report]:
    return (
        reports_to_write()
        .filter(
            reminded_at__isnull=True,
            due_date__lte=on + dt.timedelta(days=REMINDER_DAYS),
            due_date__gte=on,
        )
        .select_related("case", "organisation")
    )


# budget_to's ``costs`` when the caller has not read them.
NOT_LOADED: Any = object()


def claimed_to_date(case: Case, *, including: Report | None = None) -> Decimal:
    total = Decimal(0)
    for r in Report.objects.filter(
        case=case, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
    ):
        if including is not None and r.pk == including.pk:
            continue
        total += r.claim_amount or 0
    if including is not None:
        total += including.claim_amount or 0
    return total


def budget_to(case: Case, on: dt.date, *, costs: Any = NOT_LOADED) -> Decimal | None:
    """The fund's budget for the case up to ``on``: the calculation's fund costs for the
    years begun, or the grant spread evenly over the project's days (``costs``: the
    calculation's cost lines when the caller read only those, see :func:`_signal_data`)."""
    if costs is NOT_LOADED:
        try:
            data = case.calculation.data or {}
        except (ObjectDoesNotExist, AttributeError):
            data = {}
        costs = data.get("costs")
    costs = [c for c in costs or [] if isinstance(c, dict)]
    fund = [c for c in costs if c.get("financier", "fund") == "fund"]
    if fund:
        return sum(
            (Decimal(str(c.get("amount", 0))) for c in fund if int(c.get("year", 0)) <= on.year),
            Decimal(0),
        )
    if case.granted_amount is None or case.start_date is None or case.end_date is None:
        return None
    total_days = (case.end_date - case.start_date).days or 1
    elapsed = min(max((on - case.start_date).days, 0), total_days)
    return (case.granted_amount * elapsed / total_days).quantize(Decimal("0.01"))


def measures_snapshot(case: Case) -> list[dict[str, Any]]:
    """Each measure's baseline, target and latest shown values, for a report to keep."""
    schema = schema_of(case)
    if schema is None:
        return []
    out = []
    for m in schema.measures.all():
        out.append(
            {
                "measure": m.pk,
                "name": m.name,
                "kind": m.kind,
                "unit": m.unit,
                "baseline": _str(m.baseline_value),
                "target": _str(m.target_value),
                "latest_treatment": _str(latest_value(m, Group.TREATMENT)),
                "latest_control": _str(latest_value(m, Group.CONTROL)),
            }
        )
    return out


def _str(value: Decimal | None) -> str | None:
    """A plain decimal without trailing zeros (12.5000 → "12.5", 10 → "10")."""
    return None if value is None else f"{value.normalize():f}"


# --- off-plan signals ---------------------------------------------------------------------


@dataclass
class Signal:
    code: str
    text: str


def elapsed_share(case: Case, on: dt.date) -> float | None:
    if case.start_date is None or case.end_date is None or case.end_date <= case.start_date:
        return None
    share = (on - case.start_date).days / (case.end_date - case.start_date).days
    return min(max(share, 0.0), 1.0)


def progress_share(measure: Measure) -> float | None:
    """How far the target group has come from baseline towards target (0 = baseline, 1 = met)."""
    latest = latest_value(measure, Group.TREATMENT)
    if latest is None or measure.baseline_value is None or measure.target_value is None:
        return None
    distance = measure.target_value - measure.baseline_value
    if distance == 0:
        return 1.0
    return float((latest - measure.baseline_value) / distance)


# A rulebook that asks for fidelity checks asks for one at least this often.
FIDELITY_INTERVAL = dt.timedelta(days=365)


def fidelity_required(case: Case) -> bool:
    """Whether the case's rulebook asks for checks of fidelity to the method."""
    rulebook = rulebook_for(case)
    evaluation = rulebook.evaluation
    return bool(evaluation is not None and evaluation.fidelity_check)


def fidelity_checks(case: Case) -> QuerySet[FidelityCheck]:
    return FidelityCheck.objects.filter(case=case).select_related("created_by")


def off_plan_signals(case: Case, on: dt.date | None = None) -> list[Signal]:
    """Why the case may be off plan: measures well behind target, spending off budget,
    reports late. An empty list means on plan."""
    return off_plan_signals_of([case], on)[case.pk]


def off_plan_signals_of(
    cases: Sequence[Case], on: dt.date | None = None
) -> dict[int, list[Signal]]:
    """:func:`off_plan_signals` for many cases by case id, in a fixed number of queries
    (for lists such as the portfolio dashboard)."""
    return _signals_of(cases, on or today(), _signal_data(cases))


def off_plan_case_ids(cases: Sequence[Case], on: dt.date | None = None) -> set[int]:
    """The ids of those of ``cases`` that have an off-plan signal, in a fixed number of
    queries. A case no longer under way can only be off plan by a late follow-up
    evaluation (:func:`_signals`): one query finds those; only the signals of the cases
    under way are computed (:func:`off_plan_signals_of`)."""
    on = on or today()
    # (every case's id in the query, so that it runs whichever stages the cases are in)
    late = set(
        Report.objects.filter(case__in=[c.pk for c in cases])
        .exclude(case__stage__in=lifecycle.ACTIVE)
        .filter(_late_q(active=False, on=on))
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )
    signals = off_plan_signals_of([c for c in cases if c.stage in lifecycle.ACTIVE], on)
    return late | {pk for pk, found in signals.items() if found}


def _is_late(report: Report, *, active: bool, on: dt.date) -> bool:
    """A report of a case under way (``active``) is late when it is still to be written
    after its due date; of a case no longer under way only a scheduled follow-up
    evaluation is (its periodic and final reports can no longer be sent)."""
    if not active:
        return (
            report.kind == ReportKind.FOLLOW_UP
            and report.status == ReportStatus.SCHEDULED
            and report.due_date < on
        )
    return report.status in (ReportStatus.SCHEDULED, ReportStatus.RETURNED) and report.due_date < on


def _late_q(*, active: bool, on: dt.date) -> Q:
    """:func:`_is_late` as a filter on reports."""
    if not active:
        return Q(kind=ReportKind.FOLLOW_UP, status=ReportStatus.SCHEDULED, due_date__lt=on)
    return Q(status__in=[ReportStatus.SCHEDULED, ReportStatus.RETURNED], due_date__lt=on)


@dataclass
class _FollowupData:
    """What the follow-up of many cases reads, loaded for all of them at once."""

    reports: dict[int, list[Report]]  # by case id, in due order
    schemas: dict[int, EvaluationSchema]  # by case id, with subgoals, measures and values
    # by case id, each calculation's cost lines (budget_to) when only those were read
    costs: dict[int, Any] | None = None


# What the off-plan signals read of a report (_signals): its text and JSON are never read.
_SIGNAL_REPORT_FIELDS = (
    "case_id",
    "kind",
    "status",
    "period_name",
    "period_end",
    "due_date",
    "spent_to_date",
)


def _signal_data(cases: Sequence[Case]) -> _FollowupData:
    """What :func:`_signals` reads of ``cases``, and only that: each report's dates,
    status and spending (not its texts and JSON), the measures of the cases under way
    (only those compare measures and spending with the plan) and their calculations' cost
    lines (not the whole calculation with its engine result)."""
    ids = [c.pk for c in cases]
    active = [c.pk for c in cases if c.stage in lifecycle.ACTIVE]
    reports: dict[int, list[Report]] = {pk: [] for pk in ids}
    for r in (
        Report.objects.filter(case__in=ids).only(*_SIGNAL_REPORT_FIELDS).order_by("due_date", "id")
    ):
        reports[r.case_id].append(r)
    # The measures and their values by queries that always run (a prefetch is left out
    # when there are no schemas or measures), so that the count is the same whatever the
    # cases on a page hold.
    schemas = {s.case_id: s for s in EvaluationSchema.objects.filter(case__in=active)}
    measures = list(Measure.objects.filter(schema__case__in=active))
    _attach(schemas.values(), "measures", measures, "schema_id")
    _attach(
        measures,
        "values",
        MeasureValue.objects.filter(measure__schema__case__in=active),
        "measure_id",
    )
    costs: dict[int, Any] = dict.fromkeys(active)
    costs.update(Calculation.objects.filter(case__in=active).values_list("case_id", "data__costs"))
    return _FollowupData(reports, schemas, costs)


def _attach(parents: Iterable[Any], name: str, children: Iterable[Any], key: str) -> None:
    """Give each of ``parents`` its ``children`` (in their order) as if prefetched under
    ``name``, from a query that ran whatever the parents: ``parent.<name>.all()`` then
    reads no more."""
    by_parent: dict[int, list[Any]] = {}
    for child in children:
        by_parent.setdefault(getattr(child, key), []).append(child)
    for parent in parents:
        manager = getattr(parent, name)
        qs = manager.get_queryset()
        qs._result_cache = by_parent.get(parent.pk, [])
        qs._prefetch_done = True
        parent.__dict__.setdefault("_prefetched_objects_cache", {})[
            manager.field.remote_field.cache_name
        ] = qs


def _followup_data(cases: Sequence[Case]) -> _FollowupData:
    ids = [c.pk for c in cases]
    reports: dict[int, list[Report]] = {pk: [] for pk in ids}
    for r in Report.objects.filter(case__in=ids).order_by("due_date", "id"):
        reports[r.case_id].append(r)
    schemas = {s.case_id: s for s in EvaluationSchema.objects.filter(case__in=ids)}
    _attach(schemas.values(), "subgoals", SubGoal.objects.filter(schema__case__in=ids), "schema_id")
    measures = list(Measure.objects.filter(schema__case__in=ids))
    _attach(schemas.values(), "measures", measures, "schema_id")
    _attach(
        measures, "values", MeasureValue.objects.filter(measure__schema__case__in=ids), "measure_id"
    )
    # budget_to and the schema's economic measures read each case's calculation.
    prefetch_related_objects(list(cases), "calculation")
    return _FollowupData(reports, schemas)


def _signals_of(cases: Sequence[Case], on: dt.date, data: _FollowupData) -> dict[int, list[Signal]]:
    ids = [c.pk for c in cases]
    last_checked: dict[int, dt.date] = {}
    for case_id, checked_on in FidelityCheck.objects.filter(case__in=ids).values_list(
        "case_id", "checked_on"
    ):
        last_checked[case_id] = max(checked_on, last_checked.get(case_id, checked_on))
    required: dict[tuple[int, str], bool] = {}
    signals = {}
    for case in cases:
        key = (case.organisation_id, case.rulebook_key)
        if key not in required:
            required[key] = fidelity_required(case)
        costs = NOT_LOADED if data.costs is None else data.costs.get(case.pk)
        signals[case.pk] = _signals(
            case, on, data.reports[case.pk], data.schemas.get(case.pk), costs
        )
        if required[key]:
            signals[case.pk].extend(_fidelity_signal(case, on, last_checked.get(case.pk)))
    return signals


def _fidelity_signal(case: Case, on: dt.date, last: dt.date | None) -> list[Signal]:
    """A running case whose method has not been checked within FIDELITY_INTERVAL (counted
    from its start when it has never been checked)."""
    if case.stage not in lifecycle.ACTIVE:
        return []
    since = last or case.start_date
    if since is None or on - since <= FIDELITY_INTERVAL:
        return []
    if last is None:
        text = _("Metodtroheten har inte bedömts sedan starten %(date)s.")
    else:
        text = _("Metodtroheten bedömdes senast %(date)s, för mer än ett år sedan.")
    return [Signal("fidelity_due", text % {"date": since.isoformat()})]


def _signals(
    case: Case,
    on: dt.date,
    reports: list[Report],
    schema: EvaluationSchema | None,
    costs: Any = NOT_LOADED,
) -> list[Signal]:
    signals: list[Signal] = []
    active = case.stage in lifecycle.ACTIVE
    late = [r for r in reports if _is_late(r, active=active, on=on)]
    for r in late:
        signals.append(
            Signal(
                "report_late",
                _("%(report)s skulle ha lämnats %(date)s.")
                % {
                    "report": f"{r.get_kind_display()} {r.period_name}",
                    "date": r.due_date.isoformat(),
                },
            )
        )
    if not active:
        return signals
    share = elapsed_share(case, on)
    if schema is not None and share is not None and share >= BEHIND_TARGET_FROM_ELAPSED:
        for m in schema.measures.all():
            progress = progress_share(m)
            if progress is not None and progress < BEHIND_TARGET_SHARE * share:
                signals.append(
                    Signal(
                        "behind_target",
                        _(
                            "Måttet ”%(name)s” har nått %(progress)d %% av vägen mot målet efter %(elapsed)d %% av tiden."
                        )
                        % {
                            "name": m.name,
                            "progress": round(progress * 100),
                            "elapsed": round(share * 100),
                        },
                    )
                )
    handed_in = [r for r in reports if r.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)]
    last = max(handed_in, key=lambda r: r.period_end, default=None)
    if last is not None and last.spent_to_date is not None:
        budget = budget_to(case, last.period_end, costs=costs)
        if budget and abs(last.spent_to_date - budget) > budget * BUDGET_TOLERANCE:
            signals.append(
                Signal(
                    "off_budget",
                    _(
                        "Förbrukningen %(spent)s avviker mer än %(tolerance)d %% från budgeten %(budget)s."
                    )
                    % {
                        "spent": kr(last.spent_to_date, decimals=AUTO),
                        "budget": kr(budget, decimals=AUTO),
                        "tolerance": int(BUDGET_TOLERANCE * 100),
                    },
                )
            )
    return signals


# --- the overview and the case page -------------------------------------------------------


@dataclass
class CaseFollowup:
    case: Case
    schema: EvaluationSchema | None
    reports: list[Report]
    signals: list[Signal]
    evaluation: EffectEvaluation | None
    termination: TerminationProposal | None
    implementation: ImplementationDecision | None
    next_report: Report | None = None
    schema_missing: list[str] = field(default_factory=list)


def latest_evaluation(case: Case) -> EffectEvaluation | None:
    return EffectEvaluation.objects.filter(case=case).order_by("-created_at", "-id").first()


def open_termination(case: Case) -> TerminationProposal | None:
    return TerminationProposal.objects.filter(case=case, status=ProposalStatus.PROPOSED).first()


def implementation_of(case: Case) -> ImplementationDecision | None:
    return ImplementationDecision.objects.filter(case=case).first()


def case_followup(case: Case, on: dt.date | None = None) -> CaseFollowup:
    return case_followups([case], on)[0]


def case_followups(
    cases: Sequence[Case],
    on: dt.date | None = None,
    *,
    signals: dict[int, list[Signal]] | None = None,
) -> list[CaseFollowup]:
    """:func:`case_followup` of each of ``cases``, in a fixed number of queries for any
    number of cases (``signals``: their off-plan signals when the caller has them)."""
    ids = [c.pk for c in cases]
    data = _followup_data(cases)
    if signals is None:
        signals = _signals_of(cases, on or today(), data)
    evaluations: dict[int, EffectEvaluation] = {}
    for evaluation in EffectEvaluation.objects.filter(case__in=ids).order_by("-created_at", "-id"):
        evaluations.setdefault(evaluation.case_id, evaluation)
    terminations: dict[int, TerminationProposal] = {}
    for proposal in TerminationProposal.objects.filter(case__in=ids):  # newest first
        terminations.setdefault(proposal.case_id, proposal)
    implementations = {
        d.case_id: d for d in ImplementationDecision.objects.filter(case__in=ids).order_by("pk")
    }
    followups = []
    for case in cases:
        reports = data.reports[case.pk]
        schema = data.schemas.get(case.pk)
        followups.append(
            CaseFollowup(
                case=case,
                schema=schema,
                reports=reports,
                signals=signals[case.pk],
                evaluation=evaluations.get(case.pk),
                termination=terminations.get(case.pk),
                implementation=implementations.get(case.pk),
                next_report=next(
                    (r for r in reports if r.status in CLAIMABLE),
                    None,
                ),
                schema_missing=_schema_missing(case, schema),
            )
        )
    return followups


def followed_cases(user: Any, organisation: Organisation) -> list[CaseFollowup]:
    cases = access.visible_cases(user, organisation, access.Purpose.FOLLOWUP).order_by("title")
    return case_followups(list(cases))


__all__ = [
    "MIN_GROUP_SIZE",
    "off_plan_signals",
    "off_plan_case_ids",
    "off_plan_signals_of",
    "report_schedule",
    "schema_is_complete",
]
