"""The demo is worth walking: a person in every role of every organisation, a secretary per
board, money in every fund, projects running now with claims to approve and reports due,
and Örebro's 2014–2019 portfolio as the sources tell it (DOMAIN.md §9), repayments
included. The demo is loaded once for the module and rolled back at its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.followup.models import Report, ReportKind, ReportStatus
from satsa.funds import selectors as sel
from satsa.funds.models import Claim, RepaymentPlan
from satsa.orgs.models import Board, ExternalParty, Membership, Organisation
from satsa.orgs.roles import Role

ORGS = ["orebro", "uppsala", "gavleborg"]
APPENDIX_3 = [
    "El Sistema",
    "Team Oxhagen",
    "Specialpedagogisk kompetensutveckling",
    "Neuropsykiatrisk resurs och samverkan",
    "Skolfam",
    "Utomhuspedagogikens inverkan på lärande",
    "Brobyggare i Vivalla och Baronbackarna",
    "Bryggan – från destruktiv frånvaro till måluppfyllelse",
]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: None, db: Any) -> None:
    return None


def _case(title: str) -> Case:
    return Case.objects.get(organisation__slug="orebro", title=title)


@pytest.mark.parametrize("slug", ORGS)
def test_every_organisation_has_a_person_in_every_role(loaded: None, slug: str) -> None:
    roles = set(
        Membership.objects.filter(organisation__slug=slug, ended_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)


@pytest.mark.parametrize("slug", ORGS)
def test_every_board_has_a_secretary(loaded: None, slug: str) -> None:
    boards = set(Board.objects.filter(organisation__slug=slug).values_list("name", flat=True))
    with_secretary = set(
        Membership.objects.filter(
            organisation__slug=slug, role=Role.BOARD_SECRETARY, ended_at__isnull=True
        ).values_list("board__name", flat=True)
    )
    assert boards and boards <= with_secretary


@pytest.mark.parametrize("slug", ORGS)
def test_every_fund_has_money(loaded: None, slug: str) -> None:
    org = Organisation.objects.get(slug=slug)
    assert sel.fund_position(organisation=org, on=timezone.localdate()).free > 0


@pytest.mark.parametrize("slug", ORGS)
def test_a_project_runs_now_with_a_claim_to_approve(loaded: None, slug: str) -> None:
    running = Case.objects.filter(organisation__slug=slug, stage=Stage.RUNNING)
    assert running.exists()
    assert Claim.objects.filter(case__in=running, status=Claim.Status.SUBMITTED).exists()


@pytest.mark.parametrize("slug", ["orebro", "uppsala"])
def test_a_report_waits_for_review_and_the_next_is_due(loaded: None, slug: str) -> None:
    today = timezone.localdate()
    running = Case.objects.filter(organisation__slug=slug, stage=Stage.RUNNING)
    periodic = Report.objects.filter(case__in=running, kind=ReportKind.PERIODIC)
    assert periodic.filter(status=ReportStatus.SUBMITTED).exists()
    # A report whose period has ended, not yet written: due now (or already late).
    assert periodic.filter(
        status=ReportStatus.SCHEDULED,
        period_end__lt=today,
        period_end__gte=today - dt.timedelta(days=250),
    ).exists()


def test_no_report_of_an_ended_project_waits_for_review(loaded: None) -> None:
    """The coordinator's tasks are today's work, not reviews left over from 2016."""
    from satsa.cases import lifecycle

    assert not Report.objects.filter(
        case__stage__in=lifecycle.ENDED, status=ReportStatus.SUBMITTED
    ).exists()


def test_the_varberga_oxhagen_interventions_were_implemented(loaded: None) -> None:
    for title in ("El Sistema", "Team Oxhagen", "Specialpedagogisk kompetensutveckling"):
        assert _case(title).stage == Stage.IMPLEMENTED, title


def test_team_oxhagen_is_for_children_0_to_9_and_their_parents(loaded: None) -> None:
    assert _case("Team Oxhagen").target_group == "Barn 0–9 år och deras föräldrar boende i Oxhagen."


def test_kultivera_is_stiftelsen_activas_activity(loaded: None) -> None:
    assert not ExternalParty.objects.filter(name__icontains="Kultivera").exists()
    samverkan = _case("Samverkan för teckenspråkiga")
    assert [p.name for p in samverkan.parties.all()] == ["Stiftelsen Activa"]
    assert (samverkan.start_date, samverkan.end_date) == (dt.date(2014, 4, 1), dt.date(2017, 3, 31))


def test_the_first_grant_was_decided_in_march_2014_and_none_in_2017(loaded: None) -> None:
    portfolio = Case.objects.filter(organisation__slug="orebro", rulebook_key="orebro-2016")
    first = portfolio.order_by("decided_on").first()
    assert first is not None and first.decided_on is not None
    assert (first.decided_on.year, first.decided_on.month) == (2014, 3)
    assert not portfolio.filter(decided_on__year=2017).exists()
    assert "antagande" in (first.minutes_reference or "")


@pytest.mark.parametrize("title", APPENDIX_3)
def test_every_appendix_3_case_has_its_target_group_and_expected_effects(
    loaded: None, title: str
) -> None:
    case = _case(title)
    assert case.target_group.strip()
    assert case.idea.get("expected_effects", "").strip()


@pytest.mark.parametrize("title", APPENDIX_3)
def test_the_historical_cases_have_repayments_and_fees(loaded: None, title: str) -> None:
    case = _case(title)
    kinds = set(RepaymentPlan.objects.filter(case=case).values_list("kind", "method"))
    assert kinds == {
        (RepaymentPlan.Kind.PLAN, RepaymentPlan.Method.TO_FUND),
        (RepaymentPlan.Kind.SETTLEMENT, RepaymentPlan.Method.TO_FUND),
    }
    plan = RepaymentPlan.objects.get(case=case, kind=RepaymentPlan.Kind.PLAN)
    assert plan.manual and "antagande" in plan.reason
    received = sel.repayments_received(case)
    assert sum(received.values()) > 0
    position = sel.fund_position(organisation=case.organisation, on=timezone.localdate())
    assert position.repaid > 0 and position.fees > 0


def test_there_are_cases_in_every_stage_and_a_needs_analysis(loaded: None) -> None:
    from satsa.cases.models import NeedsAnalysis

    stages = set(Case.objects.values_list("stage", flat=True))
    # Stage.NEEDS is not a case's stage in practice: a needs analysis is its own record.
    assert set(Stage.values) - {Stage.NEEDS} <= stages
    assert NeedsAnalysis.objects.exists()


@pytest.mark.parametrize("slug", ORGS)
def test_every_task_in_the_demo_opens_for_its_person(loaded: None, slug: str) -> None:
    """Each person's My tasks, and every page a task links to, opens for that person: a
    task that sends someone to a page they may not see is a seam between two apps."""
    import re

    from django.test import Client

    members = (
        Membership.objects.filter(organisation__slug=slug, ended_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in members}
    opened = 0
    for user in users.values():
        client = Client()
        client.force_login(user)
        tasks = client.get(f"/o/{slug}/arenden/mina-uppgifter/")
        assert tasks.status_code == 200, user.username
        html = tasks.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        for url in sorted(set(re.findall(r'<a[^>]+href="(/o/[^"#?]+)"', main))):
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            opened += 1
    assert opened > 0
