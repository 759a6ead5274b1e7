"""The pipeline in a real browser: an Örebro 2020 case from needs analysis to a granted
decision by ten people in their roles, and an Uppsala idea answered within its month and
ranked by the steering group. axe checks every page reached."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satsa.cases import services
from satsa.cases.models import Case, Stage
from satsa.cases.tests.conftest import FIGURES_2020, IDEA_2020, SECTIONS_2020, fund_deposit
from satsa.orgs.models import Department, Membership
from satsa.orgs.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Walk:
    def __init__(self, page: Any, login: Any, axe: Any) -> None:
        self.page, self.login, self.axe = page, login, axe
        self.pages_checked = 0

    def check(self) -> None:
        assert self.axe(self.page) == [], self.page.url
        self.pages_checked += 1

    def as_user(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.login(username)

    def open_case(self, title: str, tab: str | None = None) -> None:
        self.page.get_by_role("link", name="Ärenden", exact=True).first.click()
        self.page.get_by_role("link", name=title).first.click()
        if tab:
            tabs = self.page.get_by_role("navigation", name="Ärendets flikar")
            tabs.get_by_role("link", name=tab, exact=True).click()
        self.check()

    def advance(self, *confirm: str) -> None:
        for label in confirm:
            self.page.get_by_label(label).check()
        self.page.get_by_role("button", name="Tillstyrk och skicka vidare").click()
        assert self.page.locator(".message.success").count() == 1, self.page.content()
        self.check()

    def comment(self, board: str) -> None:
        self.page.locator("select[name=board]").select_option(label=board)
        self.page.get_by_label("Nämndens ställningstagande").select_option("yes")
        self.page.get_by_label("Yttrande").fill(f"{board} ställer sig bakom.")
        self.page.get_by_role("button", name="Lämna yttrande").click()
        assert self.page.locator(".message.success").count() == 1
        self.check()


def test_an_orebro_case_goes_from_needs_analysis_to_a_granted_decision(
    page: Any, login_in_browser: Any, axe: Any, people: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    title = "Brobyggare i Vivalla"

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
    page.get_by_label("Satsningens namn").fill(title)
    page.get_by_label("Nämnder som berörs i resultat eller kostnader").select_option(
        label=["Socialnämnden", "Grundskolenämnden"]
    )
    page.get_by_label("Förvaltningar som medverkar").select_option(
        label=["Socialförvaltningen", "Förvaltningen förskola och skola"]
    )
    for section, text in IDEA_2020.items():
        page.locator(f'textarea[name="idea_{section}"]').fill(text)
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    page.get_by_role("button", name="Lämna in idén").click()
    assert "Idén är inlämnad" in page.content()
    w.check()

    # The preparation group ticks the idea criteria and sends the idea on.
    w.as_user("petra")
    page.get_by_role("link", name="Mina uppgifter").click()
    assert title in page.locator("table").inner_text()
    w.check()
    w.open_case(title, "Beredning")
    for select in page.locator('select[name^="idea-c_"]').all():
        select.select_option("yes")
    page.get_by_role("button", name="Spara bedömningen").click()
    w.check()
    w.advance()

    w.as_user("magnus")
    w.open_case(title, "Beredning")
    w.advance()

    for secretary, board in (("nils", "Socialnämnden"), ("greta", "Grundskolenämnden")):
        w.as_user(secretary)
        w.open_case(title, "Synpunkter")
        w.comment(board)

    w.as_user("alice")
    w.open_case(title, "Beredning")
    w.advance()
    assert Case.objects.get(title=title).idea_outcome == Case.IdeaOutcome.GO

    # The applicant writes the application; the rules engine answers while typing.
    w.as_user("bob")
    w.open_case(title, "Ansökan")
    for section, text in SECTIONS_2020.items():
        page.locator(f'textarea[name="section_{section}"]').fill(text)
    page.get_by_label("Tid för genomförande (år)").fill("6")
    page.locator("#findings", has_text="Satsningen pågår 6 år").wait_for()
    for key, value in FIGURES_2020.items():
        page.locator(f'input[name="{key}"]').fill(value)
    page.locator("#findings", has_text="Satsningen pågår 3 år").wait_for()
    page.get_by_role("button", name="Spara utkast").click()
    w.check()
    page.get_by_label("Bilaga").select_option("evaluation_schema")
    page.get_by_label("Fil").set_input_files(
        files=[{"name": "schema.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Bifoga").click()
    w.check()
    page.get_by_role("button", name="Lämna in ansökan").click()
    assert "Ansökan är inlämnad" in page.content()
    w.check()

    w.as_user("erik")
    w.open_case(title, "Beredning")
    w.advance("Den ekonomiska kalkylen är granskad av utvärderingsteamet.")
    w.as_user("petra")
    w.open_case(title, "Beredning")
    w.advance()
    w.as_user("magnus")
    w.open_case(title, "Beredning")
    w.advance()
    for secretary, board in (("nils", "Socialnämnden"), ("greta", "Grundskolenämnden")):
        w.as_user(secretary)
        w.open_case(title, "Synpunkter")
        w.comment(board)
    w.as_user("alice")
    w.open_case(title, "Beredning")
    w.advance()

    for head, department in (
        ("sven", "Socialförvaltningen"),
        ("david", "Förvaltningen förskola och skola"),
    ):
        w.as_user(head)
        w.open_case(title, "Underskrifter")
        page.get_by_role("button", name=f"Underteckna för {department}").click()
        w.check()
    w.as_user("alice")
    w.open_case(title, "Beredning")
    w.advance()

    # The steering group ranks the pending applications and approves.
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
    w.open_case(title, "Beredning")
    w.advance("Nämndernas synpunkter är beaktade.")

    # The decision recorder enters the executive board's decision.
    w.as_user("karin")
    w.open_case(title, "Beslut")
    page.get_by_label("Beviljat belopp (kr)").fill("3000000")
    page.get_by_label("Diarienummer").fill("KS 2026/314")
    page.get_by_label("Protokollsparagraf").fill("KS § 88")
    page.get_by_label("Projektets startdatum").fill("2027-01-01")
    page.get_by_label("Projektets slutdatum").fill("2029-12-31")
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Beslutet är registrerat" in page.content()
    w.check()
    case = Case.objects.get(title=title)
    assert (case.stage, case.diarienummer) == (Stage.DECIDED, "KS 2026/314")
    w.open_case(title, "Aktivitet")
    assert "registrerade kommunstyrelsens beslut" in page.content()
    assert w.pages_checked > 30


def test_an_uppsala_idea_is_answered_within_a_month_and_ranked(
    page: Any, login_in_browser: Any, axe: Any, uppsala: Any, charlie: Any, make_person: Any
) -> None:
    w = Walk(page, login_in_browser, axe)
    department = Department.objects.create(organisation=uppsala, name="Socialförvaltningen")
    department.boards.set(uppsala.boards.all())
    make_person("ulf", (uppsala, Role.APPLICANT))
    head = make_person("hanna")
    Membership.objects.create(
        user=head, organisation=uppsala, role=Role.DEPARTMENT_HEAD, department=department
    )
    make_person("ola", (uppsala, Role.ECONOMIST))
    make_person("stina", (uppsala, Role.STEERING_GROUP))
    fund_deposit(uppsala, charlie, Decimal("10000000"))
    title = "Unga vuxna i arbete"

    w.as_user("ulf")
    page.goto("/o/uppsala/arenden/ny-ide/")
    w.check()
    page.get_by_label("Satsningens namn").fill(title)
    page.get_by_label("Nämnder som berörs i resultat eller kostnader").select_option(
        label="Socialnämnden"
    )
    page.get_by_label("Förvaltningar som medverkar").select_option(label="Socialförvaltningen")
    page.locator('textarea[name="idea_problem"]').fill("Unga vuxna fastnar i försörjningsstöd.")
    page.locator('textarea[name="idea_target_group"]').fill("18–24 år utan arbete eller studier.")
    page.locator('textarea[name="idea_affected_services"]').fill("Socialnämnden.")
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_role("button", name="Lämna in idén").click()
    w.check()

    # The coordinator sees the one-month due date and answers the idea.
    w.as_user("charlie")
    w.open_case(title)
    due = Case.objects.get(title=title).step_due_on
    assert due == timezone.localdate() + timezone.timedelta(days=30)
    assert due.isoformat() in page.locator(".case-facts").inner_text()
    page.get_by_role("navigation", name="Ärendets flikar").get_by_role(
        "link", name="Beredning"
    ).click()
    w.advance()
    assert Case.objects.get(title=title).step == "application"

    # Application, signature, first meeting and valuation (services; screens shown above).
    case = Case.objects.get(title=title)
    ulf = case.created_by
    services.application_save(
        case=case,
        actor=ulf,
        sections={
            s: "Text."
            for s in (
                "problem",
                "evidence",
                "expected_effects",
                "period",
                "implementation",
                "maintenance",
            )
        },
        figures={"duration_years": "3", "requested_amount": "1500000"},
    )
    for kind in ("cost_benefit_calculation", "evaluation_plan", "repayment_plan"):
        services.attachment_add(
            case=case, actor=ulf, kind=kind, file=SimpleUploadedFile(f"{kind}.pdf", b"%PDF")
        )
    services.application_submit(case=case, actor=ulf)
    services.signature_add(case=case, actor=head, department=department)
    services.case_advance(case=case, actor=charlie)

    w.open_case(title, "Beredning")
    for select in page.locator('select[name^="basic-c_"]').all():
        select.select_option("yes")
    page.locator('form:has(input[value="basic"]) button').click()
    w.check()
    w.advance("Ett första möte om ansökans reella förutsättningar har hållits.")
    w.as_user("ola")
    w.open_case(title, "Beredning")
    w.advance("Den ekonomiska kalkylen är granskad av utvärderingsteamet.")

    # The steering group scores the selection criteria and ranks.
    w.as_user("stina")
    w.open_case(title, "Beredning")
    for select in page.locator('select[name^="selection-c_"]').all():
        select.select_option("4")
    page.locator('form:has(input[value="selection"]) button').click()
    w.check()
    page.goto("/o/uppsala/arenden/prioritering/")
    page.get_by_role("button", name="Prioritera efter urvalskriterierna").click()
    w.check()
    row = page.locator("tbody tr", has_text=title)
    assert row.locator("td").nth(2).inner_text() == "4,00"
    case.refresh_from_db()
    assert (case.priority_rank, case.priority_fits) == (1, True)
    w.open_case(title, "Beredning")
    w.advance()
    assert Case.objects.get(title=title).step == "decision"


def test_autosave_works_under_the_content_security_policy(
    chromium: Any, live_server: Any, people: Any, walk: Any
) -> None:
    """Without bypassing the policy (as the other browser tests do for axe-core): htmx
    autosaves, hands the form its new version, and the browser reports no violation."""
    from satsa.conftest import PASSWORD

    case = walk.new_idea(people)
    walk.through_idea(people, case)
    context = chromium.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("bob")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"/o/orebro/arenden/{case.pk}/ansokan/")
    loaded = page.locator("#application-version").get_attribute("value")
    page.get_by_label("Tid för genomförande (år)").fill("6")
    page.locator("#findings", has_text="Satsningen pågår 6 år").wait_for()
    page.wait_for_function(
        "v => document.querySelector('#application-version').value !== v", arg=loaded
    )
    for address in (f"/o/orebro/kalkyler/arende/{case.pk}/", "/o/orebro/fonden/"):
        page.goto(address)
    context.close()
    assert refused == []
