"""Örebro's 2016 rulebook, the whole journey in the browser, ending in a termination: the
idea is entered in 2017 (so the case is pinned to the 2016 rulebook), the project starts
in 2018 (so the repayment model applies, by the start date), the effects do not appear,
the executive board terminates it, the unclaimed money goes back to the fund and the
departments repay with risk sharing. Each person logs in as themselves and does their
part; axe checks every page reached; the clock moves through the years (time-machine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from satsa.cases.models import Case, Stage
from satsa.followup.models import Measure, Report, ReportKind, ReportStatus
from satsa.funds import selectors as fund_selectors
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Europe/Stockholm")
TITLE = "Skolnärvaro i Baronbackarna"
START, END = dt.date(2018, 1, 1), dt.date(2020, 12, 31)
IDEA = {
    "need": "Var femte elev i årskurs 7–9 i Baronbackarna har hög frånvaro (elevhälsan 2016).",
    "content": "Ett team av socialsekreterare och lärare som möter elever och familjer.",
    "expected_effects": "Högre närvaro, färre placeringar och färre elever i särskild grupp.",
}
SECTIONS = {
    "background": "Frånvaron har ökat sedan 2014 enligt elevhälsans statistik.",
    "problem": "Elever med hög frånvaro placeras oftare utanför hemmet.",
    "target_group": "Elever i årskurs 7–9 i Baronbackarna med hög frånvaro.",
    "evidence": "Skolsociala team har prövats i Göteborg med goda resultat.",
    "method": "Två socialsekreterare och en lärare arbetar i skolan.",
    "goals": "Närvaron ska öka till nivån i övriga stadsdelar.",
    "costs": "3 000 000 kr över tre år, se kalkylen.",
    "expected_effects": "Färre placeringar och färre elever i särskild undervisningsgrupp.",
    "repayment_plan": "Socialnämnden och Grundskolenämnden återför enligt kalkylens besparingar.",
}


def at(day: dt.date, hour: int = 9) -> Any:
    """The clock at ``hour`` on ``day`` in Örebro, moving on (tick) as the pages are used."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=True
    )


@pytest.fixture
def _in_2017() -> Iterator[None]:
    with at(dt.date(2017, 1, 16)):
        yield


@pytest.fixture
def cast(_in_2017: None, orebro_cast: Any) -> Any:
    """Örebro's people, and the fund's deposit booked in December 2016: the clock is in
    January 2017 before the cast is made, so the money is there when the idea comes."""
    return orebro_cast


def need_and_idea(w: Walk) -> None:
    page = w.page
    w.as_user("bob")
    page.get_by_role("link", name="Ärenden", exact=True).first.click()
    w.check()
    page.get_by_role("link", name="Behovsanalyser").click()
    page.get_by_label("Rubrik").fill("Skolfrånvaro i Baronbackarna")
    page.get_by_label("Målgrupp").fill("Elever i årskurs 7–9")
    page.get_by_label("Statistik som visar behovet").fill("Var femte elev har hög frånvaro.")
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
    # The idea entered in 2017 is pinned to the rulebook in force then.
    case = Case.objects.get(title=TITLE)
    assert case.rulebook_key == "orebro-2016"
    w.open_case(TITLE)
    assert "Riktlinjer för sociala investeringar (revidering 2016)" in page.content()


