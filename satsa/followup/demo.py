"""Demo follow-up for two of Örebro's decided portfolio cases, and the end of the
portfolio: every case that has ended moves to its real outcome (DOMAIN.md §9).

Every figure here is an ILLUSTRATIVE DEMO VALUE, made up to show the screens: the goals
paraphrase the interventions' published descriptions, but no baseline, measurement,
questionnaire answer or report text comes from the real projects. Safe to re-run: a case
that already has an evaluation schema is left alone, and an ended case is moved once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from satsa.cases import demo as cases_demo
from satsa.cases import lifecycle
from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.followup import selectors, services
from satsa.followup.models import Group, MeasureKind, Report, ReportKind, ReportStatus
from satsa.followup.pseudonyms import PseudonymKeyMissing
from satsa.funds import services as funds
from satsa.funds.models import Claim
from satsa.funds.repayment import allocate
from satsa.orgs.models import Board, Department, Organisation

DEMO = "(illustrativa demovärden)"

CASES: dict[str, dict[str, Any]] = {
    "Team Oxhagen": {
        "goal": "Barn och unga i Oxhagen klarar skolan och bor tryggt hemma.",
        "target": "Barn 0–9 år och deras föräldrar boende i Oxhagen.",
        "comparison": "Familjer med liknande behov i Vivalla (jämförelseområde).",
        "subgoal": "Samordnat stöd till familjen från skola, socialtjänst och fritid.",
        "activity": "Gemensamt team med en plan per familj.",
        "measures": [
            (MeasureKind.ACTIVITY, "Familjer med samordnad plan", "antal", 0, 40),
            (MeasureKind.SHORT_TERM, "Föräldrarnas KASAM", "poäng (13–91)", 54, 62),
            (MeasureKind.OUTCOME, "Elever med godkänt i alla ämnen", "procent", 48, 60),
        ],
        "values": [
            (dt.date(2015, 8, 31), 12, 56, 50),
            (dt.date(2015, 12, 31), 21, 58, 52),
            (dt.date(2016, 8, 31), 30, 59, 55),
        ],
    },
    "Skolfam": {
        "goal": "Familjehemsplacerade barn når skolans kunskapsmål.",
        "target": "Familjehemsplacerade barn i grundskolan.",
        "comparison": "",
        "no_comparison": "Gruppen är för liten för en jämförelsegrupp; jämförelse görs mot barnens egna tidigare resultat.",
        "subgoal": "Varje barn får en pedagogisk och psykologisk kartläggning.",
        "activity": "Skolfam-team (psykolog och specialpedagog) kartlägger och följer upp.",
        "measures": [
            (MeasureKind.ACTIVITY, "Kartlagda barn", "antal", 0, 25),
            (MeasureKind.OUTCOME, "Barn som når kunskapskraven i svenska", "procent", 42, 60),
        ],
        "values": [(dt.date(2016, 12, 31), 9, 45, None), (dt.date(2017, 8, 31), 17, 49, None)],
        # Measured in aggregate only: the baseline share rests on this many children, so
        # the effect evaluation can give an interval, not only a point estimate.
        "baseline_n": 28,
    },
}


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _kasam_csv(seed: int) -> bytes:
    """30 + 30 made-up people; the identifiers are not personal identity numbers."""
    rng = random.Random(seed)  # noqa: S311 - demo values, not security
    lines = ["person,group,period,value"]
    for group, gain in (("treatment", 6), ("control", 1)):
        for i in range(30):
            person = f"DEMO-{group}-{i:03d}"
            base = rng.randint(45, 65)
            lines.append(f"{person},{group},baseline,{base}")
            lines.append(f"{person},{group},follow_up,{base + gain + rng.randint(-4, 4)}")
    return ("\n".join(lines) + "\n").encode()


def _load_case(case: Case, spec: dict[str, Any], coordinator: Any, leader: Any) -> None:
    schema = services.schema_save(
        case=case,
        actor=coordinator,
        overall_goal=spec["goal"],
        target_group=spec["target"],
        comparison_group=spec["comparison"],
        no_comparison_reason=spec.get("no_comparison", ""),
        project_leader=leader,
    )
    subgoal = services.schema_subgoal_add(schema=schema, actor=coordinator, text=spec["subgoal"])
    services.schema_activity_add(subgoal=subgoal, actor=coordinator, text=spec["activity"])
    baseline_on = (case.start_date or dt.date(2015, 1, 1)) - dt.timedelta(days=60)
    measures = []
    for kind, name, unit, baseline, target in spec["measures"]:
        measures.append(
            services.schema_measure_add(
                schema=schema,
                actor=coordinator,
                kind=kind,
                name=name,
                unit=unit,
                baseline_value=Decimal(baseline),
                baseline_date=baseline_on,
                target_value=Decimal(target),
                source=f"Verksamhetens uppföljning {DEMO}",
                responsible="Projektledaren",
                subgoal=subgoal,
            )
        )
    if spec.get("baseline_n"):
        for measure in measures:
            if measure.kind != MeasureKind.ACTIVITY and measure.baseline_value is not None:
                services.measure_value_record(
                    measure=measure,
                    actor=coordinator,
                    group=Group.TREATMENT,
                    period_label=f"{baseline_on:%Y-%m} {DEMO}",
                    measured_on=baseline_on,
                    value=measure.baseline_value,
                    n=spec["baseline_n"],
                )
    for on, *values in spec["values"]:
        for measure, value in zip(measures, values, strict=False):
            if value is None:
                continue
            services.measure_value_record(
                measure=measure,
                actor=leader or coordinator,
                group=Group.TREATMENT,
                period_label=f"{on:%Y-%m} {DEMO}",
                measured_on=on,
                value=Decimal(value),
                n=None if measure.kind == MeasureKind.ACTIVITY else 30,
            )
    kasam = next((m for m in measures if "KASAM" in m.name), None)
    if kasam is not None:
        # In production without a key the demo simply has no individual data.
        with contextlib.suppress(PseudonymKeyMissing):
            services.measurements_import(
                measure=kasam, actor=coordinator, content=_kasam_csv(case.pk), filename="demo.csv"
            )
    services.reports_schedule(case=case, actor=system_actor())
    periodic = Report.objects.filter(case=case, kind=ReportKind.PERIODIC).order_by("period_end")
    for n, report in enumerate(periodic[:2]):
        services.report_submit(
            report=report,
            plan_status={
                str(a.id): {"status": "ongoing", "comment": ""}
                for a in selectors.report_plan(case).activities
            },
            actor=leader or coordinator,
            activities=f"Teamet har arbetat enligt planen {DEMO}.",
            ways_of_working=f"Gemensamma möten varannan vecka {DEMO}.",
            effects=f"Måtten rör sig mot målen, se tabellen {DEMO}.",
            deviations="" if n == 0 else f"Rekryteringen av en tjänst försenades {DEMO}.",
            spent_to_date=(case.granted_amount or Decimal(0)) * Decimal("0.2") * (n + 1),
        )
        if leader is not None and coordinator is not None:
            report.refresh_from_db()
            services.report_approve(report=report, actor=coordinator)


def load() -> None:
    org = Organisation.objects.filter(slug="orebro").first()
    if org is None:
        return
    coordinator, leader = _user("anna"), _user("lina")
    for title, spec in CASES.items():
        case = Case.objects.filter(organisation=org, title=title).first()
        if case is None or selectors.schema_of(case) is not None:
            continue
        if case.stage not in lifecycle.ACTIVE:
            continue
        _load_case(case, spec, coordinator, leader)
    # The portfolio's cases are loaded as decided without a stage change: their reports.
    for case in Case.objects.filter(organisation=org).followed():
        services.reports_schedule(case=case, actor=system_actor())


# The portfolio's cases that went into ordinary operations, with what the source says.
IMPLEMENTED = {
    "Samverkan för teckenspråkiga": "infördes i ordinarie verksamhet 2017",
    # Three interventions under the umbrella Partnerskap Varberga/Oxhagen, evaluated in 2017.
    "El Sistema": "beslutades 2017 att införas i ordinarie verksamhet från början av 2018",
    "Team Oxhagen": "beslutades 2017 att införas i ordinarie verksamhet från början av 2018",
    "Specialpedagogisk kompetensutveckling": (
        "beslutades 2017 att införas i ordinarie verksamhet från början av 2018"
    ),
}


def close_finished() -> None:
    """Move Örebro's portfolio cases whose end date has passed to their real outcome:
    implemented where the source says so, closed otherwise. Ending a project releases the
    part of its grant it never claimed, so this runs after the demo's payments."""
    org = Organisation.objects.filter(slug="orebro").first()
    if org is None:
        return
    titles = [title for title, *_ in cases_demo.PORTFOLIO]
    ended = Case.objects.filter(
        organisation=org,
        title__in=titles,
        stage__in=lifecycle.ACTIVE,
        end_date__lt=timezone.localdate(),
    ).order_by("end_date", "pk")
    for case in ended:
        source = IMPLEMENTED.get(case.title)
        if source is not None:
            # The implementation decision service asks for an effect evaluation, which the
            # source does not give and the demo does not invent; the note says so.
            services.case_stage_set(
                case=case,
                actor=system_actor(),
                stage=Stage.IMPLEMENTED,
                reason=f"Demo: {source} enligt källan (DOMAIN.md §9); "
                "inget implementeringsbeslut eller någon effektutvärdering är registrerad.",
            )
        else:
            services.case_stage_set(
                case=case,
                actor=system_actor(),
                stage=Stage.CLOSED,
                reason=f"Demo: projektet avslutades när projekttiden gick ut {case.end_date}.",
            )


