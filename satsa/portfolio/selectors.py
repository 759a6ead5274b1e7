"""Reads for the portfolio: the public record of granted interventions and open calls, the
dashboard, and the figures of the yearly consolidated evaluation.

The other life-cycle apps (fund, calculations, follow-up) are read through one small
function each, in the section "other apps" below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from satsa.calculations.models import Calculation
from satsa.cases import lifecycle
from satsa.cases import selectors as case_sel
from satsa.cases.models import BoardNotice, Case, Signature, Stage
from satsa.followup import selectors as followup_sel
from satsa.followup.models import (
    EffectEvaluation,
    ProposalStatus,
    Report,
    ReportStatus,
    TerminationProposal,
)
from satsa.funds import selectors as funds_sel
from satsa.orgs.models import Organisation
from satsa.portfolio.models import PublishedReport
from satsa.rulebooks import selectors as rulebook_selectors
from satsa.rulebooks.selectors import rulebook_for

# A case becomes public record when the executive board grants it, and stays so whatever
# happens afterwards. Ideas, applications, cases in preparation and rejected applications
# are never public here.
PUBLIC_STAGES = (
    Stage.DECIDED,
    Stage.RUNNING,
    Stage.TERMINATED,
    Stage.CLOSED,
    Stage.IMPLEMENTED,
)
# Granted and not yet over: what the dashboard follows.
FOLLOWED_STAGES = tuple(stage for stage in PUBLIC_STAGES if stage in lifecycle.ACTIVE)

# What the public list and the granted list read of each case (as plain values).
_ROW_COLUMNS = (
    "pk",
    "title",
    "diarienummer",
    "decided_on",
    "start_date",
    "end_date",
    "granted_amount",
    "stage",
)

# --- the public record -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicIntervention:
    """What anyone may know about a granted intervention. Never a person's name."""

    id: int
    name: str
    diarienummer: str
    decided_on: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    granted_amount: Decimal | None
    departments: list[str]
    boards: list[str]
    partners: list[str]
    target_group: str
    status: str
    status_label: str
    final_report: PublishedReport | None = None
    # The period in words when the dates are not set (see cases.selectors.period_of).
    period: str = ""
    # The day the executive board decided to stop a terminated intervention.
    ended_on: dt.date | None = None


def public_cases(organisation: Organisation) -> QuerySet[Case]:
    """The organisation's granted cases in the public list's order."""
    return Case.objects.filter(organisation=organisation, stage__in=PUBLIC_STAGES).order_by(
        "start_date", "decided_on", "title", "pk"
    )


