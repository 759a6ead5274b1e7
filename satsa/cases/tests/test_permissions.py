"""Who sees which case: role × stage × own or foreign case, through the real views."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from satsa.cases.access import visible_cases
from satsa.cases.models import Case

STAGES = ["draft", "idea_test", "application"]
# person -> stages at which they see the case (bob's own case)
SEES = {
    "applicant": {"draft", "idea_test", "application"},
    "other_applicant": set(),
    "coordinator": {"idea_test", "application"},
    "preparation": {"idea_test", "application"},
    "viewer": {"idea_test", "application"},
    "social_secretary": {"idea_test", "application"},
    "charlie": set(),
}


def _case_at(people: Any, walk: Any, stage: str) -> Case:
    case = walk.new_idea(people, submit=stage != "draft")
    if stage == "application":
        walk.through_idea(people, case)
    return case


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("who", sorted(SEES))
def test_the_permission_matrix(
    people: Any, walk: Any, client_as: Any, charlie: Any, who: str, stage: str
) -> None:
    case = _case_at(people, walk, stage)
    user = charlie if who == "charlie" else getattr(people, who)
    url = reverse("cases:overview", args=["orebro", case.pk])
    status = client_as(user).get(url).status_code
    assert status == (200 if stage in SEES[who] else 404)
    pipeline = client_as(user).get(reverse("cases:pipeline", args=["orebro"]))
    if who != "charlie":
        assert (case.title in pipeline.content.decode()) == (stage in SEES[who])


def test_a_board_secretary_sees_only_cases_concerning_their_board(people: Any, walk: Any) -> None:
    case = walk.new_idea(people)
    assert case in visible_cases(people.social_secretary, people.org)
    case.boards.remove(people.boards[0])
    assert case not in visible_cases(people.social_secretary, people.org)


def test_a_co_applicant_sees_and_edits_the_draft(people: Any, walk: Any, client_as: Any) -> None:
    from satsa.cases import services

    case = walk.new_idea(people, submit=False)
    url = reverse("cases:idea", args=["orebro", case.pk])
    assert client_as(people.other_applicant).get(url).status_code == 404
    services.co_applicant_add(case=case, user=people.other_applicant, actor=people.applicant)
    page = client_as(people.other_applicant).get(url)
    assert page.status_code == 200 and 'name="submit"' in page.content.decode()


def test_only_applicants_may_change_the_idea(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.new_idea(people, submit=False)
    case.co_applicants.clear()
    url = reverse("cases:idea", args=["orebro", case.pk])
    # The coordinator cannot even see the draft.
    assert client_as(people.coordinator).post(url, {"title": "Kapad"}).status_code == 404
    assert Case.objects.get(pk=case.pk).title == "Brobyggare"


def test_a_viewer_cannot_record_a_decision(people: Any, walk: Any, client_as: Any) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    response = client_as(people.viewer).post(
        reverse("decisions:decision", args=["orebro", case.pk]),
        {"outcome": "granted", "amount": "1", "decided_on": "2026-01-01"},
        follow=True,
    )
    assert "behörighet" in response.content.decode()
    assert Case.objects.get(pk=case.pk).outcome == ""


def test_the_coordinator_names_the_cases_people_who_then_see_and_claim(
    people: Any, walk: Any, client_as: Any, make_person: Any
) -> None:
    from django.urls import reverse

    from satsa.cases.access import Action, may, visible_cases
    from satsa.orgs.roles import Role

    case = walk.new_idea(people)
    lina = make_person("lina_pl", (people.org, Role.PROJECT_LEADER))
    owner = make_person("olle_owner", (people.org, Role.DEPARTMENT_HEAD))
    assert case not in visible_cases(lina, people.org)
    url = reverse("cases:people", args=["orebro", case.pk])
    # Someone who may not manage the case's people is refused by the service.
    assert client_as(people.applicant).post(url, {"project_leader": lina.pk}).status_code == 403
    response = client_as(people.coordinator).post(
        url, {"project_leader": lina.pk, "project_owner": owner.pk, "steering_members": [owner.pk]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.project_leader, case.project_owner) == (lina, owner)
    assert case in visible_cases(lina, people.org)
    assert may(lina, case, Action.REPORT)
    page = client_as(people.coordinator).get(reverse("cases:overview", args=["orebro", case.pk]))
    assert "Lina_Pl" in page.content.decode()