# --- running projects, relative to today -------------------------------------------------

# Made-up projects (not in the sources) that are running now, so that claims to approve,
# payments to book and reports due can be walked. Dates are relative to the day the demo
# is loaded; every text says it is a demo.
RUNNING_NOTE = "Demo – påhittat pågående projekt för att visa uppföljningen"
RUNNING: list[dict[str, Any]] = [
    {
        "org": "orebro",
        "title": "Familjecentral i Brickebacken",
        "rulebook": "orebro-2020",
        "granted": Decimal("3000000"),
        "boards": ["Socialnämnden", "Förskolenämnden"],
        "departments": ["Socialförvaltningen", "Förvaltningen förskola och skola"],
        "target": "Familjer med barn 0–6 år i Brickebacken (demo).",
        "applicant": "ali",
        "leader": "lina",
        "coordinator": "anna",
        "steering": "sara",
    },
    {
        "org": "uppsala",
        "title": "Vägen till arbete för unga vuxna",
        "rulebook": "uppsala-2016",
        "granted": Decimal("2400000"),
        "boards": ["Arbetsmarknadsnämnden", "Socialnämnden"],
        "departments": ["Arbetsmarknadsförvaltningen", "Socialförvaltningen"],
        "target": "Unga vuxna 18–24 år som varken arbetar eller studerar (demo).",
        "applicant": "amir",
        "leader": "emma",
        "coordinator": "ulla",
        "steering": "birgitta",
    },
    {
        "org": "gavleborg",
        "title": "Tidiga insatser för unga i Hälsingland",
        "rulebook": "gavleborg-2018",
        "granted": Decimal("1500000"),
        "boards": ["Hälso- och sjukvårdsnämnden", "Regional utvecklingsnämnd"],
        "departments": ["Hälso- och sjukvårdsförvaltningen", "Regional utveckling"],
        "target": "Unga 13–19 år i Hälsingland med tidiga tecken på psykisk ohälsa (demo).",
        "applicant": "kristin",
        "leader": "frida",
        "coordinator": "gustav",
        "steering": "bengt",
    },
    {
        "org": "gavleborg",
        "title": "Hälsolotsar i Gästrikland",
        "rulebook": "gavleborg-2018",
        "granted": Decimal("900000"),
        "boards": ["Hälso- och sjukvårdsnämnden"],
        "departments": ["Hälso- och sjukvårdsförvaltningen"],
        "target": "Vuxna 40–65 år i Gästrikland med tidiga tecken på livsstilssjukdom (demo).",
        "applicant": "kristin",
        "leader": "frida",
        "coordinator": "gustav",
        "steering": "bengt",
        # Decided, starting in two months: nothing to claim yet.
        "months_ago": -2,
    },
    {
        "org": "orebro",
        "title": "Nattvandrande föräldrar i Vivalla",
        "rulebook": "orebro-2020",
        "granted": Decimal("1200000"),
        "boards": ["Socialnämnden", "Kultur- och fritidsnämnden"],
        "departments": ["Socialförvaltningen", "Förvaltningen kultur och fritid"],
        "target": "Ungdomar 13–17 år i Vivalla och deras föräldrar (demo).",
        "applicant": "ali",
        "leader": "lina",
        "coordinator": "anna",
        "steering": "sara",
        # Ended early: the unclaimed part goes back to the fund.
        "terminated": "Demo – påhittat: avbröts efter ett år när föräldragruppen inte gick "
        "att rekrytera; inget avbrytandeförslag är registrerat.",
    },
]
# The project started this many months before today (unless its spec says otherwise) and
# runs three years.
RUNNING_MONTHS_AGO = 16


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _running_case(org: Organisation, spec: dict[str, Any], today: dt.date) -> Case | None:
    if Case.objects.filter(organisation=org, title=spec["title"]).exists():
        return None
    start = _months_before(today, spec.get("months_ago", RUNNING_MONTHS_AGO))
    end = dt.date(start.year + 3, start.month, 1) - dt.timedelta(days=1)
    decided_on = start - dt.timedelta(days=45)
    case = Case.objects.create(
        organisation=org,
        title=spec["title"],
        rulebook_key=spec["rulebook"],
        stage=Stage.DECIDED,
        start_date=start,
        end_date=end,
        granted_amount=spec["granted"],
        decided_on=decided_on,
        diarienummer=f"{decided_on.year}/demo-pågående-{RUNNING.index(spec) + 1}",
        outcome=Case.Outcome.GRANTED,
        idea_outcome=Case.IdeaOutcome.GO,
        minutes_reference=RUNNING_NOTE,
        target_group=spec["target"],
        created_by=_user(spec["applicant"]),
        project_leader=_user(spec["leader"]),
    )
    case.boards.set(Board.objects.filter(organisation=org, name__in=spec["boards"]))
    case.departments.set(Department.objects.filter(organisation=org, name__in=spec["departments"]))
    funds.commitment_create(
        case=case,
        amount=spec["granted"],
        booked_on=decided_on,
        reference=case.diarienummer or "",
        actor=system_actor(),
    )
    return case


