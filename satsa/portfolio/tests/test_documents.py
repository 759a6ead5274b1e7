"""Each document is generated and its key figures are found in the text of the PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from satsa.calculations.models import Calculation
from satsa.cases.models import ApplicationVersion, BoardNotice, Signature
from satsa.followup.models import EffectEvaluation, Report, ReportKind, ReportStatus
from satsa.orgs.models import Board, Department
from satsa.portfolio import pdf
from satsa.portfolio.services import consolidated_evaluation_generate

RESULT = {
    "totals": {
        "cost": 5400000.0,
        "pv_cost": 5217391.0,
        "savings": 8100000.0,
        "pv_savings": 7300000.0,
        "npv": 2082609.0,
        "bcr": 1.3992,
        "savings_by_actor": {"Socialnämnden": 6000000.0, "Grundskolenämnden": 2100000.0},
        "pv_savings_by_actor": {"Socialnämnden": 5400000.0, "Grundskolenämnden": 1900000.0},
    },
    "flows": [
        {"year": 2015, "cost": 1800000.0, "savings": 0.0},
        {"year": 2016, "cost": 1800000.0, "savings": 900000.0},
        {"year": 2017, "cost": 1800000.0, "savings": 1700000.0},
    ],
}


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def oxhagen(portfolio: Any, alice: Any) -> Any:
    case = portfolio["oxhagen"]
    org = case.organisation
    Calculation.objects.create(case=case, organisation=org, data={}, result=RESULT)
    version = ApplicationVersion.objects.create(
        case=case,
        number=1,
        sections={"problem": "Barn i Oxhagen far illa och skolresultaten är låga."},
        content_hash="abc",
        submitted_at=dt.datetime(2014, 10, 1, tzinfo=dt.UTC),
    )
    BoardNotice.objects.create(
        case=case,
        board=Board.objects.get(organisation=org, name="Socialnämnden"),
        phase=BoardNotice.Phase.APPLICATION,
        deadline=dt.date(2014, 11, 1),
        comment="Nämnden ställer sig bakom satsningen i Oxhagen.",
        backs=True,
    )
    Signature.objects.create(
        case=case,
        version=version,
        content_hash="abc",
        capacity=Signature.Capacity.DEPARTMENT_HEAD,
        department=Department.objects.get(organisation=org, name="Socialförvaltningen"),
        signer_name="Sara Socialchef",
    )
    return case


def test_the_decision_basis_carries_summary_findings_calculation_signatures_and_comments(
    oxhagen: Any,
) -> None:
    text = text_of(pdf.decision_basis_pdf(oxhagen))
    assert "Beslutsunderlag" in text
    assert "Team Oxhagen" in text
    assert "Örebro kommun" in text
    assert "5 400 000 kr" in text  # the amount
    assert "KS 1304/2014" in text
    assert "Barn i Oxhagen far illa" in text  # the application's summary
    assert "Prövning mot regelboken" in text
    assert "Uppfyll" in text  # eligibility findings (passes or fails), in Swedish
    assert "7 300 000 kr" in text  # PV of savings
    assert "2 082 609 kr" in text  # NPV
    assert "1,40" in text  # benefit-cost ratio
    assert "5 400 000 kr" in text and "Socialnämnden" in text  # savings per actor
    assert "Nämnden ställer sig bakom satsningen i Oxhagen." in text
    assert "Sara Socialchef" in text


def test_the_decision_basis_prints_the_submitted_calculation_with_who_pays_who_saves(
    oxhagen: Any,
) -> None:
    from satsa.calculations.models import CalculationSnapshot
    from satsa.economics import calculate

    submitted = calculate(
        {
            "start_year": 2015,
            "project_years": 2,
            "horizon_years_after_end": 3,
            "actors": [
                "Socialnämnden",
                {"name": "Försäkringskassan", "perspective": "other_public"},
            ],
            "costs": [{"year": 2015, "amount": 1_000_000}, {"year": 2016, "amount": 1_000_000}],
            "effects": [
                {"actor": "Socialnämnden", "unit_cost": 200_000, "volume_after_end": 1},
                {
                    "actor": "Försäkringskassan",
                    "unit_cost": 700_000,
                    "volume_after_end": 1,
                    "cashable": False,
                    "uncertainty": {"unit_cost": [600_000, 700_000, 800_000]},
                },
            ],
        },
        draws=1000,
        seed=1,
    )
    CalculationSnapshot.objects.create(
        case=oxhagen,
        organisation=oxhagen.organisation,
        reason="submitted",
        data={},
        result=submitted,
    )
    # table cells wrap: compare with the line breaks made spaces
    text = " ".join(text_of(pdf.decision_basis_pdf(oxhagen)).split())
    # the snapshot, not the live calculation (whose NPV is 2 082 609 kr)
    assert "Kalkylen som den såg ut när ansökan lämnades in" in text
    assert "2 082 609 kr" not in text
    assert "Chans att nyttan täcker kostnaden" in text
    assert "Inte uppfylld (nominellt, t.o.m. 2019): besparingar 600 000 kr mot kostnad" in text
    assert "Regeln räknar besparingar för Organisationen" in text
    assert "Besparingar som bara frigör kapacitet 2 100 000 kr" in text
    assert "Vem betalar, vem sparar" in text
    assert "Fonden" in text and "Annan offentlig aktör" in text
    assert "other_public" not in text and "fund" not in text.lower().split()


def test_the_decision_basis_prints_the_realisation_plan_beside_the_cash_savings(
    oxhagen: Any,
) -> None:
    from satsa.economics import calculate

    result = calculate(
        {
            "start_year": 2015,
            "project_years": 2,
            "horizon_years_after_end": 3,
            "costs": [{"year": 2015, "amount": 1_000_000}],
            "effects": [{"actor": "Socialnämnden", "unit_cost": 200_000, "volume_after_end": 1}],
            "realisation_plan": [
                {
                    "board": "Socialnämnden",
                    "year": 2017,
                    "amount": 150_000,
                    "measure": "fewer_posts",
                },
                {"board": "Socialnämnden", "year": 2018, "amount": 250_000},
            ],
        }
    )
    Calculation.objects.filter(case=oxhagen).update(result=result)
    text = " ".join(text_of(pdf.decision_basis_pdf(oxhagen)).split())
    assert "Effekthemtagningsplan" in text
    assert "Planerat att ta hem 400 000 kr" in text
    assert "Färre tjänster (150 000 kr)" in text
    assert "fewer_posts" not in text
    # 2018 takes home more than the board saves in cash that year: the warning says so
    assert "planerar att ta hem 250 000 kr 2018" in text


def test_swedish_letters_survive_the_round_trip(portfolio: Any) -> None:
    text = text_of(pdf.final_report_pdf(portfolio["sistema"], summary="Åtta av tio nådde målen."))
    assert "Örebro kommun" in text
    assert "Åtta av tio nådde målen." in text
    assert "Förvaltningen förskola och skola" in text


def test_the_helvetica_fallback_still_writes_swedish(
    portfolio: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    pdf.fonts.cache_clear()
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    try:
        assert pdf.fonts() == ("Helvetica", "Helvetica-Bold")
        text = text_of(pdf.final_report_pdf(portfolio["sistema"]))
        assert "Örebro kommun" in text
    finally:
        pdf.fonts.cache_clear()


def test_the_periodic_report_pdf_shows_the_report(client_as: Any, alice: Any, oxhagen: Any) -> None:
    report = Report.objects.create(
        organisation=oxhagen.organisation,
        case=oxhagen,
        kind=ReportKind.PERIODIC,
        period_name="Delår 2 2016",
        period_end=dt.date(2016, 8, 31),
        due_date=dt.date(2016, 9, 30),
        status=ReportStatus.APPROVED,
        activities="Föräldragrupper varje vecka i Oxhagen.",
        spent_to_date=Decimal("2650000.00"),
        claim_amount=Decimal("850000.00"),
    )
    response = client_as(alice).get(f"/o/orebro/portfolj/rapport/{report.pk}.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Lägesrapport" in text
    assert "Delår 2 2016" in text
    assert "2 650 000 kr" in text
    assert "850 000 kr" in text
    assert "Föräldragrupper varje vecka i Oxhagen." in text


def test_the_final_report_shows_expected_and_realised_savings(
    client_as: Any, alice: Any, oxhagen: Any
) -> None:
    EffectEvaluation.objects.create(
        organisation=oxhagen.organisation,
        case=oxhagen,
        expected_savings={"Socialnämnden": "6000000.00"},
        realised_savings={"Socialnämnden": "4200000.00"},
        conclusion="Färre placeringar än i jämförelsegruppen.",
    )
    response = client_as(alice).get(f"/o/orebro/portfolj/arende/{oxhagen.pk}/slutrapport.pdf")
    text = text_of(response.content)
    assert "Slutrapport" in text
    assert "Färre placeringar än i jämförelsegruppen." in text
    assert "6 000 000 kr" in text
    assert "4 200 000 kr" in text


def test_the_consolidated_evaluation_covers_the_whole_portfolio(
    client_as: Any, alice: Any, oxhagen: Any, portfolio: Any
) -> None:
    evaluation = consolidated_evaluation_generate(
        organisation=oxhagen.organisation, year=2016, depth="deep", actor=alice
    )
    assert evaluation.data["totals"]["count"] == 2
    response = client_as(alice).get(f"/o/orebro/portfolj/utvardering/{evaluation.pk}.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Fördjupad samlad utvärdering" in text
    assert "av portföljen 2016" in " ".join(text.split())
    assert "8 400 000 kr" in text  # granted in total
    assert "Team Oxhagen" in text and "El Sistema" in text
    assert "Hemlig" not in text
    assert "6 000 000 kr" in text  # Socialnämnden's expected savings (calculation)
    assert "Barn och unga i Oxhagen" in text  # the deep part, case by case


def test_the_decision_basis_over_http_is_for_staff_of_the_organisation(
    client_as: Any, alice: Any, bob: Any, charlie: Any, oxhagen: Any
) -> None:
    url = f"/o/orebro/portfolj/arende/{oxhagen.pk}/beslutsunderlag.pdf"
    response = client_as(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client_as(bob).get(url).status_code == 403
    assert client_as(charlie).get(url).status_code == 404
    other = f"/o/uppsala/portfolj/arende/{oxhagen.pk}/beslutsunderlag.pdf"
    assert client_as(charlie).get(other).status_code == 404


def test_generating_an_evaluation_over_http_writes_an_event(
    client_as: Any, alice: Any, portfolio: Any
) -> None:
    from satsa.events.models import Event

    client: Client = client_as(alice)
    response = client.post("/o/orebro/portfolj/utvardering/", {"year": "2017", "depth": "yearly"})
    assert response.status_code == 302
    assert Event.objects.filter(verb="portfolio.evaluation_generated").count() == 1
    page = client.get("/o/orebro/portfolj/utvardering/").content.decode()
    assert "Samlad utvärdering 2017 (PDF)" in page


def test_a_pdf_chart_keeps_its_legend_beside_the_bars_and_its_text_extractable() -> None:
    from satsa.core import charts as kit

    doc = pdf._Doc("Diagram", "Test")
    boards = ["Socialnämnden – Individ- och familjeomsorg", "Grundskolenämnden"]
    chart = doc.chart(
        "Förväntade och realiserade besparingar per nämnd",
        boards,
        [[Decimal("6000000"), Decimal("-2100000")], [Decimal("4200000"), Decimal("900000")]],
        names=["Förväntat", "Realiserat"],
    )
    assert chart is not None and chart.legend is not None
    bars = [s for s in chart.shapes if isinstance(s, kit.Rect) and s.role == "bar"]
    swatches = [s for s in chart.shapes if isinstance(s, kit.Rect) and s.role == "swatch"]
    assert len(bars) == 4 and len(swatches) == 2
    assert all(bar.y >= chart.legend[3] for bar in bars)
    # The chart is as wide as the text between the page margins.
    assert chart.width <= pdf.CHART_WIDTH + 0.5
    doc.bar_chart(
        "Förväntade och realiserade besparingar per nämnd",
        boards,
        [[Decimal("6000000"), Decimal("-2100000")], [Decimal("4200000"), Decimal("900000")]],
        names=["Förväntat", "Realiserat"],
    )
    text = " ".join(text_of(doc.render("fot")).split())
    assert "Förväntat" in text and "Realiserat" in text
    assert "Socialnämnden – Individ- och familjeomsorg" in text
    assert "−2 100 000 kr" in text
