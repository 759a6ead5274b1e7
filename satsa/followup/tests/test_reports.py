"""Report drafts, report attachments and the plan every report is followed against."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satsa.cases.models import ApplicationVersion
from satsa.events.actors import system_actor
from satsa.followup import selectors, services
from satsa.followup.models import Report, ReportStatus
from satsa.followup.tests.conftest import on_plan


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def first_report(case: Any) -> Report:
    services.reports_schedule(case=case, actor=system_actor())
    return Report.objects.filter(case=case).order_by("due_date").first()


def page_of(report: Report) -> str:
    return reverse("followup:report", kwargs={"org_slug": "orebro", "pk": report.pk})


def test_a_draft_is_kept_unsubmitted_and_offered_again(
    schema: Any, lina: Any, client_as: Any
) -> None:
    report = first_report(schema.case)
    client = client_as(lina)
    response = client.post(
        page_of(report), {"action": "draft", "activities": "Två grupper har startat"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SCHEDULED and report.draft_saved_at is not None
    assert report.activities == "Två grupper har startat"
    html = client.get(page_of(report)).content.decode()
    assert "Två grupper har startat" in html and "Utkast sparat" in html


def test_a_submitted_report_can_no_longer_be_saved_as_a_draft(schema: Any, lina: Any) -> None:
    report = first_report(schema.case)
    services.report_submit(
        report=report,
        actor=lina,
        activities="a",
        ways_of_working="b",
        effects="c",
        spent_to_date=Decimal(0),
        plan_status=on_plan(schema.case),
    )
    with pytest.raises(ValidationError):
        services.report_save_draft(report=report, actor=lina, activities="ändrat")


def test_each_report_asks_for_the_status_of_every_planned_activity(
    schema: Any, lina: Any, client_as: Any
) -> None:
    case = schema.case
    plan = selectors.report_plan(case)
    assert [a.text for a in plan.activities] == ["Föräldragrupper"]
    report = first_report(case)
    html = client_as(lina).get(page_of(report)).content.decode()
    assert "Läge: Föräldragrupper" in html
    with pytest.raises(ValidationError, match="Föräldragrupper"):
        services.report_submit(
            report=report,
            actor=lina,
            activities="a",
            ways_of_working="b",
            effects="c",
            spent_to_date=Decimal(0),
        )
    key = str(plan.activities[0].id)
    services.report_submit(
        report=report,
        actor=lina,
        activities="a",
        ways_of_working="b",
        effects="c",
        spent_to_date=Decimal(0),
        plan_status={key: {"status": "delayed", "comment": "Lokalen blev klar i maj"}},
    )
    report.refresh_from_db()
    assert report.plan_status[key] == {"status": "delayed", "comment": "Lokalen blev klar i maj"}
    html = client_as(lina).get(page_of(report)).content.decode()
    assert "Försenad" in html and "Lokalen blev klar i maj" in html


def test_the_applications_implementation_plan_is_followed_in_the_report(
    schema: Any, lina: Any, client_as: Any
) -> None:
    case = schema.case
    ApplicationVersion.objects.create(
        case=case,
        number=1,
        sections={"implementation": "Familjecentralen tar över grupperna 2027."},
        submitted_at=case.created_at,
    )
    report = first_report(case)
    html = client_as(lina).get(page_of(report)).content.decode()
    assert "Familjecentralen tar över grupperna 2027." in html
    with pytest.raises(ValidationError, match="implementeringsplanen"):
        services.report_submit(
            report=report,
            actor=lina,
            activities="a",
            ways_of_working="b",
            effects="c",
            spent_to_date=Decimal(0),
            plan_status=on_plan(case),
        )


def test_a_report_carries_attachments_shown_by_their_names(
    schema: Any, lina: Any, client_as: Any, make_person: Any, orebro: Any
) -> None:
    report = first_report(schema.case)
    client = client_as(lina)
    add = reverse("followup:report_attachment_add", kwargs={"org_slug": "orebro", "pk": report.pk})
    client.post(add, {"file": SimpleUploadedFile("Närvarolista vt.pdf", b"%PDF-1.7 x")})
    attachment = report.attachments.get()
    assert attachment.original_name == "Närvarolista vt.pdf"
    html = client.get(page_of(report)).content.decode()
    assert "Närvarolista vt.pdf" in html and "reports/" not in html
    # a page is refused whatever it is called
    client.post(add, {"file": SimpleUploadedFile("x.pdf", b"<html><script>1</script>")})
    assert report.attachments.count() == 1
    # a person of the organisation who is not on the case may not attach
    outsider = make_person("olle", (orebro, "applicant"))
    client_as(outsider).post(add, {"file": SimpleUploadedFile("y.pdf", b"%PDF-1.7 y")})
    assert report.attachments.count() == 1
    withdraw = reverse(
        "followup:report_attachment_withdraw",
        kwargs={"org_slug": "orebro", "pk": report.pk, "attachment_id": attachment.pk},
    )
    client.post(withdraw)
    assert not selectors.report_attachments(report).exists()
