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
from django.utils import timezone

from satsa.cases import demo as cases_demo
from satsa.cases import lifecycle
from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.followup import selectors, services
from satsa.followup.models import Group, MeasureKind, Report, ReportKind, ReportStatus
from satsa.followup.pseudonyms import PseudonymKeyMissing
from satsa.orgs.models import Organisation

DEMO = "(illustrativa demovärden)"

CASES: dict[str, dict[str, Any]] = {
    "Team Oxhagen": {
        "goal": "Barn och unga i Oxhagen klarar skolan och bor tryggt hemma.",
        "target": "Familjer med barn 6–15 år i Oxhagen med samtidiga behov av stöd från flera förvaltningar.",
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
        if n == 0 and leader is not None and coordinator is not None:
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


# The portfolio's cases that went into ordinary operations, with what the source says.
IMPLEMENTED = {
    "Samverkan för teckenspråkiga": "infördes i ordinarie verksamhet 2017",
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


__all__ = ["ReportStatus", "close_finished", "load"]
