"""The grant states the project's period; a later decision may change it, and the
reports follow the new period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.cases.models import Case
from satsa.decisions import services
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.followup.models import Report, ReportKind
from satsa.followup.services import reports_schedule
from satsa.orgs.permissions import NotPermitted


def test_a_grant_without_a_period_is_refused(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    assert case.start_date is None
    with pytest.raises(ValidationError) as error:
        walk.grant(people, case, start_date=None, end_date=None)
    assert "start_date" in error.value.message_dict
    case.refresh_from_db()
    assert case.outcome == ""


def test_the_decision_form_asks_for_the_period(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    url = reverse("decisions:decision", args=["orebro", case.pk])
    response = client_as(people.recorder).post(
        url,
        {
            "outcome": "granted",
            "amount": "3000000",
            "decided_on": "2026-12-01",
            "diarienummer": "KS 2026/90",
            "minutes_reference": "KS § 4",
        },
    )
    assert response.status_code == 200
    assert "Ange projektets startdatum." in response.content.decode()
    assert Case.objects.get(pk=case.pk).outcome == ""


def _granted(people: Any, walk: Any) -> Case:
    case = walk.to_decision(people, walk.new_idea(people))
    walk.grant(people, case, start_date=dt.date(2027, 1, 1), end_date=dt.date(2028, 12, 31))
    case.refresh_from_db()
    reports_schedule(case=case, actor=system_actor())
    return case


def test_a_decision_moves_the_period_and_the_reports_follow(people: Any, walk: Any) -> None:
    case = _granted(people, walk)
    before = set(Report.objects.filter(case=case).values_list("period_end", flat=True))
    assert dt.date(2028, 12, 31) in before and not any(d.year == 2029 for d in before)
    services.case_period_change(
        case=case,
        actor=people.recorder,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2029, 12, 31),
        decided_on=dt.date(2027, 1, 20),
        minutes_reference="KS § 7",
        reason="Rekryteringen av projektledaren drog ut på tiden.",
    )
    case.refresh_from_db()
    assert (case.start_date, case.end_date) == (dt.date(2027, 3, 1), dt.date(2029, 12, 31))
    finals = Report.objects.filter(case=case, kind=ReportKind.FINAL)
    assert list(finals.values_list("period_end", flat=True)) == [dt.date(2029, 12, 31)]
    periods = set(Report.objects.filter(case=case).values_list("period_end", flat=True))
    assert any(d.year == 2029 for d in periods)
    event = Event.objects.get(verb="case.period_changed")
    assert event.actor == people.recorder
    assert event.data["from"] == ["2027-01-01", "2028-12-31"]
    assert event.data["reason"].startswith("Rekryteringen")


def test_only_the_decision_recorder_changes_the_period(
    people: Any, walk: Any, client_as: Any, charlie: Any
) -> None:
    case = _granted(people, walk)
    for person in (people.coordinator, people.steering):
        with pytest.raises(NotPermitted):
            services.case_period_change(
                case=case,
                actor=person,
                start_date=dt.date(2027, 3, 1),
                end_date=dt.date(2029, 12, 31),
                decided_on=dt.date(2027, 1, 20),
                minutes_reference="KS § 7",
                reason="Rekryteringen drog ut på tiden.",
            )
    url = reverse("decisions:period", args=["orebro", case.pk])
    # The coordinator is told why and who can, with no form to fill in.
    page = client_as(people.coordinator).get(url).content.decode()
    assert "Projektperioden ändras genom ett nytt beslut" in page
    assert "Kan registreras av: Karin" in page
    assert 'name="reason"' not in page
    assert client_as(charlie).get(url).status_code == 404
    case.refresh_from_db()
    assert case.end_date == dt.date(2028, 12, 31)


def test_the_recorder_changes_the_period_on_the_page(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = _granted(people, walk)
    client = client_as(people.recorder)
    decision_page = client.get(reverse("decisions:decision", args=["orebro", case.pk]))
    assert "Ändra projektperioden genom ett nytt beslut" in decision_page.content.decode()
    response = client.post(
        reverse("decisions:period", args=["orebro", case.pk]),
        {
            "start_date": "2027-01-01",
            "end_date": "2029-06-30",
            "decided_on": "2027-05-01",
            "minutes_reference": "KS § 9",
            "reason": "Förlängt efter projektstyrgruppens begäran.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.end_date == dt.date(2029, 6, 30)


def test_a_rejected_case_gets_no_new_period(people: Any, walk: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    walk.grant(people, case, outcome=Case.Outcome.REJECTED, amount=None, reasons="Ryms inte.")
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="beviljad"):
        services.case_period_change(
            case=case,
            actor=people.recorder,
            start_date=dt.date(2027, 3, 1),
            end_date=dt.date(2029, 12, 31),
            decided_on=dt.date(2027, 1, 20),
            minutes_reference="KS § 7",
            reason="Rekryteringen drog ut på tiden.",
        )
