"""Skolfam in Örebro's demo is measured in aggregate only (a share of the children per
period): in the browser it gets an effect evaluation with a confidence rating, and then
an implementation decision, with axe on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.core.demo import load_all
from satsa.followup import services
from satsa.followup.models import EffectEvaluation, Group, Measure, MeasureKind, PersonValue
from satsa.orgs.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Any, axe: Any) -> None:
    page.wait_for_load_state()
    assert axe(page) == [], page.url


def test_skolfam_measured_in_aggregate_reaches_an_implementation_decision(
    page: Any, login_in_browser: Any, axe: Any
) -> None:
    load_all()
    case = Case.objects.get(organisation__slug="orebro", title="Skolfam")
    assert case.stage == Stage.CLOSED
    assert not PersonValue.objects.filter(measure__schema__case=case).exists()
    case_url = f"/o/orebro/uppfoljning/arende/{case.pk}/"

    # The economist sees the effect so far on the measure, then records the evaluation.
    login_in_browser("erik", DEMO_PASSWORD)
    share = Measure.objects.get(schema__case=case, name="Barn som når kunskapskraven i svenska")
    page.goto(f"/o/orebro/uppfoljning/matt/{share.pk}/")
    assert page.get_by_role(
        "heading", name="Effekt hittills enligt de aggregerade värdena"
    ).is_visible()
    check(page, axe)
    page.goto(case_url)
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    check(page, axe)
    page.get_by_label("Slutsats").fill("Fler barn når kunskapskraven, men utan jämförelsegrupp")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    page.wait_for_load_state()
    assert page.get_by_text("Effektutvärderingen har registrerats.").is_visible()
    assert page.get_by_role("heading", name="Barn som når kunskapskraven i svenska").is_visible()
    assert page.get_by_role("rowheader", name="Målgruppens förändring").is_visible()
    assert page.get_by_text("Ingen jämförelsegrupp: bara målgruppens förändring").is_visible()
    assert page.get_by_text("Tillförlitlighet (Maryland-skalan): 2/5.").is_visible()
    check(page, axe)
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()

    evaluation = EffectEvaluation.objects.get(case=case)
    [part] = evaluation.results["aggregates"]
    change = part["report"]["changes"]["treatment"]
    assert change["estimate"] == pytest.approx(7.0)  # 49 % against the baseline 42 %
    assert change["ci_low"] < 7.0 < change["ci_high"]

    # The executive board decides on implementation on the strength of it.
    login_in_browser("karin", DEMO_PASSWORD)
    page.goto(case_url)
    page.get_by_role("link", name="Registrera implementeringsbeslut").click()
    check(page, axe)
    page.locator("#id_outcome").select_option("whole")
    page.get_by_label("Ordinarie arbete som ersätts").fill("inget")
    page.get_by_label("Motivering").fill("Fler familjehemsplacerade barn når kunskapskraven")
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    page.wait_for_load_state()
    assert page.get_by_text("Implementeringsbeslutet har registrerats.").is_visible()
    check(page, axe)
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTED


def test_the_event_study_plot_and_its_table_are_accessible(
    page: Any, login_in_browser: Any, axe: Any, case: Any, alice: Any, lina: Any
) -> None:
    schema = services.schema_save(
        case=case,
        actor=alice,
        overall_goal="Fler klarar skolan",
        target_group="Elever",
        project_leader=lina,
    )
    measure = services.schema_measure_add(
        schema=schema, actor=alice, kind=MeasureKind.OUTCOME, name="Godkänt", unit="procent"
    )
    for year, value in ((2022, 40), (2023, 41), (2024, 42), (2025, 50), (2026, 53)):
        services.measure_value_record(
            measure=measure,
            actor=lina,
            group=Group.TREATMENT,
            period_label=str(year),
            measured_on=dt.date(year, 6, 30),
            value=Decimal(value),
            n=80,
        )
    login_in_browser("alice")
    page.goto(f"/o/orebro/uppfoljning/matt/{measure.pk}/")
    assert page.get_by_role(
        "heading", name="Effekt per mätning i förhållande till starten"
    ).is_visible()
    check(page, axe)
