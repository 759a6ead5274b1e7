"""The pages this part of the journey added, in a real browser with axe: the coordinator
registers a board's comment on its behalf, the steering group orders by hand, and the
decision recorder moves a granted project's period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from satsa.cases import services
from satsa.cases.models import BoardNotice, Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_comment_on_behalf_and_a_new_period_in_the_browser(
    page: Any, login_in_browser: Any, axe: Any, people: Any, walk: Any, tmp_path: Any
) -> None:
    idea = walk.new_idea(people, title="Brobyggare")
    services.idea_assess(
        case=idea,
        actor=people.preparation,
        verdicts={
            c: {"met": True}
            for c in (
                "real_need",
                "new_methods",
                "several_actors",
                "outcome_and_savings",
                "leadership_priorities",
            )
        },
    )
    services.case_advance(case=idea, actor=people.preparation)
    services.case_advance(case=idea, actor=people.management)
    minutes = tmp_path / "protokoll.pdf"
    minutes.write_bytes(b"%PDF-1.4 protokollsutdrag")

    login_in_browser("alice")
    page.goto(f"/o/orebro/arenden/{idea.pk}/synpunkter/")
    assert axe(page) == []
    page.locator("select[name=board]").select_option(label="Socialnämnden")
    page.get_by_label("Nämndens ställningstagande").select_option("yes")
    page.get_by_label("Yttrande").fill("Socialnämnden tillstyrker (protokoll § 4).")
    page.get_by_label("Nämndens handling").set_input_files(str(minutes))
    page.get_by_role("button", name="Registrera yttrandet").click()
    assert "Registrerat av Alice för Socialnämnden." in page.content()
    assert axe(page) == []
    assert BoardNotice.objects.get(case=idea, board__name="Socialnämnden").on_behalf

    granted = walk.to_decision(people, walk.new_idea(people, title="Skolfam"))
    walk.grant(people, granted, start_date=dt.date(2027, 1, 1), end_date=dt.date(2028, 12, 31))
    page.goto(f"/o/orebro/arenden/{granted.pk}/beslut/projektperiod/")
    assert "Kan registreras av: Karin" in page.content()
    assert axe(page) == []

    page.context.clear_cookies()
    login_in_browser("karin")
    page.goto(f"/o/orebro/arenden/{granted.pk}/beslut/")
    page.get_by_role("link", name="Ändra projektperioden genom ett nytt beslut").click()
    assert axe(page) == []
    page.get_by_label("Nytt slutdatum").fill("2029-06-30")
    page.get_by_label("Beslutsdatum").fill("2026-12-01")
    page.get_by_label("Protokollsparagraf").fill("KS § 9")
    page.get_by_label("Skäl för den nya perioden").fill("Rekryteringen drog ut på tiden.")
    page.get_by_role("button", name="Registrera beslutet om ny period").click()
    assert "Den nya projektperioden är registrerad." in page.content()
    assert axe(page) == []
    assert Case.objects.get(pk=granted.pk).end_date == dt.date(2029, 6, 30)
