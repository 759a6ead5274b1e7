"""The public pages and open data answer conditional GETs, and a change shows at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from satsa.cases import lifecycle
from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor


def decide(org: Any, title: str) -> Case:
    case = Case.objects.create(
        organisation=org,
        title=title,
        rulebook_key="orebro-2016",
        stage=Stage.PREPARATION,
        granted_amount=Decimal("1000000"),
    )
    return lifecycle.stage_change(
        case=case,
        to=Stage.DECIDED,
        actor=system_actor(),
        reason="Beviljad",
        fields={"decided_on": dt.date(2025, 1, 1)},
    )


def json_url() -> str:
    return reverse("public_portfolio:interventions_json", kwargs={"org_slug": "orebro"})


def test_open_data_sends_an_etag_and_answers_a_repeat_with_304(orebro: Any) -> None:
    decide(orebro, "Familjestöd i Oxhagen")
    client = Client()
    first = client.get(json_url())
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(json_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(json_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_public_change_makes_a_new_etag_and_new_content(orebro: Any) -> None:
    decide(orebro, "Familjestöd i Oxhagen")
    client = Client()
    first = client.get(json_url())
    decide(orebro, "Läxhjälp med föreningslivet")
    after = client.get(json_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    names = [i["name"] for i in after.json()["interventions"]]
    assert "Läxhjälp med föreningslivet" in names


def test_the_file_is_built_once_until_something_changes(orebro: Any) -> None:
    decide(orebro, "Familjestöd i Oxhagen")
    Client().get(json_url())
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(json_url())
    assert response.status_code == 200
    assert "Familjestöd i Oxhagen" in response.content.decode()
    # The organisation and its newest change: nothing of the document is read again.
    assert len(queries) == 2


def test_another_organisations_change_keeps_the_etag(orebro: Any, uppsala: Any) -> None:
    client = Client()
    first = client.get(json_url())
    decide(uppsala, "Tidiga insatser")
    assert client.get(json_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_public_page_answers_its_own_reader_with_304(orebro: Any) -> None:
    decide(orebro, "Familjestöd i Oxhagen")
    client = Client()
    address = reverse("public_portfolio:index", kwargs={"org_slug": "orebro"})
    # The first visit gives the reader the CSRF cookie the page's forms carry.
    client.get(address)
    first = client.get(address)
    assert first.status_code == 200 and first["ETag"]
    assert client.get(address, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    decide(orebro, "Läxhjälp med föreningslivet")
    changed = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Läxhjälp med föreningslivet" in changed.content.decode()


def test_another_reader_of_the_page_gets_it_whole(orebro: Any) -> None:
    address = reverse("public_portfolio:index", kwargs={"org_slug": "orebro"})
    reader = Client()
    reader.get(address)
    etag = reader.get(address)["ETag"]
    # Another reader's session and CSRF token are not in the first reader's copy.
    assert Client().get(address, HTTP_IF_NONE_MATCH=etag).status_code == 200
