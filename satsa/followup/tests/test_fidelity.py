"""Fidelity to the method: Uppsala's rulebook asks for a yearly check of each core
component of the evidence-based method; a case without one is flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from satsa.cases.models import Stage
from satsa.events.models import Event
from satsa.followup import selectors, services
from satsa.followup.models import FidelityCheck, FidelityRating
from satsa.followup.tests.conftest import make_case
from satsa.orgs.roles import Role

TODAY = timezone.localdate()


@pytest.fixture
def uppsala_case(uppsala: Any, make_person: Any) -> Any:
    leader = make_person("ulla", (uppsala, Role.PROJECT_LEADER))
    return make_case(
        uppsala,
        leader,
        title="Komet för föräldrar",
        rulebook_key="uppsala-2016",
        stage=Stage.RUNNING,
        start_date=TODAY - dt.timedelta(days=500),
        end_date=TODAY + dt.timedelta(days=200),
    )


COMPONENTS = [
    ("Tio gruppträffar", FidelityRating.FOLLOWED, ""),
    ("Utbildade gruppledare", FidelityRating.PARTLY, "En av två är utbildad."),
    ("Hemuppgifter mellan träffarna", FidelityRating.NOT_FOLLOWED, "Har inte införts."),
]


def test_a_check_is_recorded_with_its_score_and_an_event(uppsala_case: Any, charlie: Any) -> None:
    check = services.fidelity_check_record(
        case=uppsala_case,
        method="Komet",
        checked_on=TODAY,
        components=COMPONENTS,
        actor=charlie,
        note="Bättre än i fjol.",
    )
    assert check.score == pytest.approx(0.5)
    assert check.percent == 50
    assert [c["rating"] for c in check.components] == [2, 1, 0]
    event = Event.objects.get(verb="followup.fidelity_checked")
    assert event.actor == charlie and event.data["score"] == 0.5
    with pytest.raises(ValueError, match="never edited"):
        check.save()


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ([], "minst en av metodens kärnkomponenter"),
        ([("", 2, "")], "Komponent 1 saknar namn"),
        ([("Träffar", None, "")], "Ange hur komponenten ”Träffar” följs"),
        ([("Träffar", 2, ""), ("träffar", 1, "")], "Komponenten ”träffar” finns två gånger"),
    ],
)
def test_bad_checks_are_refused_with_the_reason(
    uppsala_case: Any, charlie: Any, components: list[Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.fidelity_check_record(
            case=uppsala_case,
            method="Komet",
            checked_on=TODAY,
            components=components,
            actor=charlie,
        )
    assert not FidelityCheck.objects.exists()


def test_a_date_in_the_future_and_a_missing_method_are_refused(
    uppsala_case: Any, charlie: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        services.fidelity_check_record(
            case=uppsala_case,
            method=" ",
            checked_on=TODAY + dt.timedelta(days=1),
            components=COMPONENTS,
            actor=charlie,
        )
    assert set(error.value.message_dict) == {"method", "checked_on"}


def test_uppsala_flags_a_running_case_without_a_check_in_the_last_year(
    uppsala_case: Any, charlie: Any, orebro: Any, make_person: Any
) -> None:
    codes = [s.code for s in selectors.off_plan_signals(uppsala_case)]
    assert "fidelity_due" in codes
    services.fidelity_check_record(
        case=uppsala_case,
        method="Komet",
        checked_on=TODAY - dt.timedelta(days=30),
        components=COMPONENTS,
        actor=charlie,
    )
    assert "fidelity_due" not in [s.code for s in selectors.off_plan_signals(uppsala_case)]
    # a year later it is due again
    later = TODAY + dt.timedelta(days=340)
    assert "fidelity_due" in [s.code for s in selectors.off_plan_signals(uppsala_case, later)]
    # Örebro's rulebooks ask for no such check
    orebro_case = make_case(
        orebro,
        make_person("olle", (orebro, Role.PROJECT_LEADER)),
        stage=Stage.RUNNING,
        start_date=TODAY - dt.timedelta(days=500),
    )
    assert "fidelity_due" not in [s.code for s in selectors.off_plan_signals(orebro_case)]


def test_the_page_records_a_check_and_prefills_the_next_one(
    client_as: Any, uppsala: Any, charlie: Any, uppsala_case: Any
) -> None:
    url = reverse("followup:fidelity", args=[uppsala.slug, uppsala_case.pk])
    client = client_as(charlie)
    page = client.get(url).content.decode()
    assert "Metodtroheten har inte bedömts ännu." in page
    data = {
        "method": "Komet",
        "checked_on": TODAY.isoformat(),
        "note": "",
        "components-TOTAL_FORMS": "4",
        "components-INITIAL_FORMS": "0",
    }
    for i, (name, rating, comment) in enumerate(COMPONENTS):
        data |= {
            f"components-{i}-component": name,
            f"components-{i}-rating": str(int(rating)),
            f"components-{i}-comment": comment,
        }
    data |= {"components-3-component": "", "components-3-rating": "", "components-3-comment": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    check = FidelityCheck.objects.get()
    assert [c["component"] for c in check.components] == [c[0] for c in COMPONENTS]
    page = client.get(url).content.decode()
    assert "50 % av metoden följs" in page
    assert 'value="Utbildade gruppledare"' in page  # the next check starts from these
    case_page = client.get(reverse("followup:case", args=[uppsala.slug, uppsala_case.pk]))
    assert "50 % av metoden följs." in case_page.content.decode()


def test_a_row_without_a_rating_is_shown_back_with_the_reason(
    client_as: Any, uppsala: Any, charlie: Any, uppsala_case: Any
) -> None:
    url = reverse("followup:fidelity", args=[uppsala.slug, uppsala_case.pk])
    data = {
        "method": "Komet",
        "checked_on": TODAY.isoformat(),
        "components-TOTAL_FORMS": "1",
        "components-INITIAL_FORMS": "0",
        "components-0-component": "Tio gruppträffar",
        "components-0-rating": "",
        "components-0-comment": "",
    }
    response = client_as(charlie).post(url, data)
    assert response.status_code == 200
    assert "Ange hur komponenten ”Tio gruppträffar” följs." in response.content.decode()
    assert not FidelityCheck.objects.exists()


def test_only_the_case_s_people_and_the_evaluation_team_may_record(
    client_as: Any, uppsala: Any, orebro: Any, alice: Any, uppsala_case: Any, make_person: Any
) -> None:
    url = reverse("followup:fidelity", args=[uppsala.slug, uppsala_case.pk])
    # another organisation's coordinator: not found
    assert client_as(alice).get(url).status_code == 404
    # a viewer in Uppsala may read but not record
    viewer = make_person("vilma", (uppsala, Role.VIEWER))
    assert client_as(viewer).get(url).status_code == 200
    assert client_as(viewer).post(url, {"method": "Komet"}).status_code == 403
    assert not FidelityCheck.objects.exists()
