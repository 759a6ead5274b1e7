"""Where the rulebook takes the expected savings from the calculation, the application
form has no typed figure: it shows the calculation's, read-only, with a link to it, and
the page, the eligibility check and the decision basis all show that one figure."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from satsa.calculations.models import Calculation
from satsa.cases import selectors as sel
from satsa.economics import calculate

CALCULATION = {
    "start_year": 2027,
    "project_years": 3,
    "horizon_years_after_end": 10,
    "costs": [{"year": 2027, "amount": 3000000}],
    "effects": [{"actor": "Socialnämnden", "unit_cost": 500000, "volume_after_end": 1}],
}


def application_page(client_as: Any, people: Any, case: Any) -> str:
    url = reverse("cases:application", args=["orebro", case.pk])
    return str(client_as(people.applicant).get(url).content.decode())


def test_the_form_has_no_typed_savings_and_points_to_the_calculation(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    html = application_page(client_as, people, case)
    assert 'name="expected_savings"' not in html
    assert "Räknas fram i kalkylen; ingen beräknad kalkyl än." in html
    assert reverse("case_calculation:tab", kwargs={"org_slug": "orebro", "pk": case.pk}) in html


def test_a_figure_typed_before_is_kept_and_the_calculations_replaces_it_everywhere(
    people: Any, walk: Any, client_as: Any
) -> None:
    from satsa.portfolio import pdf
    from satsa.portfolio.tests.test_documents import text_of

    case = walk.new_idea(people)
    walk.through_idea(people, case)
    # typed on the form before this change (the demo's and old cases' data)
    walk.write_application(people, case, expected_savings="4500000")
    html = application_page(client_as, people, case)
    assert "4\u00a0500\u00a0000\u00a0kr" in html and "angivet för hand" in html
    # saving the form (which no longer has the field) keeps the stored figure
    url = reverse("cases:application", args=["orebro", case.pk])
    post = {"section_problem": "Hög frånvaro.", "duration_years": "3", "save": "1"}
    assert client_as(people.applicant).post(url, post).status_code == 302
    assert sel.application_figures(case)["expected_savings"] == "4500000"

    result = calculate({**CALCULATION, "approval": {"basis": "nominal"}})
    Calculation.objects.create(
        case=case, organisation=case.organisation, data=CALCULATION, result=result
    )
    savings = result["approval"]["savings"]  # 10 years × 500 000 kr
    assert savings == 5_000_000
    shown = sel.expected_savings_of(case)
    assert (shown.amount, shown.source) == (5_000_000, "calculation")
    html = application_page(client_as, people, case)
    assert "5\u00a0000\u00a0000\u00a0kr" in html and "(från kalkylen)" in html
    assert "4\u00a0500\u00a0000" not in html
    finding = next(f for f in sel.eligibility_for(case).findings if f.rule == "approval_rule")
    assert "5\u00a0000\u00a0000\u00a0kr" in finding.message_sv
    text = " ".join(text_of(pdf.decision_basis_pdf(case)).split())
    assert "5 000 000 kr" in text and "4 500 000" not in text


def test_a_rulebook_without_a_calculation_keeps_the_typed_figure() -> None:
    from satsa.rules.loading import get_preset as preset

    assert sel.savings_from_calculation(preset("orebro-2020"))
    assert sel.savings_from_calculation(preset("orebro-2016"))
    assert sel.savings_from_calculation(preset("uppsala-2016"))
    assert not sel.savings_from_calculation(preset("gavleborg-2018"))
