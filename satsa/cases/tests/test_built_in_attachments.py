"""The calculation and the evaluation schema are built in Satsa: the rulebook's attachment
points to them instead of asking for a file, and the baseline requirement needs actual
baseline values, not any uploaded file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satsa.cases import selectors as sel
from satsa.cases import services
from satsa.cases.demo import evaluation_schema_build
from satsa.cases.models import Attachment, Case
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for


def test_an_uploaded_file_does_not_satisfy_the_baseline_requirement(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    rulebook = rulebook_for(case)
    assert rulebook.evaluation.baseline_required
    # A file can no longer be given as the evaluation schema …
    with pytest.raises(ValidationError):
        services.attachment_add(
            case=case,
            actor=people.applicant,
            kind="evaluation_schema",
            file=SimpleUploadedFile("schema.pdf", b"%PDF-1.7 anything"),
        )
    # … and one attached earlier (as the old screens allowed) does not count either.
    Attachment.objects.create(
        case=case,
        kind="evaluation_schema",
        title="Utvärderingsschema",
        file=SimpleUploadedFile("schema.pdf", b"%PDF-1.7 anything"),
    )
    assert not sel.evaluation_schema_ready(case)
    assert "evaluation_schema_attached" not in sel.guards_holding(case, rulebook)
    assert "Utvärderingsschema" in sel.missing_attachments(case, rulebook)


def test_a_schema_without_a_baseline_value_does_not_satisfy_it(people: Any, walk: Any) -> None:
    from satsa.followup import services as followup_services
    from satsa.followup.models import MeasureKind

    case = walk.new_idea(people)
    walk.through_idea(people, case)
    evaluation_schema_build(case=case, actor=people.applicant)
    rulebook = rulebook_for(case)
    assert sel.evaluation_schema_ready(case)
    assert "evaluation_schema_attached" in sel.guards_holding(case, rulebook)
    assert "Utvärderingsschema" not in sel.missing_attachments(case, rulebook)
    schema = followup_services.schema_save(
        case=case, actor=people.applicant, overall_goal="Mål", target_group="Elever"
    )
    followup_services.schema_measure_add(
        schema=schema,
        actor=people.applicant,
        kind=MeasureKind.OUTCOME,
        name="Gymnasiebehörighet",
        unit="procent",
        target_value=Decimal(80),
        source="Skolverket",
        responsible="Rektor",
    )
    assert not sel.evaluation_schema_ready(case)


@pytest.fixture
def uppsala_case(uppsala: Any, make_person: Any) -> Any:
    ulf = make_person("ulf", (uppsala, Role.APPLICANT))
    case = Case.objects.create(
        organisation=uppsala,
        title="Tidiga insatser i förskolan",
        rulebook_key="uppsala-2016",
        stage="application",
        step="application",
        idea_outcome=Case.IdeaOutcome.GO,
        created_by=ulf,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2029, 12, 31),
    )
    case.ulf = ulf
    return case


def test_uppsala_points_to_the_built_calculation_and_schema_instead_of_uploads(
    uppsala_case: Any, client_as: Any
) -> None:
    case = uppsala_case
    rulebook = rulebook_for(case)
    built = {a.id: a.built_in for a in sel.application_attachments(rulebook)}
    assert built["cost_benefit_calculation"] == "calculation"
    assert built["evaluation_plan"] == "evaluation_schema"
    uploads = {a.id for a in sel.uploaded_attachment_kinds(rulebook)}
    assert not uploads & {"cost_benefit_calculation", "evaluation_plan"}

    html = client_as(case.ulf).get(reverse("cases:application", args=["uppsala", case.pk]))
    page = html.content.decode()
    assert reverse("calculations:editor", args=["uppsala", case.pk]) in page
    assert reverse("followup:schema", args=["uppsala", case.pk]) in page
    assert 'value="cost_benefit_calculation"' not in page
    assert 'value="evaluation_plan"' not in page
    missing = sel.missing_attachments(case, rulebook)
    assert "Kostnadskalkyl och beräkning av nyttoeffekter" in missing

    from satsa.calculations.models import Calculation

    Calculation.objects.create(
        case=case, organisation=case.organisation, data={"costs": [{"name": "Personal"}]}
    )
    evaluation_schema_build(case=case, actor=case.ulf)
    missing = sel.missing_attachments(case, rulebook)
    assert "Kostnadskalkyl och beräkning av nyttoeffekter" not in missing
    assert "Plan för uppföljning och utvärdering" not in missing


def test_a_rulebook_that_requires_a_calculation_asks_for_it_in_the_application(
    orebro: Any, make_person: Any, client_as: Any
) -> None:
    """Örebro 2016 rests the decision on the calculation (approval.calculation_required)
    without listing it as an attachment: the application still links the editor and
    counts the calculation as missing until it is built, or the decision could never be
    made."""
    bob = make_person("bob", (orebro, Role.APPLICANT))
    case = Case.objects.create(
        organisation=orebro,
        title="Skolnärvaro",
        rulebook_key="orebro-2016",
        stage="application",
        step="application",
        idea_outcome=Case.IdeaOutcome.GO,
        created_by=bob,
    )
    rulebook = rulebook_for(case)
    assert rulebook.approval.calculation_required
    built = {a.id: a.built_in for a in sel.application_attachments(rulebook)}
    assert "calculation" in built.values()
    assert "Ekonomisk kalkyl" in sel.missing_attachments(case, rulebook)
    page = client_as(bob).get(reverse("cases:application", args=["orebro", case.pk]))
    assert reverse("calculations:editor", args=["orebro", case.pk]) in page.content.decode()

    from satsa.calculations.models import Calculation

    Calculation.objects.create(
        case=case, organisation=case.organisation, data={"costs": [{"name": "Personal"}]}
    )
    assert "Ekonomisk kalkyl" not in sel.missing_attachments(case, rulebook)


def test_a_rulebook_without_the_requirement_gets_no_calculation_attachment(orebro: Any) -> None:
    from satsa.rules import get_preset

    rulebook = get_preset("orebro-2020")
    assert not rulebook.approval.calculation_required
    assert "calculation" not in {a.built_in for a in sel.application_attachments(rulebook)}
