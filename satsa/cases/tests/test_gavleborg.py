"""Region Gävleborg's chain starts with the application: the applicant writes and submits
it at the first step, which then waits for the preparation group (no deadlock)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.cases import selectors as sel
from satsa.cases import services
from satsa.orgs.models import Area, Board, Organisation
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for


@pytest.fixture
def gavleborg(db: Any) -> Organisation:
    org = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="21"
    )
    Board.objects.create(organisation=org, name="Hälso- och sjukvårdsnämnden", area=Area.HEALTH)
    Board.objects.create(organisation=org, name="Regionala utvecklingsnämnden", area=Area.LABOUR)
    return org


def test_the_first_step_opens_the_application_and_submitting_it_moves_on(
    gavleborg: Organisation, make_person: Any, client_as: Any
) -> None:
    applicant = make_person("gustav", (gavleborg, Role.APPLICANT))
    case = services.idea_create(
        organisation=gavleborg,
        title="Unga vuxna i arbete",
        actor=applicant,
        idea={},
        boards=list(Board.objects.filter(organisation=gavleborg)),
        rulebook_key="gavleborg-2018",
    )
    services.idea_submit(case=case, actor=applicant)
    case.refresh_from_db()
    rulebook = rulebook_for(case)
    assert case.step == rulebook.decision_chain[0].id == "submission"
    assert sel.application_open(case, rulebook)
    page = client_as(applicant).get(reverse("cases:application", args=["gavleborg", case.pk]))
    html = page.content.decode()
    assert "Ansökan kan skrivas när idén" not in html
    assert "<textarea" in html
    sections = {s.id: f"Text om {s.title_sv}." for s in rulebook.application.sections}
    services.application_save(case=case, actor=applicant, sections=sections, figures={})
    assert sel.draft_of(case) is not None
    services.application_submit(case=case, actor=applicant)
    case.refresh_from_db()
    assert sel.latest_submitted(case) is not None
    # The applicant's step is moved on by the coordinator who runs the round.
    coordinator = make_person("greta", (gavleborg, Role.COORDINATOR))
    if case.step == "submission":
        services.case_advance(case=case, actor=coordinator, expected_step="submission")
    case.refresh_from_db()
    assert case.step == "assessment"


def test_the_application_belongs_to_the_round_of_its_submission_day(
    gavleborg: Organisation, make_person: Any
) -> None:
    import datetime as dt

    import time_machine

    applicant = make_person("gustav", (gavleborg, Role.APPLICANT))
    with time_machine.travel(dt.date(2027, 11, 20)):
        case = services.idea_create(
            organisation=gavleborg,
            title="Unga vuxna i arbete",
            actor=applicant,
            idea={},
            boards=list(Board.objects.filter(organisation=gavleborg)),
            rulebook_key="gavleborg-2018",
        )
        [finding] = [f for f in sel.eligibility_for(case).findings if f.rule == "intake_round"]
        assert finding.status == "holds"
        assert "2027-11-30" in finding.message_sv
    with time_machine.travel(dt.date(2027, 12, 3)):
        [finding] = [f for f in sel.eligibility_for(case).findings if f.rule == "intake_round"]
        assert finding.status == "holds"
        assert "2028-11-30" in finding.message_sv
