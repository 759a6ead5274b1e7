"""The steering group sets the priority order by hand with a reason; the order and the
reason are recorded and shown on the ranking and in the decision basis."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.cases import services
from satsa.cases.models import Case
from satsa.decisions import services as decision_services
from satsa.events.models import Event
from satsa.portfolio.pdf import decision_basis_pdf


def _two_waiting(people: Any, walk: Any) -> tuple[Case, Case]:
    waiting = []
    for title in ("Brobyggare", "Skolfam"):
        case = walk.new_idea(people, title=title)
        walk.to_signatures(people, case)
        walk.sign_all(people, case)
        services.case_advance(case=case, actor=people.coordinator)
        waiting.append(case)
    return waiting[0], waiting[1]


def test_the_steering_group_sets_the_order_by_hand_with_a_reason(people: Any, walk: Any) -> None:
    first, second = _two_waiting(people, walk)
    ranked = decision_services.steering_rank(
        organisation=people.org,
        actor=people.steering,
        order=[second.pk, first.pk],
        by_hand=True,
        reason="Skolfam når de mest utsatta barnen först.",
    )
    assert [c.title for c in ranked] == ["Skolfam", "Brobyggare"]
    second.refresh_from_db()
    assert (second.priority_rank, second.priority_reason) == (
        1,
        "Skolfam når de mest utsatta barnen först.",
    )
    event = Event.objects.filter(verb="case.ranked_by_hand").first()
    assert event is not None and event.data["reason"].startswith("Skolfam")
    assert event.data["order"] == ["Skolfam", "Brobyggare"]


def test_an_order_by_hand_needs_a_reason_and_every_application(people: Any, walk: Any) -> None:
    first, second = _two_waiting(people, walk)
    with pytest.raises(ValidationError, match="Motivera"):
        decision_services.steering_rank(
            organisation=people.org,
            actor=people.steering,
            order=[second.pk, first.pk],
            by_hand=True,
        )
    with pytest.raises(ValidationError, match="varje ansökan"):
        decision_services.steering_rank(
            organisation=people.org,
            actor=people.steering,
            order=[second.pk],
            by_hand=True,
            reason="Bara den ena är viktig nu.",
        )
    assert not Event.objects.filter(verb="case.ranked_by_hand").exists()


def test_the_ranking_page_takes_places_and_shows_the_reason(
    people: Any, walk: Any, client_as: Any
) -> None:
    first, second = _two_waiting(people, walk)
    url = reverse("decisions:ranking", args=["orebro"])
    client = client_as(people.steering)
    page = client.get(url).content.decode()
    # Örebro has no selection criteria: no button ranking by them.
    assert "Prioritera efter urvalskriterierna" not in page
    client.post(
        url,
        {
            "action": "by_hand",
            f"place_{first.pk}": "2",
            f"place_{second.pk}": "1",
            "reason": "Skolfam når de mest utsatta barnen först.",
        },
    )
    assert Case.objects.get(pk=second.pk).priority_rank == 1
    page = client_as(people.coordinator).get(url).content.decode()
    assert "Ordningen är satt av styrgruppen" in page
    assert "Skolfam når de mest utsatta barnen först." in page
    # The coordinator is told who sets the order, and is offered no form.
    assert "Ordningen sätts av styrgruppen: Sara" in page
    assert 'name="reason"' not in page


def test_the_decision_basis_shows_the_order_and_its_reason(people: Any, walk: Any) -> None:
    first, second = _two_waiting(people, walk)
    decision_services.steering_rank(
        organisation=people.org,
        actor=people.steering,
        order=[second.pk, first.pk],
        by_hand=True,
        reason="Skolfam når de mest utsatta barnen först.",
    )
    second.refresh_from_db()
    text = _pdf_text(decision_basis_pdf(second))
    assert "Styrgruppens prioritering" in text
    assert "Skolfam når de mest utsatta barnen först." in text


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
