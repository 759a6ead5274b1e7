"""The target group and the period are shown wherever they are known: written in the
application or the idea when the case's own fields are empty, on the case overview, in the
PDFs and on the public pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from satsa.cases.models import ApplicationVersion, Case, Stage
from satsa.portfolio import pdf
from satsa.portfolio.tests.test_documents import text_of


@pytest.fixture
def skolfam(orebro: Any, bob: Any) -> Case:
    """Granted, with its target group in the idea and its duration in the application only."""
    case = Case.objects.create(
        organisation=orebro,
        title="Skolfam",
        rulebook_key="orebro-2020",
        stage=Stage.DECIDED,
        granted_amount=Decimal("5200000"),
        decided_on=dt.date(2016, 5, 1),
        diarienummer="KS 2016/77",
        outcome=Case.Outcome.GRANTED,
        idea={"target_group": "Familjehemsplacerade elever i grundskolan"},
        created_by=bob,
    )
    ApplicationVersion.objects.create(
        case=case,
        number=1,
        sections={"duration": "Tre år från hösten 2016."},
        submitted_at=dt.datetime(2016, 3, 1, tzinfo=dt.UTC),
    )
    return case


def test_the_overview_shows_the_target_group_and_period_from_idea_and_application(
    skolfam: Case, client_as: Any, bob: Any
) -> None:
    html = client_as(bob).get(reverse("cases:overview", args=["orebro", skolfam.pk]))
    page = html.content.decode()
    assert "Familjehemsplacerade elever i grundskolan" in page
    assert "Tre år från hösten 2016." in page


def test_the_decision_basis_pdf_shows_them(skolfam: Case) -> None:
    text = " ".join(text_of(pdf.decision_basis_pdf(skolfam)).split())
    assert "Familjehemsplacerade elever i grundskolan" in text
    assert "Tre år från hösten 2016." in text


def test_the_public_page_and_open_data_show_them(skolfam: Case, client: Any) -> None:
    page = client.get(reverse("public_portfolio:index", kwargs={"org_slug": "orebro"}))
    html = page.content.decode()
    assert "Familjehemsplacerade elever i grundskolan" in html
    assert "Tre år från hösten 2016." in html
    data = client.get(
        reverse("public_portfolio:interventions_json", kwargs={"org_slug": "orebro"})
    ).json()
    items = data if isinstance(data, list) else data.get("interventions", data.get("items"))
    ours = next(i for i in items if i["name"] == "Skolfam")
    assert ours["target_group"] == "Familjehemsplacerade elever i grundskolan"


def test_the_case_dates_win_over_words(skolfam: Case) -> None:
    skolfam.start_date = dt.date(2016, 6, 1)
    skolfam.end_date = dt.date(2018, 12, 31)
    assert skolfam.period_text == "2016-06-01 – 2018-12-31"
