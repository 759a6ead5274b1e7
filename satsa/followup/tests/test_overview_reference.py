"""The follow-up overview counts the off-plan cases from what the signals read only
(issue #17): its count and signals equal those of the whole per-case follow-up (the
previous implementation, kept below as the reference) on the demo and a small national
data set, at dates that give every kind of signal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils.html import escape

from satsa.cases import lifecycle
from satsa.cases.models import Case
from satsa.core.demo import load_all
from satsa.followup import selectors
from satsa.followup.models import EvaluationSchema, Measure, Report, ReportKind, ReportStatus
from satsa.orgs.models import Organisation
from satsa.portfolio import scale

DATES = [dt.date(2017, 6, 30), dt.date(2019, 3, 1), dt.date(2022, 1, 1), None]


@pytest.fixture(scope="module")
def national(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        load_all()
        scale.build(cases=40, organisations=6)
        # The small data set's cases under way have no measures: give one of them a copy
        # of a measure with values, far from its target, so that it is behind target.
        case = (
            Case.objects.filter(
                stage__in=lifecycle.ACTIVE,
                organisation__slug=scale.BIG_SLUG,
                start_date__isnull=False,
                end_date__isnull=False,
                evaluation_schema__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        assert case is not None
        schema = EvaluationSchema.objects.create(organisation=case.organisation, case=case)
        measure = next(
            m
            for m in Measure.objects.filter(baseline_value__isnull=False).order_by("pk")
            if selectors.latest_value(m) is not None
        )
        values = list(measure.values.all())
        measure.pk = None
        measure.schema = schema
        measure.target_value = measure.baseline_value + 1_000_000
        measure.save()
        for value in values:
            value.pk = None
            value.measure = measure
            value.save()
        # Two ended cases with a follow-up evaluation due in 2018: one scheduled (late
        # from then on), one returned (never late once the project has ended).
        ended = Case.objects.filter(organisation__slug=scale.BIG_SLUG).exclude(
            stage__in=lifecycle.ACTIVE
        )
        for status, ended_case in zip(
            (ReportStatus.SCHEDULED, ReportStatus.RETURNED),
            ended.filter(stage__in=lifecycle.FOLLOWED).order_by("pk")[:2],
            strict=True,
        ):
            Report.objects.create(
                organisation=ended_case.organisation,
                case=ended_case,
                kind=ReportKind.FOLLOW_UP,
                period_name="Uppföljning 2018",
                period_end=dt.date(2018, 1, 1),
                due_date=dt.date(2018, 3, 1),
                status=status,
            )
        yield
        transaction.set_rollback(True)


def followed(org: Organisation) -> list[Case]:
    return list(Case.objects.filter(organisation=org).followed().order_by("title"))


def reference_signals(cases: list[Case], on: dt.date) -> dict[int, list[tuple[str, str]]]:
    """The previous implementation: every case's whole follow-up (reports with their texts,
    schemas, whole calculations) read as the case page reads it."""
    return {
        row.case.pk: [(s.code, str(s.text)) for s in row.signals]
        for row in selectors.case_followups(cases, on)
    }


def reference_late(case: Case, on: dt.date) -> list[int]:
    """The reports the previous implementation called late, as it wrote the rule."""
    reports = Report.objects.filter(case=case).order_by("due_date", "id")
    if case.stage not in lifecycle.ACTIVE:
        return [
            r.pk
            for r in reports
            if r.kind == ReportKind.FOLLOW_UP
            and r.status == ReportStatus.SCHEDULED
            and r.due_date < on
        ]
    return [
        r.pk
        for r in reports
        if r.status in (ReportStatus.SCHEDULED, ReportStatus.RETURNED) and r.due_date < on
    ]


def test_the_count_and_signals_equal_the_whole_follow_up(national: None, db: Any) -> None:
    seen: set[str] = set()
    flagged_ended = flagged_without_late = on_plan = 0
    for org in Organisation.objects.order_by("slug"):
        cases = followed(org)
        if not cases:
            continue
        for date in DATES:
            on = date or selectors.today()
            expected = reference_signals(cases, on)
            lean = {
                pk: [(s.code, str(s.text)) for s in found]
                for pk, found in selectors.off_plan_signals_of(cases, on).items()
            }
            assert lean == expected, (org.slug, on)
            assert selectors.off_plan_case_ids(cases, on) == {
                pk for pk, found in expected.items() if found
            }, (org.slug, on)
            for case in cases:
                codes = [code for code, _text in expected[case.pk]]
                seen.update(codes)
                assert codes.count("report_late") == len(reference_late(case, on))
                if codes and case.stage not in lifecycle.ACTIVE:
                    flagged_ended += 1
                if codes and "report_late" not in codes:
                    flagged_without_late += 1
                on_plan += not codes
    # the data reach every kind of signal, ended cases that are off plan, cases off plan
    # without a late report and cases on plan
    assert seen == {"report_late", "behind_target", "off_budget", "fidelity_due"}
    assert flagged_ended, "ended"
    assert flagged_without_late, "without late"
    assert on_plan, "on plan"


def test_the_overview_shows_the_reference_count_and_rows(national: None, db: Any) -> None:
    for slug in (scale.BIG_SLUG, "orebro"):
        org = Organisation.objects.get(slug=slug)
        client = Client()
        client.force_login(scale.coordinator(org))
        html = client.get(reverse("followup:overview", kwargs={"org_slug": slug})).content.decode()
        cases = followed(org)
        expected = reference_signals(cases, selectors.today())
        count = int(re.search(r"(\d+) satsning(?:ar)? avviker", html)[1])  # type: ignore[index]
        assert count == sum(1 for found in expected.values() if found) > 0
        # each row of the first page shows its reference signals
        for case in cases[:10]:
            row = html.split(f"/uppfoljning/arende/{case.pk}/", 1)[1].split("</tr>", 1)[0]
            for _code, text in expected[case.pk]:
                assert escape(text) in row, (case.title, text)
            if not expected[case.pk]:
                assert "Enligt plan" in row
