"""The case screens: tabs, live eligibility findings, autosave, due dates, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from satsa.cases import services
from satsa.cases.models import Case, Stage
from satsa.cases.views import TABS
from satsa.orgs.roles import Role


def test_every_tab_marks_itself_current(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    client = client_as(people.recorder)
    for tab, url_name, _label in TABS:
        url = reverse(url_name, args=["orebro", case.pk])
        html = client.get(url).content.decode()
        assert f'href="{url}" aria-current="page"' in html, tab
        assert html.count("<h1") == 1, tab


def test_the_decision_form_records_a_grant(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    response = client_as(people.recorder).post(
        reverse("decisions:decision", args=["orebro", case.pk]),
        {
            "outcome": "granted",
            "amount": "3000000",
            "decided_on": timezone.localdate().isoformat(),
            "diarienummer": "KS 2026/77",
            "minutes_reference": "KS § 12",
            "start_date": "2027-01-01",
            "end_date": "2029-12-31",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.diarienummer) == (Stage.DECIDED, "KS 2026/77")


def test_the_decision_sets_the_period_of_a_case_granted_without_one(
    people: Any, walk: Any, client_as: Any
) -> None:
    import datetime as dt

    from satsa.events.actors import system_actor
    from satsa.followup.models import Report
    from satsa.followup.services import reports_schedule

    case = walk.to_decision(people, walk.new_idea(people))
    assert case.start_date is None and case.end_date is None
    url = reverse("decisions:decision", args=["orebro", case.pk])
    client = client_as(people.recorder)
    assert 'name="start_date"' in client.get(url).content.decode()
    values = {
        "outcome": "granted",
        "amount": "3000000",
        "decided_on": timezone.localdate().isoformat(),
        "diarienummer": "KS 2026/78",
        "minutes_reference": "KS § 13",
    }
    refused = client.post(url, {**values, "start_date": "2027-01-01", "end_date": "2026-01-01"})
    assert refused.status_code == 200 and "Slutdatum ska vara efter startdatum." in (
        refused.content.decode()
    )
    ok = client.post(url, {**values, "start_date": "2027-01-01", "end_date": "2029-12-31"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert (case.start_date, case.end_date) == (dt.date(2027, 1, 1), dt.date(2029, 12, 31))
    # With its period the case gets its report schedule.
    reports_schedule(case=case, actor=system_actor())
    assert Report.objects.filter(case=case).exists()


def test_the_application_page_shows_the_eligibility_findings(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    walk.write_application(people, case, duration_years="6")
    html = (
        client_as(people.applicant)
        .get(reverse("cases:application", args=["orebro", case.pk]))
        .content.decode()
    )
    assert "Satsningen pågår 6 år men regelboken tillåter högst 4 år." in html
    assert "blockerar inlämning" in html
    assert 'hx-post="/o/orebro/arenden/' in html


def test_autosave_saves_the_draft_and_answers_with_live_findings(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    response = client_as(people.applicant).post(
        reverse("cases:autosave", args=["orebro", case.pk]),
        {"section_problem": "Hög frånvaro.", "duration_years": "5"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="findings"' in html and "<html" not in html
    assert "Satsningen pågår 5 år" in html
    assert case.versions.get().sections["problem"] == "Hög frånvaro."


def test_a_failing_submission_shows_why(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    walk.write_application(people, case)
    data = {"section_problem": "x", "duration_years": "7", "submit": "1"}
    html = (
        client_as(people.applicant)
        .post(reverse("cases:application", args=["orebro", case.pk]), data)
        .content.decode()
    )
    assert "kan inte lämnas in" in html
    assert not case.versions.filter(submitted_at__isnull=False).exists()


@pytest.fixture
def uppsala_people(uppsala: Any, charlie: Any, make_person: Any) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(
        org=uppsala,
        coordinator=charlie,
        applicant=make_person("ulf", (uppsala, Role.APPLICANT)),
    )


def test_uppsala_answers_an_idea_within_one_month(uppsala_people: Any, client_as: Any) -> None:
    p = uppsala_people
    case = services.idea_create(
        organisation=p.org,
        title="Unga vuxna",
        actor=p.applicant,
        idea={"problem": "x", "target_group": "y", "affected_services": "z"},
        boards=p.org.boards.all(),
        rulebook_key="uppsala-2016",
    )
    services.idea_submit(case=case, actor=p.applicant)
    case.refresh_from_db()
    assert case.step == "idea_description"
    assert case.step_due_on == timezone.localdate() + dt.timedelta(days=30)
    url = reverse("cases:overview", args=["uppsala", case.pk])
    assert "Försenat" not in client_as(p.coordinator).get(url).content.decode()
    Case.objects.filter(pk=case.pk).update(step_due_on=timezone.localdate() - dt.timedelta(1))
    html = client_as(p.coordinator).get(url).content.decode()
    assert "Försenat" in html and 'role="alert"' in html
    tasks = client_as(p.coordinator).get(reverse("cases:tasks", args=["uppsala"]))
    assert "Unga vuxna" in tasks.content.decode() and "Försenat" in tasks.content.decode()
    services.case_advance(case=case, actor=p.coordinator, comment="Välkommen att ansöka.")
    case.refresh_from_db()
    assert (case.idea_outcome, case.step) == (Case.IdeaOutcome.GO, "application")


def test_the_calculation_tab_links_to_the_editor(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.new_idea(people)
    html = (
        client_as(people.recorder)
        .get(reverse("case_calculation:tab", args=["orebro", case.pk]))
        .content.decode()
    )
    assert reverse("calculations:editor", args=["orebro", case.pk]) in html
