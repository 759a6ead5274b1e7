"""The pipeline in a real browser: an Uppsala idea answered within its month and ranked by
the steering group (Örebro's whole journey is in satsa/journeys). axe checks every page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satsa.cases import services
from satsa.cases.models import Case
from satsa.cases.tests.conftest import fund_deposit
from satsa.orgs.models import Department, Membership
from satsa.orgs.roles import Role
from satsa.testing.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    # The calculation and the follow-up plan are built in Satsa; the repayment plan is a file.
    from satsa.calculations import services as calculation_services
    from satsa.cases.demo import evaluation_schema_build

    evaluation_schema_build(case=case, actor=ulf)
    calculation = calculation_services.calculation_create(case=case, actor=ulf)
    data = dict(calculation.data)
    data["costs"] = [
        {"year": data["start_year"], "amount": 1500000, "financier": "fund", "type": "personal"}
    ]
    calculation_services.calculation_update(calculation=calculation, data=data, actor=ulf)
    services.attachment_add(
        case=case,
        actor=ulf,
        kind="repayment_plan",
        file=SimpleUploadedFile("repayment_plan.pdf", b"%PDF"),
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