def _plans(case: Case, spec: dict[str, Any]) -> None:
    """Where the rulebook asks for them (Uppsala): the payment plan proposed by the project
    leader and a manual repayment plan by the coordinator, both approved by the steering
    group."""
    leader, coordinator, steering = (
        _user(spec["leader"]),
        _user(spec["coordinator"]),
        _user(spec["steering"]),
    )
    if funds.payment_plan_required(case):
        lines = [
            funds.PaymentLine(year=p.year, period=p.code, amount=amount)
            for p, amount in funds.payment_plan_suggestion(case)
        ]
        plan = funds.payment_plan_propose(
            case=case, lines=lines, actor=leader, note=f"{RUNNING_NOTE}."
        )
        funds.payment_plan_approve(plan=plan, actor=steering)
    if funds.repayment_applicability(case).applies and case.end_date is not None:
        boards = list(case.boards.order_by("name"))
        years = [case.end_date.year + n for n in (1, 2)]
        keys = [(b, y) for y in years for b in boards]
        parts = allocate(Decimal(case.granted_amount or 0), dict.fromkeys(keys, Decimal(1)))
        repayment = funds.repayment_plan_manual(
            case=case,
            lines=[funds.ManualLine(board=b, year=y, amount=parts[(b, y)]) for b, y in keys],
            reason=f"{RUNNING_NOTE}: nämnderna minskar sina budgetramar i lika delar de två "
            "åren efter projektet.",
            decided_on=case.decided_on or case.start_date or case.end_date,
            actor=coordinator,
        )
        if funds.plan_approval_required(case, "repayment_plan_approved"):
            funds.repayment_plan_approve(plan=repayment, actor=steering)


