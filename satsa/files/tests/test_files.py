"""Large exports made in the background: ordered from the page, built by the tasks worker,
kept in storage and handed out only to the person who ordered them, while they may still
see what the file holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from satsa.core.tabular import read_xlsx_rows
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.files import services
from satsa.files.models import BackgroundFile
from satsa.funds.services import deposit_create
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import Role

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fund(orebro: Organisation) -> Organisation:
    for n, amount in enumerate(("1000000", "2500000", "300000")):
        deposit_create(
            organisation=orebro,
            amount=Decimal(amount),
            booked_on=dt.date(2025, 3, 1 + n),
            reference=f"KF § {n + 1}",
            actor=system_actor(),
        )
    return orebro


@pytest.fixture
def anna(fund: Organisation, make_person: Any) -> Any:
    return make_person("anna", (fund, Role.COORDINATOR))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_journal_is_ordered_on_its_page_made_by_the_worker_and_downloaded(
    client: Any, anna: Any, fund: Organisation, signals_kept: None
) -> None:
    client.force_login(anna)
    journal = client.get(reverse("funds:journal", args=["orebro"]))
    assert "Skapa Excel-filen i bakgrunden" in journal.content.decode()

    ordered = client.post(
        reverse("files:new", args=["orebro"]),
        {"kind": "journal_xlsx", "ar": "2025", "ignored": "x"},
        follow=True,
    )
    page = ordered.content.decode()
    assert "Filen skapas i bakgrunden" in page
    assert "I kö" in page and 'hx-trigger="every 2s"' in page
    made = BackgroundFile.objects.get()
    assert (made.status, made.params) == (BackgroundFile.Status.QUEUED, {"ar": "2025"})

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.DONE
    assert made.filename == "fonden-orebro-2025.xlsx"
    listed = client.get(reverse("files:list", args=["orebro"])).content.decode()
    assert "fonden-orebro-2025.xlsx" in listed and "every 2s" not in listed

    download = client.get(reverse("files:download", args=["orebro", made.pk]))
    assert download.status_code == 200
    assert 'filename="fonden-orebro-2025.xlsx"' in download["Content-Disposition"]
    direct = client.get(reverse("funds:journal_xlsx", args=["orebro"]) + "?ar=2025")
    background = read_xlsx_rows(b"".join(download.streaming_content))
    assert background == read_xlsx_rows(direct.content)
    assert len(background) > 3
    verbs = list(Event.objects.filter(verb__startswith="files.").values_list("verb", flat=True))
    assert sorted(verbs) == ["files.made", "files.requested"]


def test_the_portfolio_is_ordered_with_the_lists_filters(
    client: Any, anna: Any, fund: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    board = fund.boards.get(name="Socialnämnden")
    client.force_login(anna)
    page = client.get(reverse("portfolio:dashboard", args=["orebro"]) + f"?board={board.pk}")
    assert f'name="board" value="{board.pk}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("files:new", args=["orebro"]),
            {"kind": "portfolio_xlsx", "board": str(board.pk)},
        )
    made = BackgroundFile.objects.get()
    assert made.status == BackgroundFile.Status.DONE, made.error
    assert made.params == {"board": str(board.pk)}
    assert made.filename.startswith("portfolj-orebro-")


def test_a_person_without_the_funds_permission_cannot_order_its_journal(
    client: Any, fund: Organisation, make_person: Any
) -> None:
    lena = make_person("lena", (fund, Role.PROJECT_LEADER))
    client.force_login(lena)
    response = client.post(reverse("files:new", args=["orebro"]), {"kind": "journal_sie"})
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        services.file_request(organisation=fund, kind="journal_sie", params={}, actor=lena)
    assert not BackgroundFile.objects.exists()


def test_another_organisation_and_another_person_see_nothing(
    client: Any,
    anna: Any,
    fund: Organisation,
    uppsala: Organisation,
    make_person: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        made = services.file_request(organisation=fund, kind="journal_csv", params={}, actor=anna)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.DONE
    url = reverse("files:download", args=["orebro", made.pk])
    # Another coordinator of the same organisation: not their file.
    client.force_login(make_person("bodil", (fund, Role.COORDINATOR)))
    assert client.get(url).status_code == 404
    assert (
        "fonden-orebro" not in client.get(reverse("files:list", args=["orebro"])).content.decode()
    )
    # A coordinator of another organisation: the organisation is not theirs.
    client.force_login(make_person("ulla", (uppsala, Role.COORDINATOR)))
    assert client.get(url).status_code == 404
    assert client.get(reverse("files:download", args=["uppsala", made.pk])).status_code == 404
    # The person who ordered it, whose role has ended: no longer.
    client.force_login(anna)
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=anna).delete()
    assert client.get(url).status_code == 404


def test_a_file_is_not_made_for_a_person_whose_role_ended_while_it_waited(
    anna: Any, fund: Organisation
) -> None:
    made = services.file_request(organisation=fund, kind="journal_xlsx", params={}, actor=anna)
    Membership.objects.filter(user=anna).delete()
    services.file_make(made.pk)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.FAILED
    assert made.error == "Du har inte längre behörighet till den här filen."
    assert not made.file


def test_bad_orders_get_a_clear_message_and_queue_nothing(
    client: Any, anna: Any, fund: Organisation
) -> None:
    client.force_login(anna)
    response = client.post(
        reverse("files:new", args=["orebro"]), {"kind": "everything"}, follow=True
    )
    assert "Den filen finns inte att beställa." in response.content.decode()
    assert not BackgroundFile.objects.exists()
    for _ in range(services.MAX_WAITING):
        services.file_request(organisation=fund, kind="journal_csv", params={}, actor=anna)
    response = client.post(
        reverse("files:new", args=["orebro"]), {"kind": "journal_csv"}, follow=True
    )
    assert "Vänta tills någon av dem är klar." in response.content.decode()
    assert BackgroundFile.objects.count() == services.MAX_WAITING


def test_a_build_that_fails_says_so_in_swedish_and_keeps_no_file(
    anna: Any, fund: Organisation
) -> None:
    made = services.file_request(
        organisation=fund, kind="journal_sie", params={"ar": "1700"}, actor=anna
    )
    services.file_make(made.pk)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.FAILED
    assert made.error.startswith("Filen kunde inte skapas.")
    # Made once: a second worker finds it finished and leaves it.
    assert services.file_make(made.pk).status == BackgroundFile.Status.FAILED