def public_interventions(organisation: Organisation) -> list[PublicIntervention]:
    """The public record of every granted case, in seven queries for any number: the
    cases' columns, the names of their departments, boards and partners, their texts
    (cases.selectors.texts_of), current final reports and termination dates."""
    cases = public_cases(organisation)
    ids = cases.values("pk")
    stopped = dict(
        TerminationProposal.objects.filter(
            organisation=organisation,
            case__stage=Stage.TERMINATED,
            status=ProposalStatus.TERMINATED,
            decided_on__isnull=False,
        ).values_list("case_id", "decided_on")
    )
    departments = _names_by_case(Case.departments.through, "department__name", ids)
    boards = _names_by_case(Case.boards.through, "board__name", ids)
    partners = _names_by_case(Case.parties.through, "externalparty__name", ids)
    texts = case_sel.texts_of(cases)
    reports: dict[int, PublishedReport] = {}
    for report in PublishedReport.objects.current().filter(case__in=ids).defer("pdf"):
        reports.setdefault(report.case_id, report)
    labels = dict(Stage.choices)
    out = []
    for row in cases.values(*_ROW_COLUMNS):
        pk = row["pk"]
        ended_on = stopped.get(pk)
        period = texts[pk].period
        if ended_on is not None:
            period = gettext("%(period)s, avbröts %(date)s") % {
                "period": period,
                "date": ended_on.isoformat(),
            }
        out.append(
            PublicIntervention(
                id=pk,
                name=row["title"],
                diarienummer=row["diarienummer"] or "",
                decided_on=row["decided_on"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                granted_amount=row["granted_amount"],
                departments=sorted(departments.get(pk, [])),
                boards=sorted(boards.get(pk, [])),
                partners=sorted(partners.get(pk, [])),
                target_group=texts[pk].target_group,
                status=row["stage"],
                status_label=str(labels.get(row["stage"], row["stage"])),
                final_report=reports.get(pk),
                period=period,
                ended_on=ended_on,
            )
        )
    return out


def published_report(organisation: Organisation, report_id: int | None) -> PublishedReport | None:
    """A current published final report of a public case of ``organisation``; with no id,
    the newest one."""
    reports = PublishedReport.objects.current().filter(
        organisation=organisation,
        case__organisation=organisation,
        case__stage__in=PUBLIC_STAGES,
    )
    if report_id is not None:
        reports = reports.filter(pk=report_id)
    return reports.select_related("case").order_by("-pk").first()


# The intake rule (rounds and deadlines) is the rulebook's: see satsa.rulebooks.selectors.
Call = rulebook_selectors.Call
Intake = rulebook_selectors.Intake
open_intake = rulebook_selectors.open_intake


def public_unit_costs_url(organisation: Organisation) -> str:
    """The published unit-cost database (satsa.calculations' public page)."""
    return reverse("calculations_public:unit_costs", kwargs={"org_slug": organisation.slug})


# --- other apps --------------------------------------------------------------------------
# One function per outside read. Each returns None/empty when its app has nothing to say,
# so that the portfolio still shows the rest.


@dataclass(frozen=True)
class FundFigures:
    deposited: Decimal
    committed: Decimal
    paid: Decimal
    repaid: Decimal
    fees: Decimal
    free: Decimal


def fund_position_of(
    organisation: Organisation, on: dt.date | None = None, position: Any = None
) -> FundFigures | None:
    p = position or funds_sel.fund_position(organisation=organisation, on=on)
    return FundFigures(**{k: Decimal(getattr(p, k)) for k in FundFigures.__dataclass_fields__})


@dataclass(frozen=True)
class ForecastYear:
    year: int
    values: dict[str, Decimal]


FORECAST_LABELS = {
    "payments": "Utbetalningar",
    "repayments": "Återföringar",
    "fees": "Avgifter",
    "free": "Fritt att bevilja",
    "capital": "Kapital",
}


def fund_forecast_of(organisation: Organisation, position: Any = None) -> list[ForecastYear]:
    """The fund's forecast by year as (year, amounts named for the reader); ``position``:
    today's position of the fund, when the caller has read it already."""
    return [
        ForecastYear(
            year=row.year,
            values={label: getattr(row, name) for name, label in FORECAST_LABELS.items()},
        )
        for row in funds_sel.fund_forecast(organisation=organisation, position=position)
    ]


def _number(value: Any) -> Decimal | None:
    """A figure out of the engine's JSON: a number, or a dict holding "pv"/"total"/"value"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal | str):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    if isinstance(value, dict):
        for key in ("pv", "present_value", "discounted", "total", "value", "nominal"):
            if key in value:
                return _number(value[key])
    if isinstance(value, list) and all(isinstance(v, int | float) for v in value):
        return Decimal(str(sum(value)))
    return None


@dataclass(frozen=True)
class CalcFigures:
    """The headline of a case's calculation (satsa.calculations / ECONOMICS.md §2)."""

    pv_cost: Decimal | None
    pv_savings: Decimal | None
    npv: Decimal | None
    bcr: Decimal | None
    savings_by_actor: list[tuple[str, Decimal]]  # nominal, comparable with realised savings
    pv_savings_by_actor: list[tuple[str, Decimal]]
    flows: list[tuple[int, Decimal, Decimal]]  # year, cost, savings


def calculation_figures_from(result: dict[str, Any] | None) -> CalcFigures | None:
    if not result:
        return None
    totals = result.get("totals") or {}
    if isinstance(totals.get("discounted"), dict):
        totals = totals["discounted"]

    def actors(raw: Any) -> list[tuple[str, Decimal]]:
        if isinstance(raw, list):
            raw = {str(r.get("actor")): r.get("savings") for r in raw if isinstance(r, dict)}
        pairs = [
            (str(actor), amount)
            for actor, value in (raw or {}).items()
            if (amount := _number(value)) is not None
        ]
        return sorted(pairs, key=lambda pair: -pair[1])

    # The engine (satsa.economics) reports savings per actor nominal and discounted.
    by_actor = actors(totals.get("savings_by_actor") or result.get("savings_by_actor"))
    pv_by_actor = actors(totals.get("pv_savings_by_actor")) or by_actor
    flows: list[tuple[int, Decimal, Decimal]] = []
    raw_flows = result.get("flows") or []
    if isinstance(raw_flows, dict):
        raw_flows = [
            {"year": y, "cost": c, "savings": s}
            for y, c, s in zip(
                raw_flows.get("years") or [],
                raw_flows.get("cost") or raw_flows.get("costs") or [],
                raw_flows.get("savings") or [],
                strict=False,
            )
        ]
    for row in raw_flows:
        if isinstance(row, dict) and "year" in row:
            flows.append(
                (
                    int(row["year"]),
                    _number(row.get("cost", row.get("costs"))) or Decimal(0),
                    _number(row.get("savings", row.get("saving"))) or Decimal(0),
                )
            )
    return CalcFigures(
        pv_cost=_number(totals.get("pv_cost")),
        pv_savings=_number(totals.get("pv_savings")),
        npv=_number(totals.get("npv")),
        bcr=_number(totals.get("bcr")),
        savings_by_actor=by_actor,
        pv_savings_by_actor=pv_by_actor,
        flows=sorted(flows),
    )


def calculation_figures(case: Case) -> CalcFigures | None:
    try:
        calculation = case.calculation
    except Calculation.DoesNotExist:
        return None
    return calculation_figures_from(calculation.result)


@dataclass(frozen=True)
class Finding:
    status: str
    text: str


def eligibility_findings(case: Case) -> list[Finding]:
    from satsa.rules import UnknownRulebookError

    try:
        result = case_sel.eligibility_for(case)
    except UnknownRulebookError:
        return []
    return [Finding(status=str(f.status), text=f.message_sv) for f in result.findings]


@dataclass(frozen=True)
class BoardComment:
    board: str
    phase: str
    backs: bool | None
    comment: str
    commented_on: dt.date | None


def board_comments(case: Case) -> list[BoardComment]:
    notices = BoardNotice.objects.filter(case=case).select_related("board")
    return [
        BoardComment(
            board=n.board.name,
            phase=str(n.get_phase_display()),
            backs=n.backs,
            comment=n.comment,
            commented_on=timezone.localdate(n.commented_at) if n.commented_at else None,
        )
        for n in notices
    ]


@dataclass(frozen=True)
class SignatureLine:
    name: str
    capacity: str
    on_behalf_of: str
    signed_on: dt.date


def signatures(case: Case) -> list[SignatureLine]:
    rows = Signature.objects.filter(case=case, voided_at__isnull=True).select_related(
        "department", "party"
    )
    return [
        SignatureLine(
            name=s.signer_name,
            capacity=str(s.get_capacity_display()),
            on_behalf_of=who.name if (who := s.department or s.party) else "",
            signed_on=timezone.localdate(s.signed_at),
        )
        for s in rows
    ]


def application_summary(case: Case) -> list[tuple[str, str]]:
    """The submitted application's sections as (title, text), in the rulebook's order."""
    from satsa.rules import UnknownRulebookError

    version = case_sel.latest_submitted(case)
    if version is None:
        return []
    try:
        titles = {s.id: s.title_sv for s in rulebook_for(case).application.sections}
    except UnknownRulebookError:
        titles = {}
    out = []
    for key, text in (version.sections or {}).items():
        if text:
            out.append((titles.get(key, key), str(text)))
    return out


class Status:
    ON_PLAN = "on_plan"
    OFF_PLAN = "off_plan"
    LATE_REPORT = "late_report"
    UNKNOWN = "unknown"

    LABELS = {
        ON_PLAN: "Enligt plan",
        OFF_PLAN: "Avviker från plan",
        LATE_REPORT: "Rapport försenad",
        UNKNOWN: "Uppgift saknas",
    }


@dataclass(frozen=True)
class CaseStatus:
    code: str
    reasons: list[str]

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return gettext(Status.LABELS[self.code])


def followup_status(case: Case, on: dt.date | None = None) -> CaseStatus:
    """On plan, off plan or a late report, from the follow-up's off-plan signals (a late
    report is named first: it is what the coordinator acts on)."""
    return status_from(followup_sel.off_plan_signals(case, on))


def followup_statuses(cases: list[Case], on: dt.date | None = None) -> dict[int, CaseStatus]:
    """:func:`followup_status` of many cases by case id, in a fixed number of queries."""
    signals = followup_sel.off_plan_signals_of(cases, on)
    return {pk: status_from(case_signals) for pk, case_signals in signals.items()}


def status_from(signals: list[Any]) -> CaseStatus:
    reasons = [str(s.text) for s in signals]
    if any(s.code == "report_late" for s in signals):
        return CaseStatus(Status.LATE_REPORT, reasons)
    if signals:
        return CaseStatus(Status.OFF_PLAN, reasons)
    return CaseStatus(Status.ON_PLAN, [])


def savings_by_board(cases: QuerySet[Case] | list[Case]) -> list[tuple[str, Decimal, Decimal]]:
    """Expected and realised savings per board over ``cases`` as (board, expected, realised).

    Realised savings come from each case's latest effect evaluation (satsa.followup);
    expected ones from that evaluation too, else from the case's calculation. Two queries
    for any number of cases: the latest evaluation of each case (a window), and of each
    calculation only the savings per actor, read out of the result's JSON by the database
    (a result is tens of kilobytes; parsing one per case was most of the dashboard's time).
    """
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    ids: Any = cases.values("pk") if isinstance(cases, QuerySet) else [c.pk for c in cases]
    latest: dict[int, Mapping[str, Any]] = {
        row["case_id"]: row
        for row in EffectEvaluation.objects.filter(case__in=ids)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("case_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(place=1)
        .values("case_id", "expected_savings", "realised_savings")
    }
    planned_by_actor = {
        row["case_id"]: _savings_by_actor_of(row)
        for row in Calculation.objects.filter(case__in=ids)
        .exclude(result__isnull=True)
        .values("case_id", *_SAVINGS_PATHS)
    }
    expected: dict[str, Decimal] = defaultdict_decimal()
    realised: dict[str, Decimal] = defaultdict_decimal()
    for pk in sorted(planned_by_actor.keys() | latest.keys()):
        ev = latest.get(pk)
        planned = dict(ev["expected_savings"]) if ev is not None and ev["expected_savings"] else {}
        if planned:
            for board, amount in planned.items():
                expected[board] += _number(amount) or Decimal(0)
        else:
            for actor, amount in planned_by_actor.get(pk, []):
                expected[actor] += amount
        if ev is not None:
            for board, amount in (ev["realised_savings"] or {}).items():
                realised[board] += _number(amount) or Decimal(0)
    boards = sorted(set(expected) | set(realised))
    return [(b, expected.get(b, Decimal(0)), realised.get(b, Decimal(0))) for b in boards]


# Where calculation_figures_from() looks for the savings per actor in a result.
_SAVINGS_PATHS = (
    "result__totals__discounted",
    "result__totals__savings_by_actor",
    "result__savings_by_actor",
)


def _savings_by_actor_of(row: Mapping[str, Any]) -> list[tuple[str, Decimal]]:
    """calculation_figures_from()'s savings per actor, from the parts of the result it
    reads them from (``_SAVINGS_PATHS``)."""
    totals: dict[str, Any] = {}
    if row["result__totals__discounted"] is not None:
        totals["discounted"] = row["result__totals__discounted"]
    if row["result__totals__savings_by_actor"] is not None:
        totals["savings_by_actor"] = row["result__totals__savings_by_actor"]
    result: dict[str, Any] = {"totals": totals}
    if row["result__savings_by_actor"] is not None:
        result["savings_by_actor"] = row["result__savings_by_actor"]
    figures = calculation_figures_from(result)
    return figures.savings_by_actor if figures else []


def defaultdict_decimal() -> dict[str, Decimal]:
    from collections import defaultdict

    return defaultdict(Decimal)


@dataclass(frozen=True)
class ReportContent:
    """What a periodic or final report says, for its PDF."""

    kind: str
    kind_label: str
    period_name: str
    period_end: dt.date
    status_label: str
    activities: str
    ways_of_working: str
    effects: str
    deviations: str
    spent_to_date: Decimal | None
    claim_amount: Decimal | None
    measures: list[dict[str, Any]]
    submitted_on: dt.date | None


def reports_of(case: Case, kind: str | None = None) -> list[ReportContent]:
    reports = Report.objects.filter(case=case).order_by("period_end", "id")
    if kind:
        reports = reports.filter(kind=kind)
    return [_report_content(r) for r in reports]


def _report_content(r: Any) -> ReportContent:
    return ReportContent(
        kind=r.kind,
        kind_label=str(r.get_kind_display()),
        period_name=r.period_name,
        period_end=r.period_end,
        status_label=str(r.get_status_display()),
        activities=r.activities,
        ways_of_working=r.ways_of_working,
        effects=r.effects,
        deviations=r.deviations,
        spent_to_date=r.spent_to_date,
        claim_amount=r.claim_amount,
        measures=list(r.measures_snapshot or []),
        submitted_on=timezone.localdate(r.submitted_at) if r.submitted_at else None,
    )


@dataclass(frozen=True)
class EffectSummary:
    conclusion: str
    expected: dict[str, Decimal]
    realised: dict[str, Decimal]
    measures: list[dict[str, Any]]
    # main estimate and Maryland rating per evaluated measure (followup.selectors.estimate_lines)
    estimates: list[dict[str, Any]] = field(default_factory=list)


def effect_summary(case: Case) -> EffectSummary | None:
    ev = EffectEvaluation.objects.filter(case=case).order_by("-created_at", "-id").first()
    if ev is None:
        return None
    return EffectSummary(
        conclusion=ev.conclusion,
        expected={k: _number(v) or Decimal(0) for k, v in (ev.expected_savings or {}).items()},
        realised={k: _number(v) or Decimal(0) for k, v in (ev.realised_savings or {}).items()},
        measures=list((ev.results or {}).get("measures") or []),
        estimates=followup_sel.estimate_lines(ev.results or {}),
    )


# --- the dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    board: int | None = None
    target_group: str = ""
    year: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.board or self.target_group or self.year)

    @classmethod
    def of(cls, params: Mapping[str, str], organisation: Organisation) -> Filters:
        """The filters a request (or a file ordered in the background) asks for; a board
        of another organisation and anything not a number are ignored."""

        def number(name: str) -> int | None:
            raw = params.get(name, "")
            return int(raw) if raw.isdigit() else None

        board = number("board")
        if board and not organisation.boards.filter(pk=board).exists():
            board = None
        return cls(
            board=board,
            target_group=params.get("target_group", "").strip()[:100],
            year=number("year"),
        )


def filtered_cases(organisation: Organisation, filters: Filters) -> QuerySet[Case]:
    from django.db.models import Q

    cases = Case.objects.filter(organisation=organisation)
    if filters.board:
        cases = cases.filter(boards=filters.board)
    if filters.target_group:
        cases = cases.filter(target_group__icontains=filters.target_group)
    if filters.year:
        y = filters.year
        cases = cases.filter(
            Q(decided_on__year=y)
            | Q(start_date__year__lte=y, end_date__year__gte=y)
            | Q(start_date__year__lte=y, end_date__isnull=True, stage__in=lifecycle.ACTIVE)
            | Q(decided_on__isnull=True, created_at__year=y)
        )
    return cases.distinct()


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class ActiveRow:
    case: Case
    status: CaseStatus


@dataclass(frozen=True)
class Deadline:
    on: dt.date
    what: str
    case: Case | None = None


@dataclass(frozen=True)
class Cap:
    year: int
    used: int
    limit: int | None
    assumed: bool

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


@dataclass
class PortfolioList:
    """The portfolio's lists and the figures summed over them (the XLSX): each figure
    summed by the database, the lists as querysets to be read a page at a time
    (``granted_rows`` reads the whole granted list for the XLSX)."""

    pipeline: list[StageCount]
    # The granted cases matching the filters, in the list's order.
    granted: QuerySet[Case]
    granted_count: int
    granted_total: Decimal
    # The granted cases not yet over (decided or running), with their status per page
    # from active_rows().
    active: QuerySet[Case]
    active_count: int
    savings: list[tuple[str, Decimal, Decimal]]
    today: dt.date


@dataclass
class Dashboard(PortfolioList):
    """The portfolio's lists with the fund, the deadlines and the yearly cap."""

    fund: FundFigures | None
    forecast: list[ForecastYear]
    deadlines: list[Deadline]
    cap: Cap


def pipeline_counts(cases: QuerySet[Case]) -> list[StageCount]:
    from django.db.models import Count, Sum

    rows: dict[str, Mapping[str, Any]] = {
        r["stage"]: r
        for r in cases.order_by().values("stage").annotate(n=Count("pk"), s=Sum("granted_amount"))
    }
    return [
        StageCount(
            value,
            str(label),
            rows.get(value, {}).get("n", 0),
            rows.get(value, {}).get("s") or Decimal(0),
        )
        for value, label in Stage.choices
    ]


def yearly_cap(organisation: Organisation, year: int) -> Cap:
    from satsa.rulebooks.selectors import rulebook_in_force

    used = Case.objects.filter(
        organisation=organisation, stage__in=PUBLIC_STAGES, decided_on__year=year
    ).count()
    rulebook = rulebook_in_force(organisation, dt.date(year, 12, 31))
    grants = rulebook.grants if rulebook is not None else None
    return Cap(
        year=year,
        used=used,
        limit=grants.max_new_per_year if grants else None,
        assumed=bool(grants and grants.assumed),
    )


def upcoming_deadlines(
    organisation: Organisation, cases: QuerySet[Case], today: dt.date, *, days: int = 120
) -> list[Deadline]:
    from django.utils.translation import gettext

    until = today + dt.timedelta(days=days)
    out: list[Deadline] = []
    for r in (
        Report.objects.filter(
            case__in=cases,
            status__in=[ReportStatus.SCHEDULED, ReportStatus.RETURNED],
            due_date__gte=today,
            due_date__lte=until,
        )
        .select_related("case")
        .order_by("due_date")
    ):
        out.append(Deadline(r.due_date, f"{r.get_kind_display()} {r.period_name}", r.case))
    # The pipeline's step deadlines.
    steps = cases.filter(
        step_due_on__gte=today,
        step_due_on__lte=until,
        stage__in=[Stage.IDEA, Stage.APPLICATION, Stage.PREPARATION],
    )
    for case in steps:
        if case.step_due_on is not None:  # always, by the filter
            out.append(Deadline(case.step_due_on, gettext("Nästa steg i beredningen"), case))
    for case in cases.filter(stage__in=lifecycle.ACTIVE, end_date__gte=today, end_date__lte=until):
        if case.end_date is not None:  # always, by the filter
            out.append(Deadline(case.end_date, gettext("Projektet slutar"), case))
    intake = open_intake(organisation, today)
    for call in intake.calls if intake else []:
        if call.deadline <= until:
            out.append(Deadline(call.deadline, gettext("Sista ansökningsdag: %s") % call.name))
    out.sort(key=lambda d: d.on)
    return out


def portfolio_list(
    organisation: Organisation, filters: Filters, today: dt.date | None = None
) -> PortfolioList:
    """The portfolio's lists and their figures in a fixed number of queries, whatever
    the organisation holds."""
    today = today or timezone.localdate()
    cases = filtered_cases(organisation, filters)
    granted = cases.filter(stage__in=PUBLIC_STAGES).order_by("start_date", "title", "pk")
    pipeline = pipeline_counts(cases)
    return PortfolioList(
        pipeline=pipeline,
        granted=granted.only(*_ROW_FIELDS).prefetch_related("departments"),
        granted_count=sum(row.count for row in pipeline if row.stage in PUBLIC_STAGES),
        granted_total=sum(
            (
                funds_sel.money(row.amount)
                for row in pipeline
                if row.stage in PUBLIC_STAGES and row.count
            ),
            Decimal(0),
        ),
        active=granted.filter(stage__in=FOLLOWED_STAGES),
        active_count=sum(row.count for row in pipeline if row.stage in FOLLOWED_STAGES),
        savings=savings_by_board(granted),
        today=today,
    )


def dashboard(
    organisation: Organisation, filters: Filters, today: dt.date | None = None
) -> Dashboard:
    """The dashboard in a fixed number of queries, whatever the organisation holds."""
    today = today or timezone.localdate()
    lists = portfolio_list(organisation, filters, today)
    position = funds_sel.fund_position(organisation=organisation, on=today)
    # the forecast starts from today's position (read once for both)
    same_day = today == timezone.localdate()
    return Dashboard(
        **lists.__dict__,
        fund=fund_position_of(organisation, position=position),
        forecast=fund_forecast_of(organisation, position=position if same_day else None),
        deadlines=upcoming_deadlines(organisation, filtered_cases(organisation, filters), today),
        cap=yearly_cap(organisation, filters.year or today.year),
    )


# What a row of the granted list shows (the XLSX also the target group: granted_rows()).
_ROW_FIELDS = ("organisation", "title", "start_date", "end_date", "granted_amount", "stage")


def active_rows(cases: Iterable[Case], today: dt.date) -> list[ActiveRow]:
    """A page of the dashboard's active cases with their follow-up status."""
    cases = list(cases)
    statuses = followup_statuses(cases, today)
    return [ActiveRow(case, statuses[case.pk]) for case in cases]


@dataclass(frozen=True)
class GrantedRow:
    """A row of the granted list in the XLSX."""

    title: str
    diarienummer: str
    decided_on: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    granted_amount: Decimal | None
    departments: list[str]
    boards: list[str]
    target_group: str
    stage_label: str


def granted_rows(board: PortfolioList) -> list[GrantedRow]:
    """The whole granted list for the XLSX, in five queries for any number of cases:
    only the columns a row shows, the names of the departments and boards, and the
    target groups (cases.selectors.texts_of)."""
    granted = board.granted
    ids = granted.values("pk")
    departments = _names_by_case(Case.departments.through, "department__name", ids)
    boards = _names_by_case(Case.boards.through, "board__name", ids)
    texts = case_sel.texts_of(granted)
    labels = dict(Stage.choices)
    return [
        GrantedRow(
            title=row["title"],
            diarienummer=row["diarienummer"] or "",
            decided_on=row["decided_on"],
            start_date=row["start_date"],
            end_date=row["end_date"],
            granted_amount=row["granted_amount"],
            departments=sorted(departments.get(row["pk"], [])),
            boards=sorted(boards.get(row["pk"], [])),
            target_group=texts[row["pk"]].target_group,
            stage_label=str(labels.get(row["stage"], row["stage"])),
        )
        for row in granted.values(*_ROW_COLUMNS)
    ]


def _names_by_case(through: Any, name: str, cases: Any) -> dict[int, list[str]]:
    """The names a many-to-many field of Case holds, by case id, in one query."""
    out: dict[int, list[str]] = {}
    for case_id, value in through.objects.filter(case__in=cases).values_list("case_id", name):
        out.setdefault(case_id, []).append(value)
    return out


def filter_choices(organisation: Organisation) -> dict[str, Any]:
    from satsa.orgs.models import Board

    years = sorted(
        {
            d.year
            for d in Case.objects.filter(
                organisation=organisation, decided_on__isnull=False
            ).values_list("decided_on", flat=True)
            if d is not None
        }
        | {
            y
            for s, e in Case.objects.filter(
                organisation=organisation, start_date__isnull=False, end_date__isnull=False
            ).values_list("start_date", "end_date")
            if s is not None and e is not None
            for y in range(s.year, e.year + 1)
        }
        | {timezone.localdate().year}
    )
    return {"boards": list(Board.objects.filter(organisation=organisation)), "years": years}


# --- the yearly consolidated evaluation ----------------------------------------------------


def evaluation_figures(organisation: Organisation, year: int, depth: str) -> dict[str, Any]:
    """The figures of the consolidated evaluation of ``year``, as JSON-ready data (amounts
    as decimal strings): every case granted up to the end of the year, its implementation
    (stage and status), its expected and realised savings, and the fund at the year's end."""
    end = dt.date(year, 12, 31)
    cases = list(
        Case.objects.filter(organisation=organisation, stage__in=PUBLIC_STAGES)
        .filter(decided_on__lte=end)
        .prefetch_related("departments")
        .order_by("start_date", "title")
    ) + list(
        # Cases recorded as granted without a decision date still belong to the portfolio.
        Case.objects.filter(
            organisation=organisation, stage__in=PUBLIC_STAGES, decided_on__isnull=True
        )
        .filter(start_date__lte=end)
        .prefetch_related("departments")
        .order_by("start_date", "title")
    )
    on = min(end, timezone.localdate())
    effects = {c.pk: effect_summary(c) for c in cases}
    statuses = followup_statuses([c for c in cases if c.stage in lifecycle.ACTIVE], on)
    rows = []
    for case in cases:
        status = statuses.get(case.pk)
        calc = calculation_figures(case)
        effect = effects[case.pk]
        expected = (
            sum(effect.expected.values(), Decimal(0))
            if effect and effect.expected
            else (sum((v for _, v in calc.savings_by_actor), Decimal(0)) if calc else None)
        )
        realised = sum(effect.realised.values(), Decimal(0)) if effect else None
        rows.append(
            {
                "id": case.pk,
                "name": case.title,
                "start_date": case.start_date.isoformat() if case.start_date else None,
                "end_date": case.end_date.isoformat() if case.end_date else None,
                "granted": str(case.granted_amount) if case.granted_amount is not None else None,
                "departments": sorted(d.name for d in case.departments.all()),
                "target_group": case.target_group_text,
                "stage": str(case.get_stage_display()),
                "status": status.label if status else str(case.get_stage_display()),
                "reasons": status.reasons if status else [],
                "npv": str(calc.npv) if calc and calc.npv is not None else None,
                "expected": str(expected) if expected is not None else None,
                "realised": str(realised) if realised is not None else None,
                "conclusion": effect.conclusion if effect else "",
                "estimates": effect.estimates if effect else [],
                "reports": len(reports_of(case)) if depth == "deep" else 0,
            }
        )

    def active_in(c: Case) -> bool:
        return bool(
            c.start_date
            and c.start_date.year <= year
            and (c.end_date is None or c.end_date.year >= year)
        )

    fund = fund_position_of(organisation, end)
    boards = savings_by_board(cases)
    return {
        "organisation": organisation.name,
        "year": year,
        "depth": depth,
        "generated_on": timezone.localdate().isoformat(),
        "totals": {
            "count": len(cases),
            "granted": str(sum((c.granted_amount or Decimal(0) for c in cases), Decimal(0))),
            "active": sum(1 for c in cases if active_in(c)),
            "new": sum(1 for c in cases if c.decided_on and c.decided_on.year == year),
            "ended": sum(1 for c in cases if c.end_date and c.end_date.year == year),
            "expected": str(sum((e for _, e, _ in boards), Decimal(0))),
            "realised": str(sum((r for _, _, r in boards), Decimal(0))),
        },
        "fund": {k: str(v) for k, v in fund.__dict__.items()} if fund else None,
        "cases": rows,
        "boards": [{"board": b, "expected": str(e), "realised": str(r)} for b, e, r in boards],
    }


def suggested_depth(organisation: Organisation, year: int) -> str:
    """Uppsala's rule: a yearly evaluation, and a deeper one once the portfolio's first
    interventions have run for two years."""
    first = (
        Case.objects.filter(organisation=organisation, stage__in=PUBLIC_STAGES)
        .exclude(start_date__isnull=True)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return "deep" if first is not None and year - first.year == 2 else "yearly"


def report_by_id(organisation: Organisation, pk: int) -> tuple[Case, ReportContent] | None:
    """A follow-up report of one of the organisation's cases, with its case."""
    report = (
        Report.objects.filter(pk=pk, case__organisation=organisation).select_related("case").first()
    )
    if report is None:
        return None
    return report.case, _report_content(report)
