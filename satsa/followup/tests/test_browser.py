"""A decided case through two reports with claims, an effect evaluation, the settlement
and the implementation decision, in the browser, with axe on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.followup.models import EffectEvaluation, ImplementationDecision, Report, ReportStatus
from satsa.followup.tests.conftest import csv_bytes, pay_claims, personnummer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Any, axe: Any) -> None:
    page.wait_for_load_state()
    assert axe(page) == [], page.url


def logout(page: Any) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()


def kasam_rows() -> list[tuple[str, str, str, float]]:
    rows = []
    for i in range(8):
        rows += [
            (personnummer(i), "treatment", "baseline", 50 + i),
            (personnummer(i), "treatment", "follow_up", 57 + i + i % 2),
        ]
    for i in range(100, 107):
        rows += [
            (personnummer(i), "control", "baseline", 50 + i % 7),
            (personnummer(i), "control", "follow_up", 51 + i % 7 + i % 2),
        ]
    return rows


def submit_report(page: Any, axe: Any, name: str, spent: str, claim: str) -> None:
    page.get_by_role("link", name=name).click()
    check(page, axe)
    page.get_by_label("Genomförda aktiviteter").fill("Föräldragrupper och hembesök")
    page.get_by_label("Arbetssätt").fill("Gemensamma team med skolan")
    page.get_by_label("Uppnådda effekter").fill("Färre orosanmälningar")
    for select in page.locator('select[name^="plan_"]').all():
        select.select_option("ongoing")
    if page.get_by_label("Hur följs implementeringsplanen?").count():
        page.get_by_label("Hur följs implementeringsplanen?").fill("Enligt planen")
    page.get_by_label("Förbrukat hittills (kr)").fill(spent)
    page.get_by_label("Begärd utbetalning för perioden (kr)").fill(claim)
    page.get_by_role("button", name="Lämna in rapporten").click()
    page.wait_for_load_state()
    assert page.get_by_text("Rapporten har lämnats in.").is_visible()
    check(page, axe)
    page.get_by_role("link", name="Familjestöd i Oxhagen").click()


def test_a_decided_case_from_reports_to_implementation(
    page: Any,
    login_in_browser: Any,
    axe: Any,
    schema: Any,
    alice: Any,
    lina: Any,
    erik: Any,
    karin: Any,
) -> None:
    case = schema.case
    kasam = schema.measures.get(name="KASAM hos föräldrar")
    placements = schema.measures.get(name="Placerade barn")
    case_url = f"/o/orebro/uppfoljning/arende/{case.pk}/"

    # The project leader: the measures, an import of questionnaire results, two reports.
    login_in_browser("lina")
    page.goto("/o/orebro/uppfoljning/")
    check(page, axe)
    page.get_by_role("link", name="Familjestöd i Oxhagen").click()
    assert "Uppföljning: Familjestöd i Oxhagen" in page.locator("h1").inner_text()
    check(page, axe)
    page.get_by_role("link", name="Placerade barn").click()
    page.get_by_label("Grupp").select_option("treatment")
    page.locator("#id_period_label").fill("Helår 2025")
    page.get_by_label("Mätdatum").fill("2025-12-31")
    page.locator("#id_value").fill("7")
    page.get_by_role("button", name="Spara mätvärde").click()
    page.wait_for_load_state()
    assert page.locator("svg.chart-kit").count() == 1
    check(page, axe)
    page.goto(f"/o/orebro/uppfoljning/matt/{kasam.pk}/")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        {"name": "kasam.csv", "mimeType": "text/csv", "buffer": csv_bytes(kasam_rows())}
    )
    page.get_by_role("button", name="Importera").click()
    page.wait_for_load_state()
    # Imported by the worker at once here (the tasks backend of development and tests); the
    # message and the list of the person's imports both say so.
    message = "30 rader har importerats och pseudonymiserats."
    assert page.locator(".message.success").inner_text() == message
    assert message in page.locator("#imports").inner_text()
    check(page, axe)
    page.goto(case_url)
    submit_report(page, axe, "Lägesrapport Delår 2 2025", "600000", "600000")
    submit_report(page, axe, "Lägesrapport Helår 2025", "1000000", "400000")
    assert Report.objects.filter(case=case, status=ReportStatus.SUBMITTED).count() == 2
    logout(page)

    # The coordinator approves the reports; the fund pays the two claims in its ledger.
    login_in_browser("alice")
    for report in Report.objects.filter(case=case, status=ReportStatus.SUBMITTED):
        page.goto(f"/o/orebro/uppfoljning/rapport/{report.pk}/")
        check(page, axe)
        page.get_by_role("button", name="Godkänn rapporten").click()
        page.wait_for_load_state()
        assert page.get_by_text("Rapporten har godkänts.").is_visible()
    pay_claims(case, alice)
    logout(page)

    # The economist: the effect evaluation and the hand-over to the settlement.
    login_in_browser("erik")
    page.goto(f"/o/orebro/uppfoljning/matt/{kasam.pk}/")
    assert page.get_by_text("Antal och medelvärde per grupp och tillfälle").is_visible()
    check(page, axe)
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/instrument/")
    check(page, axe)
    page.goto(case_url)
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    check(page, axe)
    page.get_by_label("Slutsats").fill("Bättre för målgruppen och lägre kostnader")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Skillnad-i-skillnader").is_visible()
    check(page, axe)
    # Under the repayment model only if started before 2019 (the fixture's case starts 2025).
    Case.objects.filter(pk=case.pk).update(start_date=dt.date(2018, 6, 1))
    page.get_by_role("button", name="Lämna realiserade besparingar till återföringen").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "De realiserade besparingarna har lämnats till återföringen."
    ).is_visible()
    check(page, axe)
    logout(page)
    evaluation = EffectEvaluation.objects.get(case=case)
    assert evaluation.settled_at is not None and evaluation.settlement_reference
    # placements (10 − 7) × 420 000, net of nothing measured for the comparison group
    assert evaluation.realised_savings["Socialnämnden"] == "1260000.00"

    # The executive board's implementation and scale-up decision.
    login_in_browser("karin")
    page.goto(case_url)
    page.get_by_role("link", name="Registrera implementeringsbeslut").click()
    check(page, axe)
    page.locator("#id_outcome").select_option("parts")
    page.get_by_label("Delar som går in i ordinarie verksamhet").fill("Föräldragrupperna")
    page.get_by_label("Ordinarie arbete som ersätts").fill("Individuella föräldrasamtal")
    page.get_by_label("Målgrupper eller områden som passar för uppskalning").fill(
        "Vivalla och Baronbackarna"
    )
    page.get_by_label("Motivering").fill("Positiva effekter för målgruppen och ekonomin")
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    page.wait_for_load_state()
    assert page.get_by_text("Implementeringsbeslutet har registrerats.").is_visible()
    check(page, axe)
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTED
    assert (
        ImplementationDecision.objects.get(case=case).scale_up_groups == "Vivalla och Baronbackarna"
    )
    assert placements.values.count() == 1


def test_the_schema_and_termination_pages_are_accessible(
    page: Any, login_in_browser: Any, axe: Any, schema: Any, alice: Any, karin: Any, sven: Any
) -> None:
    case = schema.case
    case.project_owner = sven
    case.save(update_fields=["project_owner"])
    login_in_browser("alice")
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/schema/")
    check(page, axe)
    page.get_by_role("link", name="Lägg till mått").click()
    check(page, axe)
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/")
    page.get_by_role("link", name="Föreslå att satsningen avbryts").click()
    check(page, axe)
    # The evaluators assess the rulebook's conditions: one no longer holds.
    conditions = page.locator('select[name^="met_"]').all()
    for number, select in enumerate(conditions):
        select.select_option("no" if number == 0 else "yes")
    page.get_by_label("Skäl till att satsningen bör avbrytas").fill("Målgruppen nås inte")
    page.get_by_role("button", name="Lämna förslaget").click()
    page.wait_for_load_state()
    assert page.get_by_text("Förslaget om avbrytande har registrerats.").is_visible()
    logout(page)
    # The project owner takes a position before the executive board decides.
    login_in_browser("sven")
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/")
    check(page, axe)
    page.get_by_label("Projektägarens ställningstagande").select_option("1")
    page.get_by_label("Motivering").fill("Målgruppen nås inte; förvaltningen tillstyrker.")
    page.get_by_role("button", name="Registrera ställningstagandet").click()
    page.wait_for_load_state()
    check(page, axe)
    logout(page)
    login_in_browser("karin")
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/")
    check(page, axe)
    page.locator("#id_terminate").select_option("1")
    page.locator("#id_reasons").fill("KS beslutar att avbryta")
    page.locator("#id_decided_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    page.wait_for_load_state()
    assert page.get_by_text("Beslutet om avbrytande har registrerats.").is_visible()
    check(page, axe)
    case.refresh_from_db()
    assert case.stage == Stage.TERMINATED


def test_a_fidelity_check_in_the_browser(
    page: Any, login_in_browser: Any, axe: Any, uppsala: Any, charlie: Any, make_person: Any
) -> None:
    import datetime as dt

    from satsa.followup.models import FidelityCheck
    from satsa.followup.tests.conftest import make_case
    from satsa.orgs.roles import Role

    today = timezone.localdate()
    case = make_case(
        uppsala,
        make_person("ulla", (uppsala, Role.PROJECT_LEADER)),
        title="Komet för föräldrar",
        rulebook_key="uppsala-2016",
        stage=Stage.RUNNING,
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=300),
    )
    login_in_browser("charlie")
    page.goto(f"/o/uppsala/uppfoljning/arende/{case.pk}/")
    assert page.get_by_text("Metodtroheten har inte bedömts ännu.").is_visible()
    page.get_by_role("link", name="Bedömningar av metodtrohet").click()
    check(page, axe)
    page.locator("#id_method").fill("Komet")
    page.locator("#id_checked_on").fill(today.isoformat())
    page.get_by_label("Kärnkomponent 1", exact=True).fill("Tio gruppträffar")
    page.get_by_label("Följs kärnkomponent 1?").select_option("2")
    page.get_by_label("Kärnkomponent 2", exact=True).fill("Hemuppgifter")
    page.get_by_label("Följs kärnkomponent 2?").select_option("1")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bedömningen av metodtroheten är sparad.").is_visible()
    check(page, axe)
    assert FidelityCheck.objects.get().percent == 75
