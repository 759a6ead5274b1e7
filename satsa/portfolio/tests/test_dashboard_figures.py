"""The dashboard, its XLSX and the public list give the same figures as the previous
implementation, which computed them one case at a time in Python (kept here as the
reference), on the demo data and a small national data set."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Prefetch
from django.test.utils import override_settings
from django.utils.translation import gettext

from satsa.calculations.models import Calculation
from satsa.cases import lifecycle
from satsa.cases.models import Case, Stage
from satsa.core.demo import load_all
from satsa.followup.models import EffectEvaluation, ProposalStatus, TerminationProposal
from satsa.orgs.models import Board, Organisation
from satsa.portfolio import exports, scale, selectors
from satsa.portfolio.models import PublishedReport

TODAY = dt.date(2026, 12, 3)


# --- the reference: the previous implementation, one case at a time ----------------------


def reference_dashboard(org: Organisation, filters: selectors.Filters) -> dict[str, Any]:
    cases = selectors.filtered_cases(org, filters)
    granted = list(
        cases.filter(stage__in=selectors.PUBLIC_STAGES)
        .select_related("calculation")
        .prefetch_related("departments", "boards", "versions")
        .order_by("start_date", "title", "pk")
    )
    running = [case for case in granted if case.stage in lifecycle.ACTIVE]
    statuses = selectors.followup_statuses(running, TODAY)
    return {
        "granted": granted,
        "active": [(case.pk, statuses[case.pk]) for case in running],
        "savings": reference_savings(granted),
        "granted_total": sum((c.granted_amount or Decimal(0) for c in granted), Decimal(0)),
        "pipeline": selectors.pipeline_counts(cases),
    }


def reference_savings(cases: list[Case]) -> list[tuple[str, Decimal, Decimal]]:
    latest: dict[int, EffectEvaluation] = {}
    for found in EffectEvaluation.objects.filter(case__in=[c.pk for c in cases]).order_by(
        "created_at", "id"
    ):
        latest[found.case_id] = found
    expected: dict[str, Decimal] = defaultdict(Decimal)
    realised: dict[str, Decimal] = defaultdict(Decimal)
    for case in cases:
        ev = latest.get(case.pk)
        planned = dict(ev.expected_savings) if ev is not None and ev.expected_savings else {}
        if planned:
            for board, amount in planned.items():
                expected[board] += selectors._number(amount) or Decimal(0)
        else:
            figures = selectors.calculation_figures(case)
            for actor, amount in figures.savings_by_actor if figures else []:
                expected[actor] += amount
        if ev is not None:
            for board, amount in (ev.realised_savings or {}).items():
                realised[board] += selectors._number(amount) or Decimal(0)
    boards = sorted(set(expected) | set(realised))
    return [(b, expected.get(b, Decimal(0)), realised.get(b, Decimal(0))) for b in boards]


def reference_granted_rows(granted: list[Case], total: Decimal) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            case.title,
            case.diarienummer or None,
            case.decided_on,
            case.start_date,
            case.end_date,
            case.granted_amount,
            ", ".join(sorted(d.name for d in case.departments.all())),
            ", ".join(sorted(b.name for b in case.boards.all())),
            case.target_group_text,
            str(case.get_stage_display()),
        ]
        for case in granted
    ]
    return [*rows, [], ["Summa", None, None, None, None, total]]


def reference_public(org: Organisation) -> list[selectors.PublicIntervention]:
    stopped = dict(
        TerminationProposal.objects.filter(
            organisation=org,
            case__stage=Stage.TERMINATED,
            status=ProposalStatus.TERMINATED,
            decided_on__isnull=False,
        ).values_list("case_id", "decided_on")
    )
    out = []
    for case in (
        Case.objects.filter(organisation=org, stage__in=selectors.PUBLIC_STAGES)
        .prefetch_related(
            "departments",
            "boards",
            "parties",
            "versions",
            Prefetch(
                "published_reports",
                queryset=PublishedReport.objects.current().defer("pdf"),
                to_attr="current_reports",
            ),
        )
        .order_by("start_date", "decided_on", "title", "pk")
    ):
        ended_on = stopped.get(case.pk)
        period = case.period_text
        if ended_on is not None:
            period = gettext("%(period)s, avbröts %(date)s") % {
                "period": period,
                "date": ended_on.isoformat(),
            }
        reports = case.current_reports  # type: ignore[attr-defined]
        out.append(
            selectors.PublicIntervention(
                id=case.pk,
                name=case.title,
                diarienummer=case.diarienummer or "",
                decided_on=case.decided_on,
                start_date=case.start_date,
                end_date=case.end_date,
                granted_amount=case.granted_amount,
                departments=sorted(d.name for d in case.departments.all()),
                boards=sorted(b.name for b in case.boards.all()),
                partners=sorted(p.name for p in case.parties.all()),
                target_group=case.target_group_text,
                status=case.stage,
                status_label=str(case.get_stage_display()),
                final_report=reports[0] if reports else None,
                period=period,
                ended_on=ended_on,
            )
        )
    return out


# --- the data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        load_all()
        scale.build(cases=60, organisations=4)
        yield
        transaction.set_rollback(True)


def _filters_of(org: Organisation) -> list[selectors.Filters]:
    board = Board.objects.filter(organisation=org).order_by("pk").first()
    out = [selectors.Filters(), selectors.Filters(year=2018), selectors.Filters(year=2025)]
    if board is not None:
        out.append(selectors.Filters(board=board.pk))
    return out


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("pk"))


def _fixed(value: Any) -> Any:
    """A Decimal with its exponent, so that 1.0 and 1.00 count as different."""
    return (value, str(value)) if isinstance(value, Decimal) else value


def test_the_demo_has_something_to_compare(demo: None, db: Any) -> None:
    assert Case.objects.filter(stage__in=selectors.PUBLIC_STAGES).count() > 20
    granted = Case.objects.filter(stage__in=selectors.PUBLIC_STAGES)
    assert Calculation.objects.filter(case__in=granted, result__isnull=False).count() > 10


def test_the_dashboard_figures_equal_the_per_case_computation(demo: None, db: Any) -> None:
    compared = 0
    for org in _organisations():
        for filters in _filters_of(org):
            ref = reference_dashboard(org, filters)
            board = selectors.dashboard(org, filters, today=TODAY)
            assert [c.pk for c in board.granted] == [c.pk for c in ref["granted"]]
            assert board.granted_count == len(ref["granted"])
            assert _fixed(board.granted_total) == _fixed(ref["granted_total"])
            rows = selectors.active_rows(board.active, TODAY)
            assert [(r.case.pk, r.status) for r in rows] == ref["active"]
            assert board.active_count == len(ref["active"])
            assert [(b, _fixed(e), _fixed(r)) for b, e, r in board.savings] == [
                (b, _fixed(e), _fixed(r)) for b, e, r in ref["savings"]
            ]
            assert board.pipeline == ref["pipeline"]
            compared += bool(ref["savings"]) + bool(ref["active"])
    assert compared > 5  # savings and statuses were there to compare


def test_the_xlsx_cells_equal_the_per_case_computation(demo: None, db: Any) -> None:
    for org in _organisations():
        for filters in _filters_of(org):
            ref = reference_dashboard(org, filters)
            board = selectors.portfolio_list(org, filters, today=TODAY)
            granted, pipeline, savings = exports.portfolio_tables(board)
            assert [[_fixed(v) for v in row] for row in granted.rows] == [
                [_fixed(v) for v in row]
                for row in reference_granted_rows(ref["granted"], ref["granted_total"])
            ]
            assert list(pipeline.rows) == [[r.label, r.count, r.amount] for r in ref["pipeline"]]
            assert [list(row) for row in savings.rows] == [list(row) for row in ref["savings"]]


def test_the_public_record_equals_the_per_case_computation(demo: None, db: Any) -> None:
    for org in _organisations():
        assert selectors.public_interventions(org) == reference_public(org)


def test_a_case_without_target_group_or_dates_takes_them_from_its_application(
    demo: None, db: Any
) -> None:
    from satsa.cases.selectors import texts_of

    cases = Case.objects.filter(versions__isnull=False).distinct()
    picked = list(cases.order_by("pk")[:10])
    with transaction.atomic():
        for case in picked:
            case.target_group = " "
            case.start_date = case.end_date = None
            case.save(update_fields=["target_group", "start_date", "end_date"])
        texts = texts_of(Case.objects.filter(pk__in=[c.pk for c in picked]))
        for case in Case.objects.filter(pk__in=[c.pk for c in picked]):
            assert texts[case.pk].target_group == case.target_group_text
            assert texts[case.pk].period == case.period_text
        assert any(texts[c.pk].target_group for c in picked)
        transaction.set_rollback(True)
