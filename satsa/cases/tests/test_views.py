from django.urls import reverse

from satsa.cases.models import Stage


def test_walk(people, walk, client_as):
    case = walk.new_idea(people)
    case = walk.to_decision(people, case)
    assert case.step == "decision"
    client = client_as(people.recorder)
    for tab in [
        "overview",
        "idea",
        "application",
        "calculation",
        "reviews",
        "comments",
        "signatures",
        "decision",
        "activity",
    ]:
        r = client.get(reverse(f"cases:{tab}", args=["orebro", case.pk]))
        assert r.status_code == 200, tab
    walk.grant(people, case)
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED
    for name in ["pipeline", "tasks", "needs", "ranking"]:
        r = client.get(reverse(f"cases:{name}", args=["orebro"]))
        assert r.status_code == 200, name
    r = client_as(people.applicant).get(reverse("cases:idea_create", args=["orebro"]))
    assert r.status_code == 200
    r = client_as(people.applicant).get(reverse("cases:version", args=["orebro", case.pk, 1]))
    assert r.status_code == 200
