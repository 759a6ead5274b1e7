"""Örebro's 2020 rulebook, the whole journey in the browser: each person logs in as
themselves and does their part, from the need to the implementation decision, the
follow-up evaluation and the public pages. axe checks every page reached. The clock moves
forward (time-machine) where the project's years pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.followup.models import Measure, Report, ReportKind, ReportStatus
from satsa.funds import selectors as fund_selectors
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Brobyggare i Vivalla"
IDEA = {
    "need": "Skolfrånvaron i Vivalla har fördubblats sedan 2015 (elevhälsans statistik).",
    "target_group": "Elever i årskurs 7–9 med hög frånvaro.",
    "content": "Brobyggare som möter eleverna och familjerna.",
    "actors": "Socialnämnden och Grundskolenämnden.",
    "expected_effects": "Högre närvaro och färre placeringar.",
}
SECTIONS = {
    "problem": "Hög frånvaro.",
    "evidence": "Studier av brobyggare i Göteborg.",
    "target_group": "Elever i årskurs 7–9.",
    "method": "Två brobyggare på heltid.",
    "duration": "Tre år.",
    "goals_effects_evaluation": "Närvaro mäts varje månad mot basmätning.",
    "costs": "3 000 000 kr.",
    "implementation": "Ersätter delar av elevhälsans uppsökande arbete.",
    "comparison": "Ordinarie elevhälsa.",
}
FIGURES = {
    "duration_years": "3",
    "requested_amount": "3000000",
    "total_cost": "3000000",
    "project_leader_share": "0.5",
}


def idea_to_grant(w: Walk, start: dt.date, end: dt.date) -> None:
    page = w.page
    # The applicant records the need and an idea built on it.
    w.as_user("bob")
    page.get_by_role("link", name="Ärenden", exact=True).first.click()
    w.check()
    page.get_by_role("link", name="Behovsanalyser").click()
    page.get_by_label("Rubrik").fill("Skolfrånvaro i Vivalla")
    page.get_by_label("Målgrupp").fill("Elever i årskurs 7–9")
    page.get_by_label("Statistik som visar behovet").fill("Frånvaron har fördubblats sedan 2015.")
    page.get_by_role("button", name="Spara behovsanalys").click()
    w.check()
    page.get_by_role("link", name="Ny idé utifrån behovet").click()
    w.check()
    page.get_by_label("Satsningens namn").fill(TITLE)
    page.get_by_label("Nämnder som berörs i resultat eller kostnader").select_option(
        label=["Socialnämnden", "Grundskolenämnden"]
    )
    page.get_by_label("Förvaltningar som medverkar").select_option(
        label=["Socialförvaltningen", "Förvaltningen förskola och skola"]
    )
    for section, text in IDEA.items():
        page.locator(f'textarea[name="idea_{section}"]').fill(text)
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    page.get_by_role("button", name="Lämna in idén").click()
    assert "Idén är inlämnad" in w.success()
    w.check()

    # The idea test: the preparation group, the management group, the boards, the coordinator.
    w.as_user("petra")
    page.get_by_role("link", name="Mina uppgifter").click()
    assert TITLE in page.locator("table").inner_text()
    w.check()
    w.open_case(TITLE, "Beredning")
    for select in page.locator('select[name^="idea-c_"]').all():
        select.select_option("yes")
    page.get_by_role("button", name="Spara bedömningen").click()
    w.check()
    w.advance()
    w.as_user("magnus")
    w.open_case(TITLE, "Beredning")
    w.advance()
    for secretary, board in (("nils", "Socialnämnden"), ("greta", "Grundskolenämnden")):
        w.as_user(secretary)
        w.open_case(TITLE, "Synpunkter")
        w.comment(board)
    w.as_user("alice")
    w.open_case(TITLE, "Beredning")
    w.advance()
    assert Case.objects.get(title=TITLE).idea_outcome == Case.IdeaOutcome.GO

    # The application, with the rules engine answering while the applicant types.
    w.as_user("bob")
    w.open_case(TITLE, "Ansökan")
    for section, text in SECTIONS.items():
        page.locator(f'textarea[name="section_{section}"]').fill(text)
    for key, value in FIGURES.items():
        page.locator(f'input[name="{key}"]').fill(value)
    page.locator("#findings", has_text="Satsningen pågår 3 år").wait_for()
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    # The evaluation schema, with its baselines, is built in Satsa, not attached as a file.
    page.get_by_role("link", name="Bygg utvärderingsschemat i Satsa, med basvärden").click()
    build_the_schema(w)
    w.open_case(TITLE, "Ansökan")
    assert "Utvärderingsschemat i Satsa" in page.locator("main").inner_text()
    page.get_by_role("button", name="Lämna in ansökan").click()
    assert "Ansökan är inlämnad" in w.success()
    w.check()

    # Preparation: the economist, the groups, the boards again, the signatures.
    w.as_user("erik")
    w.open_case(TITLE, "Beredning")
    w.advance("Den ekonomiska kalkylen är granskad av utvärderingsteamet.")
    for person in ("petra", "magnus"):
        w.as_user(person)
        w.open_case(TITLE, "Beredning")
        w.advance()
    for secretary, board in (("nils", "Socialnämnden"), ("greta", "Grundskolenämnden")):
        w.as_user(secretary)
        w.open_case(TITLE, "Synpunkter")
        w.comment(board)
    w.as_user("alice")
    w.open_case(TITLE, "Beredning")
    w.advance()
    for head, department in (
        ("sven", "Socialförvaltningen"),
        ("david", "Förvaltningen förskola och skola"),
    ):
        w.as_user(head)
        w.open_case(TITLE, "Underskrifter")
        page.get_by_role("button", name=f"Underteckna för {department}").click()
        w.check()
    w.as_user("alice")
    w.open_case(TITLE, "Beredning")
    w.advance()

    # The steering group ranks and approves; the executive board decides.
    w.as_user("sara")
    page.get_by_role("link", name="Ärenden", exact=True).first.click()
    page.get_by_role("link", name="Styrgruppens prioritering").click()
    w.check()
    # Örebro's rulebook has no selection criteria: the steering group sets the order.
    assert page.get_by_role("button", name="Prioritera efter urvalskriterierna").count() == 0
    page.get_by_label("Skäl för ordningen").fill("Den enda ansökan som väntar; ryms i fonden.")
    page.get_by_role("button", name="Spara ordningen med skäl").click()
    assert page.locator("tbody tr").first.locator("input[type=number]").input_value() == "1"
    assert "Den enda ansökan som väntar" in page.content()
    w.check()
    w.open_case(TITLE, "Beredning")
    w.advance("Nämndernas synpunkter är beaktade.")
    w.as_user("karin")
    w.open_case(TITLE, "Beslut")
    page.get_by_label("Beviljat belopp (kr)").fill("3000000")
    page.get_by_label("Diarienummer").fill("KS 2026/314")
    page.get_by_label("Protokollsparagraf").fill("KS § 88")
    page.get_by_label("Projektets startdatum").fill(start.isoformat())
    page.get_by_label("Projektets slutdatum").fill(end.isoformat())
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Beslutet är registrerat" in w.success()
    w.check()
    case = Case.objects.get(title=TITLE)
    assert (case.stage, case.diarienummer, case.start_date) == (Stage.DECIDED, "KS 2026/314", start)


def name_the_people(w: Walk) -> None:
    page = w.page
    w.as_user("alice")
    w.open_case(TITLE)
    page.get_by_text("Ändra ärendets personer").click()
    page.get_by_label("Projektägare").select_option(label="Sven")
    page.get_by_label("Projektledare").select_option(label="Lina")
    steering = page.get_by_role("group", name="Projektets styrgrupp")
    for name in ("Sven", "David"):
        steering.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Spara personerna").click()
    w.success()
    w.check()
    case = Case.objects.get(title=TITLE)
    assert (case.project_owner.username, case.project_leader.username) == ("sven", "lina")


def build_the_schema(w: Walk) -> None:
    """The applicant sets goals, groups and a measure with its baselines."""
    page = w.page
    w.check()
    w.plan_schema(
        "Fler elever går i skolan",
        "Elever i årskurs 7–9 med hög frånvaro",
        "Elever i Baronbackarna",
        "Eleverna kommer till skolan",
        "Hembesök av brobyggare",
    )
    for kind, name, unit, baseline, target in (
        ("Kortsiktigt effektmått", "Andel elever med hög frånvaro", "procent", "40", "20"),
        ("Aktivitetsmått", "Hembesök", "besök", "0", "600"),
    ):
        page.get_by_role("link", name="Lägg till mått").click()
        w.check()
        page.get_by_label("Typ av mått").select_option(label=kind)
        page.get_by_label("Namn").fill(name)
        page.get_by_label("Enhet").fill(unit)
        page.get_by_label("Basvärde", exact=True).fill(baseline)
        page.get_by_label("Datum för basmätning").fill(timezone.localdate().isoformat())
        page.get_by_label("Målvärde").fill(target)
        page.get_by_label("Källa").fill("Elevhälsans statistik")
        page.get_by_label("Ansvarig").fill("Projektledaren")
        if kind != "Aktivitetsmått":
            page.get_by_label("Jämförelsegruppens basvärde").fill("38")
            page.get_by_label("Planerat antal i målgruppen").fill("60")
            page.get_by_label("Planerat antal i jämförelsegruppen").fill("60")
        page.get_by_role("button", name="Lägg till mått").click()
        w.check()


def report_and_claim(w: Walk, report: Report, claim: str) -> None:
    w.as_user("lina")
    w.page.get_by_role("link", name="Mina uppgifter").click()
    assert report.period_name in w.page.locator("main").inner_text()
    w.check()
    report_url = f"/o/orebro/uppfoljning/rapport/{report.pk}/"
    w.write_report(report_url, claim, activities="Hembesök hos 60 familjer")
    # The coordinator reviews the report and approves and pays the claim in the fund.
    w.as_user("alice")
    w.approve_report(report_url)
    w.approve_and_pay("/o/orebro/fonden/", "alice")


def test_orebro_2020_from_the_need_to_the_follow_up_evaluation(
    page: Any, login_in_browser: Any, axe: Any, orebro_cast: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    today = timezone.localdate()
    start = today.replace(day=1) + dt.timedelta(days=31)
    start = start.replace(day=1)
    end = start.replace(year=start.year + 2) - dt.timedelta(days=1)
    idea_to_grant(w, start, end)
    name_the_people(w)
    case = Case.objects.get(title=TITLE)
    reports = list(Report.objects.filter(case=case).order_by("due_date"))
    assert [r.kind for r in reports] == [ReportKind.PERIODIC] * 3 + [ReportKind.FINAL]
    measure = Measure.objects.get(schema__case=case, name="Andel elever med hög frånvaro")
    paid = 0
    for number, report in enumerate(reports, start=1):
        with time_machine.travel(report.due_date - dt.timedelta(days=3), tick=True):
            if report.kind == ReportKind.FINAL:
                measure_in_aggregate(w, measure)
            report_and_claim(w, report, "500000")
            paid += 500000
            assert fund_selectors.case_money(case).paid == paid
            report.refresh_from_db()
            assert report.status == ReportStatus.APPROVED
            case.refresh_from_db()
            assert case.stage == Stage.RUNNING if number == 1 else True
    with time_machine.travel(reports[-1].due_date + dt.timedelta(days=20), tick=True):
        evaluate_and_implement(w)
        case.refresh_from_db()
        assert case.stage == Stage.IMPLEMENTED
        follow_up = Report.objects.get(case=case, kind=ReportKind.FOLLOW_UP)
        years_after = (follow_up.period_end - case.end_date).days / 365
        assert 1 <= years_after <= 3.01, follow_up.period_end
        publish(w)
    assert w.pages_checked > 80


def measure_in_aggregate(w: Walk, measure: Measure) -> None:
    """The project leader records the share with high absence, for both groups."""
    page = w.page
    w.as_user("lina")
    page.goto(f"/o/orebro/uppfoljning/matt/{measure.pk}/")
    w.check()
    for group, value in (("treatment", "22"), ("control", "37")):
        page.get_by_label("Grupp").select_option(group)
        page.locator("#id_period_label").fill("Slutmätning")
        page.locator("#id_measured_on").fill(timezone.localdate().isoformat())
        page.locator("#id_value").fill(value)
        page.get_by_label("Antal personer värdet bygger på").fill("60")
        page.get_by_role("button", name="Spara mätvärde").click()
        w.success()
        w.check()


def evaluate_and_implement(w: Walk) -> None:
    page = w.page
    case = Case.objects.get(title=TITLE)
    case_url = f"/o/orebro/uppfoljning/arende/{case.pk}/"
    # The economist registers the effect evaluation on the aggregate values.
    w.as_user("erik")
    page.goto(case_url)
    w.check()
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    w.check()
    page.get_by_label("Slutsats").fill("Frånvaron minskade mer än i jämförelsegruppen")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    assert "Effektutvärderingen har registrerats." in w.success()
    w.check()
    # The executive board's implementation decision, entered by its recorder.
    w.as_user("karin")
    page.goto(case_url)
    page.get_by_role("link", name="Registrera implementeringsbeslut").click()
    w.check()
    page.locator("#id_outcome").select_option("whole")
    page.get_by_label("Ordinarie arbete som ersätts").fill("Elevhälsans uppsökande arbete")
    page.get_by_label("Motivering").fill("Frånvaron minskade och placeringarna blev färre")
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    assert "Implementeringsbeslutet har registrerats." in w.success()
    w.check()


def publish(w: Walk) -> None:
    """The coordinator publishes the final report; anyone sees it on the open pages."""
    page = w.page
    w.as_user("alice")
    page.goto("/o/orebro/portfolj/")
    w.check()
    page.get_by_role("link", name=f"Publicera slutrapporten för {TITLE}").click()
    w.check()
    page.get_by_label("Sammanfattning för allmänheten").fill(
        "Brobyggarna halverade den höga frånvaron."
    )
    page.get_by_role("button", name="Publicera").click()
    w.success()
    w.check()
    page.context.clear_cookies()
    page.goto("/open/orebro/")
    assert TITLE in page.locator("main").inner_text()
    w.check()
    listed = page.request.get("/open/orebro/interventions.json").json()
    assert TITLE in str(listed)
