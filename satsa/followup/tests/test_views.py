"""Who sees what, and that small groups never reach a screen, an export or the API."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.urls import reverse

from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.followup import services
from satsa.followup.models import Group, Report, ReportStatus
from satsa.followup.tests.conftest import csv_bytes, make_case, on_plan, personnummer


def url(name: str, pk: int | None = None) -> str:
    kwargs: dict[str, Any] = {"org_slug": "orebro"}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(f"followup:{name}", kwargs=kwargs)


def import_small_control(schema: Any, actor: Any) -> Any:
    measure = schema.measures.get(name="KASAM hos föräldrar")
    rows = []
    for i in range(6):
        rows += [
            (personnummer(i), "treatment", "baseline", 50 + i),
            (personnummer(i), "treatment", "follow_up", 57 + i),
        ]
    for i in range(100, 103):  # three people: must never be shown
        rows += [
            (personnummer(i), "control", "baseline", 91),
            (personnummer(i), "control", "follow_up", 13),
        ]
    services.measurements_import(
        measure=measure, actor=actor, content=csv_bytes(rows), filename="k.csv"
    )
    return measure


def test_the_project_leader_reports_on_their_case_only(
    client_as: Any, schema: Any, lina: Any, bob: Any, orebro: Any
) -> None:
    other = make_case(orebro, bob, title="Annan satsning")
    client = client_as(lina)
    assert client.get(url("case", schema.case.pk)).status_code == 200
    assert client.get(url("case", other.pk)).status_code == 404
    services.reports_schedule(case=other, actor=system_actor())
    other_report = Report.objects.filter(case=other).first()
    assert client.get(url("report", other_report.pk)).status_code == 404
    report = Report.objects.filter(case=schema.case).order_by("due_date").first()
    response = client.post(
        url("report", report.pk),
        {
            "activities": "Grupper",
            "ways_of_working": "Hembesök",
            "effects": "Bättre",
            "spent_to_date": "400000",
            "claim_amount": "400000",
            **{f"plan_{key}": "ongoing" for key in on_plan(schema.case)},
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_an_applicant_of_another_case_cannot_see_it(client_as: Any, schema: Any, dana: Any) -> None:
    client = client_as(dana)
    assert client.get(url("case", schema.case.pk)).status_code == 404
    assert client.get(url("case_api", schema.case.pk)).status_code == 404
    assert client.get(url("case_export", schema.case.pk)).status_code == 404
    measure = schema.measures.first()
    assert client.get(url("measure", measure.pk)).status_code == 404
    assert "Familjestöd" not in client.get(url("overview")).content.decode()


def test_another_organisation_gets_404(client_as: Any, schema: Any, charlie: Any) -> None:
    client = client_as(charlie)
    assert client.get(url("case", schema.case.pk)).status_code == 404
    assert client.get(url("overview")).status_code == 404


def test_individual_data_is_only_for_those_allowed_and_every_view_is_logged(
    client_as: Any, schema: Any, alice: Any, erik: Any
) -> None:
    measure = import_small_control(schema, erik)
    page = client_as(alice).get(url("measure", measure.pk)).content.decode()
    assert "Antal och medelvärde per grupp och tillfälle" not in page
    assert "behörighet att se pseudonymiserade individdata" in page
    assert not Event.objects.filter(verb="followup.individual_data_viewed").exists()
    page = client_as(erik).get(url("measure", measure.pk)).content.decode()
    assert "Antal och medelvärde per grupp och tillfälle" in page
    viewed = Event.objects.get(verb="followup.individual_data_viewed")
    assert viewed.actor == erik and viewed.data == {"what": f"measure:{measure.pk}"}


def test_small_groups_are_suppressed_on_screen(client_as: Any, schema: Any, erik: Any) -> None:
    measure = import_small_control(schema, erik)
    page = client_as(erik).get(url("measure", measure.pk)).content.decode()
    assert "&lt;5" in page
    assert "Visas inte: gruppen är mindre än 5." in page
    # the control group's mean (91 at baseline, 13 at follow-up) appears nowhere; random
    # tokens (CSRF) are left out of the search, since they may contain "91" by chance
    visible = re.sub(r"[A-Za-z0-9]{32,}", "", page)
    # and so are links, whose ids (e.g. /arende/91/) depend on how many rows came before
    visible = re.sub(r'(href|action)="[^"]*"', "", visible)
    assert "91" not in visible.replace("191", "")
    assert ">13" not in visible


def test_values_resting_on_few_people_are_withheld_from_export_and_api(
    client_as: Any, schema: Any, alice: Any
) -> None:
    measure = schema.measures.get(name="Föräldragrupper")
    services.measure_value_record(
        measure=measure,
        actor=alice,
        group=Group.TREATMENT,
        period_label="Delår 2 2025",
        measured_on=dt.date(2025, 8, 31),
        value=Decimal("3.25"),
        n=12,
    )
    services.measure_value_record(
        measure=measure,
        actor=alice,
        group=Group.CONTROL,
        period_label="Delår 2 2025",
        measured_on=dt.date(2025, 8, 31),
        value=Decimal("7.75"),
        n=4,
    )
    client = client_as(alice)
    export = client.get(url("case_export", schema.case.pk)).content.decode("utf-8-sig")
    assert "3,25" in export
    assert "7,75" not in export and "<5" in export
    data = client.get(url("case_api", schema.case.pk)).json()
    values = next(m for m in data["measures"] if m["id"] == measure.pk)["values"]
    assert {
        "group": "control",
        "period": "Delår 2 2025",
        "measured_on": "2025-08-31",
        "value": None,
        "n": "<5",
    } in values
    page = client.get(url("measure", measure.pk)).content.decode()
    assert "7,75" not in page and "visas inte" in page


def test_the_effect_evaluation_on_screen_and_in_the_api_is_suppressed(
    client_as: Any, schema: Any, erik: Any
) -> None:
    import_small_control(schema, erik)
    evaluation = services.effect_evaluation_record(case=schema.case, actor=erik)
    page = client_as(erik).get(url("evaluation", evaluation.pk)).content.decode()
    assert "Visas inte: en grupp är mindre än 5." in page
    data = client_as(erik).get(url("case_api", schema.case.pk)).json()
    counts = data["effect_evaluation"]["results"]["measures"][0]["report"]["counts"]
    assert counts["control"] == {"baseline": "<5", "follow_up": "<5"}


def test_only_the_evaluation_team_records_effect_evaluations(
    client_as: Any, schema: Any, lina: Any
) -> None:
    assert client_as(lina).get(url("evaluation_new", schema.case.pk)).status_code == 403


def test_the_schema_page_lists_what_is_missing(client_as: Any, case: Any, alice: Any) -> None:
    response = client_as(alice).post(
        url("schema", case.pk), {"overall_goal": "Mål", "target_group": "Barn"}
    )
    assert response.status_code == 302
    page = client_as(alice).get(url("schema", case.pk)).content.decode()
    assert "Minst ett delmål behövs." in page


def test_the_overview_flags_late_reports(client_as: Any, schema: Any, alice: Any) -> None:
    page = client_as(alice).get(url("overview")).content.decode()
    assert "Avviker" in page and "skulle ha lämnats" in page


def test_the_measure_chart_shows_every_label_whole(client_as: Any, schema: Any, alice: Any) -> None:
    from satsa.testing.charts import assert_charts_fit

    measure = schema.measures.get(name="Föräldragrupper")
    for day, group, value in (
        (dt.date(2025, 2, 28), Group.TREATMENT, "-1234.5"),
        (dt.date(2025, 8, 31), Group.TREATMENT, "3.25"),
        (dt.date(2025, 8, 31), Group.CONTROL, "7.75"),
    ):
        services.measure_value_record(
            measure=measure,
            actor=alice,
            group=group,
            period_label=f"Delår {day:%m}",
            measured_on=day,
            value=Decimal(value),
            n=12,
        )
    page = client_as(alice).get(url("measure", measure.pk)).content.decode()
    assert assert_charts_fit(page) == 1
    assert "Målgrupp" in page and "Jämförelsegrupp" in page


def test_a_value_about_people_without_a_head_count_is_never_shown(
    client_as: Any, schema: Any, alice: Any
) -> None:
    from satsa.followup.models import MeasureKind, MeasureValue

    measure = schema.measures.get(name="KASAM hos föräldrar")
    assert measure.kind != MeasureKind.ACTIVITY
    # Saved before the head-count was asked for, or by any other path: fails closed.
    MeasureValue.objects.create(
        measure=measure,
        group=Group.TREATMENT,
        period_label="Delår 2 2025",
        measured_on=dt.date(2025, 8, 31),
        value=Decimal("61.37"),
        n=None,
    )
    client = client_as(alice)
    export = client.get(url("case_export", schema.case.pk)).content.decode("utf-8-sig")
    assert "61,37" not in export and "61.37" not in export
    data = client.get(url("case_api", schema.case.pk)).json()
    values = next(m for m in data["measures"] if m["id"] == measure.pk)["values"]
    assert [v["value"] for v in values] == [None]
    page = client.get(url("measure", measure.pk)).content.decode()
    assert "61,37" not in page and "61.37" not in page


def test_the_form_asks_for_the_head_count_of_a_value_about_people(
    client_as: Any, schema: Any, alice: Any
) -> None:
    from satsa.followup.models import MeasureValue

    measure = schema.measures.get(name="KASAM hos föräldrar")
    response = client_as(alice).post(
        url("measure", measure.pk),
        {
            "group": "treatment",
            "period_label": "Delår 2 2025",
            "measured_on": "2025-08-31",
            "value": "61,37",
            "n": "",
        },
    )
    assert response.status_code == 200
    assert not MeasureValue.objects.filter(measure=measure).exists()


def test_a_schema_save_over_someone_elses_newer_save_is_refused(
    client_as: Any, schema: Any, alice: Any, lina: Any
) -> None:
    page = client_as(alice).get(url("schema", schema.case.pk)).content.decode()
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"target_group": schema.target_group, "version": version}
    saved = client_as(alice).post(url("schema", schema.case.pk), {**data, "overall_goal": "Ett"})
    assert saved.status_code == 302
    refused = client_as(alice).post(
        url("schema", schema.case.pk), {**data, "overall_goal": "Ett annat mål"}
    )
    html = refused.content.decode()
    assert "medan du skrev" in html
    assert "Ett annat mål" in html  # typed, kept
    schema.refresh_from_db()
    assert schema.overall_goal == "Ett"


def test_a_closed_cases_report_says_why_instead_of_offering_a_form(
    client_as: Any, schema: Any, lina: Any
) -> None:
    from satsa.cases.models import Case, Stage

    services.reports_schedule(case=schema.case, actor=system_actor())
    report = Report.objects.filter(case=schema.case, kind="periodic").order_by("due_date").first()
    client = client_as(lina)
    assert "Lämna in rapporten" in client.get(url("report", report.pk)).content.decode()
    Case.objects.filter(pk=schema.case.pk).update(stage=Stage.CLOSED)
    page = client.get(url("report", report.pk)).content.decode()
    assert "Lämna in rapporten" not in page
    assert "Ärendet är inte i genomförande; rapporten kan inte lämnas." in page
    # A post anyway changes nothing.
    assert client.post(url("report", report.pk), {"activities": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SCHEDULED


def _writes(queries: Any) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_reading_the_follow_up_pages_writes_nothing(
    client_as: Any, schema: Any, alice: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(alice)
    # A case decided without its reports (as before decisions scheduled them).
    Report.objects.filter(case=schema.case).delete()
    for address in (url("overview"), url("case", schema.case.pk)):
        client.get(address)  # the session and the login are written on the first visit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        assert _writes(queries) == [], address
    assert not Report.objects.filter(case=schema.case).exists()


def test_the_decision_schedules_the_reports(orebro: Any, bob: Any) -> None:
    from satsa.cases import lifecycle
    from satsa.cases.models import Stage

    case = make_case(orebro, bob, stage=Stage.PREPARATION, start_date=None, end_date=None)
    lifecycle.stage_change(
        case=case,
        to=Stage.DECIDED,
        actor=system_actor(),
        reason="Beviljad",
        fields={"start_date": dt.date(2025, 1, 1), "end_date": dt.date(2026, 6, 30)},
    )
    kinds = list(Report.objects.filter(case=case).values_list("kind", flat=True))
    assert "final" in kinds and len(kinds) > 1
    assert Event.objects.filter(verb="followup.reports_scheduled").count() == 1


def test_the_schedule_command_gives_older_decided_cases_their_reports(
    orebro: Any, bob: Any
) -> None:
    from django.core.management import call_command

    case = make_case(orebro, bob)
    assert not Report.objects.filter(case=case).exists()
    call_command("followup_schedule", verbosity=0)
    scheduled = Report.objects.filter(case=case).count()
    assert scheduled > 1
    call_command("followup_schedule", verbosity=0)
    assert Report.objects.filter(case=case).count() == scheduled