def _claim_points(case: Case, today: dt.date) -> list[tuple[str, dt.date, Report | None]]:
    """The reporting points that have passed: the periodic reports, or, where the rulebook
    has none (Region Gävleborg), the yearly points at which costs are claimed."""
    reports = Report.objects.filter(case=case, kind=ReportKind.PERIODIC, period_end__lt=today)
    points: list[tuple[str, dt.date, Report | None]] = [
        (r.period_code, r.period_end, r) for r in reports.order_by("period_end")
    ]
    if points or case.start_date is None:
        return points
    return [
        (period.code, period_end, None)
        for year in range(case.start_date.year, today.year + 1)
        for period in funds.reporting_periods(case)
        if case.start_date < (period_end := dt.date(year, period.month, period.day)) < today
    ]


def _report_and_claim(case: Case, spec: dict[str, Any], today: dt.date) -> None:
    """Every reporting point that has passed is reported, approved and its claim paid,
    except the last two: the report before the last waits for the coordinator's review and
    its claim for approval, and the last is the project leader's to write (due now).
    Without periodic reports (Region Gävleborg) the last yearly claim waits for approval."""
    leader, coordinator = _user(spec["leader"]), _user(spec["coordinator"])
    services.reports_schedule(case=case, actor=system_actor())
    passed = _claim_points(case, today)
    if not passed or case.start_date is None or case.end_date is None:
        return
    share = funds.co_financing_min_share(case)
    total_days = Decimal((case.end_date - case.start_date).days + 1)
    previous = case.start_date - dt.timedelta(days=1)
    ended_early = bool(spec.get("terminated"))
    for n, (code, period_end, report) in enumerate(passed):
        days = Decimal((period_end - previous).days)
        previous = period_end
        amount = (Decimal(case.granted_amount or 0) * days / total_days).quantize(Decimal("1"))
        last, before_last = n == len(passed) - 1, n == len(passed) - 2
        if report is None:
            funds.claim_submit(
                case=case,
                period_code=code,
                period_end=period_end,
                amount=amount,
                actor=leader,
                idempotency_key=f"demo-running-{case.pk}-{period_end}",
                description=f"Personalkostnader för perioden ({RUNNING_NOTE.lower()}).",
                # Where the applicants co-finance, the period's whole cost is stated.
                costs_incurred=None
                if share is None
                else (amount / (1 - share)).quantize(Decimal("1")),
            )
            if last and not ended_early:
                continue
        else:
            if last and not ended_early:
                continue
            services.report_submit(
                report=report,
                actor=leader,
                activities=f"Verksamheten har bedrivits enligt planen ({DEMO}).",
                ways_of_working=f"Gemensamma familjeträffar och hembesök ({DEMO}).",
                effects=f"För tidigt att se effekter ({DEMO}).",
                spent_to_date=amount * (n + 1),
                claim_amount=amount,
            )
            if before_last and not ended_early:
                continue
            report.refresh_from_db()
            services.report_approve(report=report, actor=coordinator)
        claim = Claim.objects.filter(case=case, period_end=period_end).first()
        for level in range(2):
            if claim is None or claim.status != Claim.Status.SUBMITTED:
                break
            funds.claim_approve(
                claim=claim,
                actor=coordinator,
                idempotency_key=f"demo-running-{claim.pk}-approve-{level}",
                approved_on=period_end + dt.timedelta(days=20),
            )
            claim.refresh_from_db()
        if claim is not None and claim.status == Claim.Status.APPROVED:
            funds.payment_book(
                claim=claim,
                booked_on=min(period_end + dt.timedelta(days=30), today),
                actor=coordinator,
                idempotency_key=f"demo-running-{claim.pk}-pay",
            )


def load_running() -> None:
    today = timezone.localdate()
    for spec in RUNNING:
        org = Organisation.objects.filter(slug=spec["org"]).first()
        if org is None or _user(spec["leader"]) is None:
            continue
        with transaction.atomic():
            case = _running_case(org, spec, today)
            if case is None:
                continue
            _plans(case, spec)
            _report_and_claim(case, spec, today)
            if spec.get("terminated"):
                for claim in Claim.objects.filter(case=case, status=Claim.Status.SUBMITTED):
                    funds.claim_reject(
                        claim=claim, actor=_user(spec["coordinator"]), reason=spec["terminated"]
                    )
                services.case_stage_set(
                    case=case,
                    actor=system_actor(),
                    stage=Stage.TERMINATED,
                    reason=spec["terminated"],
                )


__all__ = ["ReportStatus", "close_finished", "load", "load_running"]
