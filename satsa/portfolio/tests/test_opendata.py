"""The open-data contract: /open/<org>/interventions.json and .csv (docs/open-data.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from satsa.events.actors import system_actor
from satsa.orgs.models import Organisation

CONTRACT_KEYS = {"name", "start_date", "end_date", "granted_amount", "departments", "status"}


def test_the_json_lists_each_granted_intervention_with_the_contract_keys(
    client: Client, portfolio: Any
) -> None:
    response = client.get("/open/orebro/interventions.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["organisation"]["slug"] == "orebro"
    items = {item["name"]: item for item in document["interventions"]}
    assert set(items) == {"Team Oxhagen", "El Sistema"}
    oxhagen = items["Team Oxhagen"]
    assert set(oxhagen) >= CONTRACT_KEYS
    assert oxhagen["start_date"] == "2015-02-01"
    assert oxhagen["end_date"] == "2018-01-31"
    assert oxhagen["granted_amount"] == "5400000.00"
    assert oxhagen["departments"] == [
        "Förvaltningen förskola och skola",
        "Socialförvaltningen",
    ]
    assert oxhagen["status"] == "running"
    assert items["El Sistema"]["status"] == "closed"


def test_the_json_never_shows_what_is_not_public(client: Client, portfolio: Any) -> None:
    body = client.get("/open/orebro/interventions.json").content.decode()
    for secret in ("Hemlig", "Internt utkast", "999999", "Uppsalas satsning", "Bob", "bob"):
        assert secret not in body


def test_the_csv_has_the_same_record(client: Client, portfolio: Any) -> None:
    response = client.get("/open/orebro/interventions.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert set(rows[0]) >= CONTRACT_KEYS
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"Team Oxhagen", "El Sistema"}
    assert by_name["Team Oxhagen"]["granted_amount"] == "5400000.00"
    assert by_name["Team Oxhagen"]["departments"] == (
        "Förvaltningen förskola och skola; Socialförvaltningen"
    )
    assert by_name["El Sistema"]["end_date"] == "2017-12-31"
    assert "Hemlig" not in response.content.decode()


def test_each_organisation_has_its_own_record(client: Client, portfolio: Any) -> None:
    names = [
        i["name"] for i in client.get("/open/uppsala/interventions.json").json()["interventions"]
    ]
    assert names == ["Uppsalas satsning"]


def test_an_unknown_organisation_is_404(client: Client, portfolio: Any) -> None:
    assert client.get("/open/nowhere/interventions.json").status_code == 404
    assert client.get("/open/nowhere/interventions.csv").status_code == 404
    assert client.get("/open/nowhere/").status_code == 404


def test_a_case_leaves_the_record_only_by_never_being_granted(
    client: Client, portfolio: Any
) -> None:
    portfolio["preparation"].stage = "decided"
    portfolio["preparation"].save()
    names = {
        i["name"] for i in client.get("/open/orebro/interventions.json").json()["interventions"]
    }
    assert "Hemlig preparation" in names


def test_the_calls_json_shows_the_rounds_ahead(client: Client, portfolio: Any) -> None:
    from satsa.rulebooks.services import rulebook_presets_install

    gavleborg = Organisation.objects.create(
        slug="gavleborg", name="Region Gävleborg", kind="region", code="0021"
    )
    rulebook_presets_install(organisation=gavleborg, actor=system_actor())
    document = client.get("/open/gavleborg/calls.json").json()
    assert document["intake"]["mode"] == "rounds"
    assert document["intake"]["calls"], document
    assert all(c["deadline"] for c in document["intake"]["calls"])


def test_a_terminated_intervention_says_when_it_was_stopped(client: Client, portfolio: Any) -> None:
    """The project ended at the executive board's decision, not at its planned end."""
    import datetime as dt

    from satsa.cases.models import Case, Stage
    from satsa.followup.models import ProposalStatus, TerminationProposal

    oxhagen = Case.objects.get(title="Team Oxhagen")
    Case.objects.filter(pk=oxhagen.pk).update(stage=Stage.TERMINATED)
    TerminationProposal.objects.create(
        organisation=oxhagen.organisation,
        case=oxhagen,
        reasons="Målgruppen gick inte att nå.",
        status=ProposalStatus.TERMINATED,
        decided_on=dt.date(2016, 10, 14),
    )
    items = {
        i["name"]: i for i in client.get("/open/orebro/interventions.json").json()["interventions"]
    }
    assert items["Team Oxhagen"]["status"] == "terminated"
    assert items["Team Oxhagen"]["ended_on"] == "2016-10-14"
    assert items["Team Oxhagen"]["end_date"] == "2018-01-31"  # the planned end, as before
    assert items["El Sistema"]["ended_on"] is None
    rows = {
        r["name"]: r
        for r in csv.DictReader(
            io.StringIO(client.get("/open/orebro/interventions.csv").content.decode("utf-8"))
        )
    }
    assert rows["Team Oxhagen"]["ended_on"] == "2016-10-14"
    page = client.get("/open/orebro/").content.decode()
    assert "2015-02-01 – 2018-01-31, avbröts 2016-10-14" in page
