"""The confidence rating (Maryland scale) stands beside every effect estimate in the final
report and in the consolidated evaluation of the portfolio."""

from __future__ import annotations

from typing import Any

from satsa.evaluation.aggregate import AggregateValue, evaluate_aggregates
from satsa.followup.models import EffectEvaluation
from satsa.portfolio.services import consolidated_evaluation_generate
from satsa.portfolio.tests.test_documents import oxhagen, text_of

__all__ = ["oxhagen"]  # the fixture, shared with the document tests


def record(case: Any) -> None:
    shares = evaluate_aggregates(
        [
            AggregateValue("treatment", "baseline", 42, 28),
            AggregateValue("treatment", "follow_up", 49, 30),
        ],
        kind="percent",
    ).as_dict()
    small = evaluate_aggregates(
        [
            AggregateValue("treatment", "baseline", 50, 3),
            AggregateValue("treatment", "follow_up", 75, 4),
        ],
        kind="percent",
    ).as_dict()
    EffectEvaluation.objects.create(
        organisation=case.organisation,
        case=case,
        results={
            "measures": [],
            "instruments": [],
            "aggregates": [
                {"measure": 1, "name": "Når kunskapskraven i svenska", "report": shares},
                {"measure": 2, "name": "Godkänt i matematik", "report": small},
            ],
        },
        expected_savings={"Socialnämnden": "6000000.00"},
        realised_savings={"Socialnämnden": "4200000.00"},
        conclusion="Fler barn når kunskapskraven.",
    )


def test_the_final_report_rates_each_estimate(client_as: Any, alice: Any, oxhagen: Any) -> None:
    record(oxhagen)
    response = client_as(alice).get(f"/o/orebro/portfolj/arende/{oxhagen.pk}/slutrapport.pdf")
    text = " ".join(text_of(response.content).split())
    assert "Når kunskapskraven i svenska" in text
    assert "7,00 (förändring)" in text and "nivå 2 av 5" in text
    assert "Maryland-skalan" in text
    # a value resting on fewer than five shows no estimate, and not its value
    assert "visas inte (liten grupp)" in text and "25,00" not in text


def test_the_consolidated_evaluation_lists_estimates_with_their_rating(
    client_as: Any, alice: Any, oxhagen: Any, portfolio: Any
) -> None:
    record(oxhagen)
    evaluation = consolidated_evaluation_generate(
        organisation=oxhagen.organisation, year=2016, depth="yearly", actor=alice
    )
    [row] = [c for c in evaluation.data["cases"] if c["id"] == oxhagen.pk]
    assert [e["level"] for e in row["estimates"]] == [2, 2]
    response = client_as(alice).get(f"/o/orebro/portfolj/utvardering/{evaluation.pk}.pdf")
    text = " ".join(text_of(response.content).split())
    assert "Effektskattningar och deras tillförlitlighet" in text
    assert "nivå 2 av 5" in text