def idea_test(w: Walk) -> None:
    """The preparation group ticks the idea criteria; the boards are informed: the social
    board's secretary comments herself, the coordinator registers the school board's
    comment on its behalf from the board's own document. The 2016 rulebook has no
    management-group step (kommundirektörens ledningsgrupp came with the 2020 revision)."""
    page = w.page
    w.my_tasks("petra", TITLE)
    w.open_case(TITLE, "Beredning")
    for select in page.locator('select[name^="idea-c_"]').all():
        select.select_option("yes")
    page.get_by_role("button", name="Spara bedömningen").click()
    w.check()
    w.advance()
    assert TITLE not in w.my_tasks("magnus")
    w.my_tasks("nils", "Lämna nämndens synpunkter")
    w.open_case(TITLE, "Synpunkter")
    w.comment("Socialnämnden")
    w.as_user("alice")
    w.open_case(TITLE, "Synpunkter")
    assert "Grundskolenämnden: lämnas av nämndens sekreterare Greta" in page.content()
    page.locator("select[name=board]").select_option(label="Grundskolenämnden")
    page.get_by_label("Nämndens ställningstagande").select_option("yes")
    page.get_by_label("Yttrande").fill("Grundskolenämnden ställer sig bakom idén (GSN § 41).")
    page.get_by_label("Nämndens handling").set_input_files(
        files=[{"name": "gsn-41.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Registrera yttrandet").click()
    assert "Nämndens yttrande är lämnat." in w.success()
    assert "Registrerat av Alice för Grundskolenämnden." in page.locator("main").inner_text()
    w.check()
    page.get_by_role("navigation", name="Ärendets flikar").get_by_role(
        "link", name="Aktivitet", exact=True
    ).click()
    w.check()
    entry = page.locator("ol.events li", has_text="registrerade yttrandet för Grundskolenämnden")
    assert "Alice registrerade yttrandet för Grundskolenämnden" in entry.inner_text()
    w.open_case(TITLE, "Beredning")
    if Case.objects.get(title=TITLE).stage == Stage.IDEA:
        w.advance()
    case = Case.objects.get(title=TITLE)
    assert case.idea_outcome == Case.IdeaOutcome.GO, case.step


def test_orebro_2016_from_the_need_to_the_termination_and_the_settlement(
    cast: Any, page: Any, login_in_browser: Any, axe: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    with at(dt.date(2017, 2, 6)):
        need_and_idea(w)
        idea_test(w)
    with at(dt.date(2017, 5, 8)):
        application(w)
    with at(dt.date(2017, 10, 9)):
        preparation_and_decision(w)
        people_and_repayment_plan(w)
    case = Case.objects.get(title=TITLE)
    reports = list(Report.objects.filter(case=case).order_by("due_date"))
    assert [(r.kind, r.period_end) for r in reports[:3]] == [
        (ReportKind.PERIODIC, dt.date(2018, 8, 31)),
        (ReportKind.PERIODIC, dt.date(2018, 12, 31)),
        (ReportKind.PERIODIC, dt.date(2019, 8, 31)),
    ]
    paid = Decimal(0)
    for report, claim in zip(reports[:3], ("400000", "600000", "500000"), strict=True):
        with at(report.due_date - dt.timedelta(days=3)):
            report_and_claim(w, report, claim)
            paid += Decimal(claim)
            assert fund_selectors.case_money(case).paid == paid
            report.refresh_from_db()
            assert report.status == ReportStatus.APPROVED
    case.refresh_from_db()
    assert case.stage == Stage.RUNNING

    with at(dt.date(2019, 10, 14)):
        measure_in_aggregate(w, Measure.objects.get(schema__case=case, kind="short_term"))
        evaluation_url = effect_evaluation(w, case)
        termination(w, case)
        case.refresh_from_db()
        assert case.stage == Stage.TERMINATED
        released_and_settled(w, case, evaluation_url)
        shown_as_terminated(w)
    with at(dt.date(2019, 12, 16)):
        first_repayment(w, case)
    assert w.pages_checked > 60


def application(w: Walk) -> None:
    """The applicant writes the application and builds the calculation in the editor (the
    2016 rulebook requires one: the decision rests on it) and the evaluation schema with
    its baselines, an effect measure and one economic measure per expected saving."""
    page = w.page
    w.my_tasks("bob", "Skriv och lämna in ansökan")
    w.open_case(TITLE, "Ansökan")
    for section, text in SECTIONS.items():
        page.locator(f'textarea[name="section_{section}"]').fill(text)
    page.locator('input[name="duration_years"]').fill("3")
    page.locator('input[name="requested_amount"]').fill("3 000 000")
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    page.get_by_role("link", name="Bygg kalkylen i Satsa").click()
    w.check()
    page.get_by_role("button", name="Skapa kalkyl").click()
    w.check()
    years = [int(y) for y in page.locator("input[name=grid-years]").input_value().split(",")]
    assert len(years) >= 3, years
    page.locator("#id_costs-0-type").fill("personal")
    for year in years[:3]:
        page.locator(f"#id_costs-0-y{year}").fill("1 000 000")
    effects = (
        ("Färre placeringar i familjehem", "Socialnämnden", "placeringsår", "500 000", "2"),
        (
            "Färre elever i särskild undervisningsgrupp",
            "Grundskolenämnden",
            "elevår",
            "250 000",
            "2",
        ),
    )
    for row, (name, actor, unit, unit_cost, volume) in enumerate(effects):
        if row and not page.locator(f"#id_effects-{row}-name").count():
            page.locator('button[data-add-row="effects"]').click()
            page.locator(f"#id_effects-{row}-name").wait_for()
        page.locator(f"#id_effects-{row}-name").fill(name)
        page.locator(f"#id_effects-{row}-actor").select_option(actor)
        page.locator(f"#id_effects-{row}-unit").fill(unit)
        page.locator(f"#id_effects-{row}-unit_cost").fill(unit_cost)
        for year in years[1:3]:
            page.locator(f"#id_effects-{row}-y{year}").fill(volume)
        page.locator(f"#id_effects-{row}-volume_after_end").fill(volume)
    w.save_calculation()

    w.open_case(TITLE, "Ansökan")
    page.get_by_role("link", name="Bygg utvärderingsschemat i Satsa, med basvärden").click()
    w.check()
    w.plan_schema(
        "Fler elever går i skolan",
        "Elever i årskurs 7–9 i Baronbackarna med hög frånvaro",
        "Elever i årskurs 7–9 i Vivalla",
        "Eleverna kommer till skolan",
        "Hembesök av det skolsociala teamet",
    )
    measures = (
        ("Kortsiktigt effektmått", "Andel elever med hög frånvaro", "procent", "40", "20", None),
        ("Aktivitetsmått", "Hembesök", "besök", "0", "600", None),
        ("Ekonomiskt mått", "Placeringar i familjehem", "placeringsår", "6", "4", 0),
        ("Ekonomiskt mått", "Elever i särskild undervisningsgrupp", "elevår", "8", "6", 1),
    )
    for kind, name, unit, baseline, target, line in measures:
        page.get_by_role("link", name="Lägg till mått").click()
        w.check()
        page.get_by_label("Typ av mått").select_option(label=kind)
        page.get_by_label("Namn").fill(name)
        page.get_by_label("Enhet").fill(unit)
        page.get_by_label("Basvärde", exact=True).fill(baseline)
        page.get_by_label("Datum för basmätning").fill(timezone.localdate().isoformat())
        page.get_by_label("Målvärde").fill(target)
        page.get_by_label("Källa").fill("Elevhälsans och socialtjänstens statistik")
        page.get_by_label("Ansvarig").fill("Projektledaren")
        if kind == "Kortsiktigt effektmått":
            page.get_by_label("Jämförelsegruppens basvärde").fill("38")
            page.get_by_label("Planerat antal i målgruppen").fill("60")
            page.get_by_label("Planerat antal i jämförelsegruppen").fill("60")
        if line is not None:
            page.get_by_label("Effektrad i kalkylen (för ekonomiska mått)").select_option(
                index=line + 1
            )
        page.get_by_role("button", name="Lägg till mått").click()
        w.check()
    w.open_case(TITLE, "Ansökan")
    page.get_by_role("button", name="Lämna in ansökan").click()
    assert "Ansökan är inlämnad" in w.success()
    w.check()


def preparation_and_decision(w: Walk) -> None:
    """The evaluation team checks the calculation and the schema, the preparation group
    the completeness; the boards are informed of the application; the department heads
    sign; the political steering group sets the order; the executive board decides."""
    page = w.page
    w.my_tasks("erik", TITLE)
    w.open_case(TITLE, "Beredning")
    w.advance("Den ekonomiska kalkylen är granskad av utvärderingsteamet.")
    w.my_tasks("petra", TITLE)
    w.open_case(TITLE, "Beredning")
    w.advance()
    for secretary, board in (("nils", "Socialnämnden"), ("greta", "Grundskolenämnden")):
        w.as_user(secretary)
        w.open_case(TITLE, "Synpunkter")
        w.comment(board)
    for head, department in (
        ("sven", "Socialförvaltningen"),
        ("david", "Förvaltningen förskola och skola"),
    ):
        w.my_tasks(head, TITLE)
        w.open_case(TITLE, "Underskrifter")
        page.get_by_role("button", name=f"Underteckna för {department}").click()
        w.check()
    if Case.objects.get(title=TITLE).step == "signatures":
        w.as_user("alice")
        w.open_case(TITLE, "Beredning")
        w.advance()
    assert Case.objects.get(title=TITLE).step == "steering_group"

    w.my_tasks("sara", TITLE)
    page.get_by_role("link", name="Ärenden", exact=True).first.click()
    page.get_by_role("link", name="Styrgruppens prioritering").click()
    w.check()
    page.get_by_label("Skäl för ordningen").fill("Den enda ansökan 2017; ryms i fonden.")
    page.get_by_role("button", name="Spara ordningen med skäl").click()
    w.check()
    w.open_case(TITLE, "Beredning")
    w.advance("Nämndernas synpunkter är beaktade.")

    w.my_tasks("karin", TITLE)
    w.open_case(TITLE, "Beslut")
    page.get_by_label("Beviljat belopp (kr)").fill("3000000")
    page.get_by_label("Diarienummer").fill("KS 2017/512")
    page.get_by_label("Protokollsparagraf").fill("KS § 233")
    page.get_by_label("Projektets startdatum").fill(START.isoformat())
    page.get_by_label("Projektets slutdatum").fill(END.isoformat())
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Beslutet är registrerat" in w.success()
    w.check()
    case = Case.objects.get(title=TITLE)
    assert (case.stage, case.diarienummer, case.start_date) == (Stage.DECIDED, "KS 2017/512", START)
    assert fund_selectors.case_money(case).committed == Decimal("3000000")


def swedish_amount(text: str) -> Decimal:
    """An amount as the page shows it ("168 750,50", "–" for none) as a Decimal."""
    text = text.replace("\xa0", "").replace(" ", "").replace(",", ".").replace("−", "-")
    return Decimal(0) if text in ("", "–") else Decimal(text)


def people_and_repayment_plan(w: Walk) -> None:
    """The coordinator names the project owner, the project steering group and the project
    leader; the repayment model applies by the start date; the repayment plan is drawn
    from the calculation (the 2016 rulebook asks no steering-group approval of it)."""
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
    assert {u.username for u in case.steering_members.all()} == {"sven", "david"}

    page.goto(f"/o/orebro/fonden/arenden/{case.pk}/")
    w.check()
    assert page.locator("#repayment-applicability").inner_text() == (
        "Återföringsmodellen gäller: projektet startade 2018-01-01."
    )
    page.get_by_role("button", name="Upprätta återföringsplan från kalkylen").click()
    assert "Återföringsplanen är upprättad från kalkylen." in w.success()
    w.check()
    assert "väntar på styrgruppens godkännande" not in page.content()
    assert w.amount("Återföring enligt plan") == "3 000 000"
    assert w.amount("Administrativ avgift enligt plan") == "150 000"
    schedule = page.get_by_role("table", name="Återföringsplan").inner_text()
    assert "Socialnämnden" in schedule and "Grundskolenämnden" in schedule


def report_and_claim(w: Walk, report: Report, claim: str) -> None:
    w.my_tasks("lina", f"Skriv och lämna in lägesrapport {report.period_name}")
    report_url = f"/o/orebro/uppfoljning/rapport/{report.pk}/"
    w.write_report(report_url, claim, activities="Hembesök hos 40 familjer")
    w.my_tasks("alice", f"Granska lägesrapport {report.period_name}")
    w.approve_report(report_url)
    w.approve_and_pay("/o/orebro/fonden/", "alice")


def measure_in_aggregate(w: Walk, measure: Measure) -> None:
    """The project leader records the share with high absence in both groups: no better in
    the target group than in the comparison group."""
    page = w.page
    w.as_user("lina")
    page.goto(f"/o/orebro/uppfoljning/matt/{measure.pk}/")
    w.check()
    for group, value in (("treatment", "41"), ("control", "37")):
        page.get_by_label("Grupp").select_option(group)
        page.locator("#id_period_label").fill("Delår 2 2019")
        page.locator("#id_measured_on").fill(timezone.localdate().isoformat())
        page.locator("#id_value").fill(value)
        page.get_by_label("Antal personer värdet bygger på").fill("60")
        page.get_by_role("button", name="Spara mätvärde").click()
        w.success()
        w.check()


def effect_evaluation(w: Walk, case: Case) -> str:
    """The economist's effect evaluation: the effects did not appear; the realised volumes
    are a fraction of the calculation's."""
    page = w.page
    w.as_user("erik")
    page.goto(f"/o/orebro/uppfoljning/arende/{case.pk}/")
    w.check()
    page.get_by_role("link", name="Registrera effektutvärdering").click()
    w.check()
    page.get_by_label(
        "Realiserad volym för ”Placeringar i familjehem” (undvikna placeringsår)"
    ).fill("0.3")
    page.get_by_label(
        "Realiserad volym för ”Elever i särskild undervisningsgrupp” (undvikna elevår)"
    ).fill("0.2")
    page.get_by_label("Slutsats").fill("Frånvaron minskade inte; effekterna har inte uppstått.")
    page.get_by_role("button", name="Registrera effektutvärdering").click()
    assert "Effektutvärderingen har registrerats." in w.success()
    w.check()
    shown = page.locator("main").inner_text().replace("\xa0", " ")
    assert "150 000" in shown and "50 000" in shown, shown
    return str(page.url)


def termination(w: Walk, case: Case) -> None:
    """The evaluation team proposes termination, assessing the rulebook's conditions; the
    project owner takes a position; the executive board decides."""
    page = w.page
    case_url = f"/o/orebro/uppfoljning/arende/{case.pk}/"
    w.as_user("erik")
    page.goto(case_url)
    page.get_by_role("link", name="Föreslå att satsningen avbryts").click()
    w.check()
    # The rulebook's conditions (criteria.continuation), each assessed.
    verdicts = {
        "real_need": "yes",
        "new_methods": "yes",
        "better_outcome": "no",
        "cost_reductions": "no",
        "measurable_effects": "yes",
    }
    assert "Ger ett bättre utfall för målgruppen." in page.locator("main").inner_text()
    for condition, verdict in verdicts.items():
        page.locator(f"select[name=met_{condition}]").select_option(verdict)
    page.get_by_label("Kommentar: Ger ett bättre utfall för målgruppen.").fill(
        "Frånvaron är högre än i jämförelsegruppen."
    )
    page.get_by_label("Skäl till att satsningen bör avbrytas").fill(
        "Effektutvärderingen visar att frånvaron inte minskat och att besparingarna uteblir."
    )
    page.get_by_role("button", name="Lämna förslaget").click()
    assert "Förslaget om avbrytande har registrerats." in w.success()
    w.check()

    w.my_tasks("sven", "Ta ställning till förslaget om avbrytande")
    page.goto(case_url)
    w.check()
    assessed = page.get_by_role(
        "table", name="Bedömning av förutsättningarna för att nå önskat resultat"
    )
    row = assessed.locator("tr", has=page.get_by_text("Ger ett bättre utfall för målgruppen."))
    assert "Uppfylls inte längre" in row.inner_text()
    assert "Frånvaron är högre än i jämförelsegruppen." in row.inner_text()
    page.get_by_label("Projektägarens ställningstagande").select_option("1")
    page.get_by_label("Motivering").fill("Jag tillstyrker: metoden ger inte effekt här.")
    page.get_by_role("button", name="Registrera ställningstagandet").click()
    assert "Projektägarens ställningstagande har registrerats." in w.success()
    w.check()

    w.my_tasks("karin", "Registrera kommunstyrelsens beslut om avbrytande")
    page.goto(case_url)
    w.check()
    assert "Projektägaren tillstyrker att satsningen avbryts." in page.content()
    page.locator("select[name=terminate]").select_option("1")
    page.get_by_label("Motivering").fill("Förutsättningarna för att nå önskat resultat saknas.")
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Registrera beslut").click()
    assert "Beslutet om avbrytande har registrerats." in w.success()
    assert "Förslag om avbrytande: Beslutad: avbryts." in page.locator("main").inner_text()
    w.check()


def released_and_settled(w: Walk, case: Case, evaluation_url: str) -> None:
    """What the terminated project never claimed is free again; the evaluation team hands
    the realised savings to the settlement, which applies the risk sharing: the boards
    repay what was saved but never less than 30 % of what the fund paid, plus the 5 % fee."""
    page = w.page
    w.as_user("alice")
    page.goto("/o/orebro/fonden/")
    w.check()
    # 50 000 000 deposited, 3 000 000 granted, 1 500 000 paid, 1 500 000 released.
    assert w.amount("Fritt att bevilja") == "48 500 000"
    page.goto(f"/o/orebro/fonden/arenden/{case.pk}/")
    w.check()
    assert w.amount("Utbetalt") == "1 500 000"
    assert w.amount("Frigjort") == "1 500 000"
    assert w.amount("Återstår att begära") == "0"
    vouchers = page.get_by_role("table", name="Ärendets verifikationer").inner_text()
    assert "Kommunstyrelsen beslutade att avbryta satsningen." in vouchers, vouchers

    w.as_user("erik")
    page.goto(evaluation_url)
    w.check()
    page.get_by_role("button", name="Lämna realiserade besparingar till återföringen").click()
    assert "De realiserade besparingarna har lämnats till återföringen." in w.success()
    w.check()

    w.as_user("alice")
    page.goto(f"/o/orebro/fonden/arenden/{case.pk}/")
    w.check()
    # Realised savings 200 000 < 30 % of 1 500 000: the floor, 450 000, shared 3:1 by
    # the boards' realised savings; the fee is 5 % of 1 500 000.
    assert w.amount("Återföring enligt plan") == "450 000"
    assert w.amount("Administrativ avgift enligt plan") == "75 000"
    # The boards repay the 30 % floor of what the fund paid; the fund bears the other 70 %.
    paid, repaid = (
        swedish_amount(w.amount("Utbetalt")),
        swedish_amount(w.amount("Återföring enligt plan")),
    )
    assert (repaid / paid, paid - repaid) == (Decimal("0.3"), Decimal("1050000"))
    rows = [
        [cell.replace("\xa0", " ") for cell in row.locator("th, td").all_inner_texts()]
        for row in page.get_by_role("table", name="Återföringsplan").locator("tbody tr").all()
    ]
    by_board: dict[str, list[Decimal]] = {}
    for board, _year, principal, fee, *_rest in rows:
        sums = by_board.setdefault(board, [Decimal(0), Decimal(0)])
        sums[0] += swedish_amount(principal)
        sums[1] += swedish_amount(fee)
    assert by_board == {
        "Socialnämnden": [Decimal("337500"), Decimal("56250")],
        "Grundskolenämnden": [Decimal("112500"), Decimal("18750")],
    }, rows


def shown_as_terminated(w: Walk) -> None:
    page = w.page
    w.as_user("alice")
    page.goto("/o/orebro/portfolj/")
    w.check()
    granted = page.get_by_role("table", name="Alla beviljade satsningar med dokument")
    row = granted.locator("tr", has=page.get_by_text(TITLE, exact=True))
    assert "Avbruten" in row.inner_text()
    # The final report is still to be written: it covers the project up to the decision.
    deadlines = page.get_by_role("table", name="Tidsfrister de närmaste fyra månaderna")
    assert "Slutrapport" in deadlines.locator("tr", has_text=TITLE).inner_text()
    page.context.clear_cookies()
    page.goto("/open/orebro/")
    w.check()
    assert TITLE in page.locator("main").inner_text()
    [listed] = [
        i
        for i in page.request.get("/open/orebro/interventions.json").json()["interventions"]
        if i["name"] == TITLE
    ]
    assert listed["status"] == "terminated", listed


def first_repayment(w: Walk, case: Case) -> None:
    """The social board's first year of the settled repayment comes in: the principal goes
    back to what the fund may grant, the fee to follow-up and evaluation."""
    page = w.page
    w.as_user("alice")
    page.goto(f"/o/orebro/fonden/arenden/{case.pk}/")
    w.check()
    row = (
        page.get_by_role("table", name="Återföringsplan")
        .locator("tbody tr", has=page.get_by_text("Socialnämnden", exact=True))
        .first
    )
    _board, _year, principal, fee, *_rest = row.locator("th, td").all_inner_texts()
    form = page.locator("form", has=page.get_by_role("button", name="Bokför återföring"))
    form.get_by_label("Nämnd").select_option(label="Socialnämnden")
    form.get_by_label("Återföring (kr)").fill(principal.replace("\xa0", " "))
    form.get_by_label("Administrativ avgift (kr)").fill(fee.replace("\xa0", " "))
    form.get_by_label("Referens").fill("Socialnämnden, faktura 2019-118")
    form.get_by_role("button", name="Bokför återföring").click()
    assert "Återföringen är bokförd." in w.success()
    w.check()
    assert swedish_amount(w.amount("Återfört")) == swedish_amount(principal)
    assert swedish_amount(w.amount("Avgifter mottagna")) == swedish_amount(fee)
    page.goto("/o/orebro/fonden/")
    w.check()
    free = Decimal("48500000") + swedish_amount(principal)
    assert swedish_amount(w.amount("Fritt att bevilja")) == free
