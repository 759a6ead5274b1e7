"""Individual-level data imported in the background: the upload is kept in storage, the
tasks worker imports it through the follow-up services as the person who uploaded it, the
page shows the result or the faulty rows, and the upload is deleted afterwards."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from satsa.events.models import Event
from satsa.files import services as file_services
from satsa.files.models import BackgroundFile
from satsa.followup import services
from satsa.followup.files import INSTRUMENT_RESULTS, MEASURE_VALUES
from satsa.followup.models import ImportBatch, InstrumentResult, Measure, PersonValue
from satsa.followup.tests.conftest import csv_bytes, personnummer
from satsa.orgs.models import Membership
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import Role

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GOOD = csv_bytes(
    [
        (personnummer(i), "treatment" if i < 6 else "control", occasion, 50 + i)
        for i in range(12)
        for occasion in ("baseline", "follow_up")
    ]
)
BAD = (
    b"person,group,period,value\n"
    + f"{personnummer(1)},treatment,baseline,3\n".encode()
    + f"{personnummer(2)},kontroll,baseline,4\n".encode()
    + f"{personnummer(3)},treatment,sometime,4\n".encode()
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def kasam(schema: Any) -> Measure:
    return schema.measures.get(name="KASAM hos föräldrar")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(client: Any, measure: Measure, content: bytes, name: str = "utfall.csv") -> Any:
    return client.post(
        reverse("followup:measure_import", args=["orebro", measure.pk]),
        {"file": ContentFile(content, name=name)},
        follow=True,
    )


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_upload_waits_for_the_worker_which_imports_it_and_deletes_it(
    client: Any, schema: Any, lina: Any, _media: Path, signals_kept: None
) -> None:
    measure = kasam(schema)
    client.force_login(lina)
    page = upload(client, measure, GOOD).content.decode()
    assert "Filen har tagits emot och importeras i bakgrunden." in page
    assert "I kö" in page and 'hx-trigger="every 1s"' in page
    made = BackgroundFile.objects.get()
    assert (made.is_import, made.kind, made.params) == (
        True,
        MEASURE_VALUES,
        {"measure": str(measure.pk)},
    )
    assert made.subject == "KASAM hos föräldrar – Familjestöd i Oxhagen"
    # Kept in storage under a made-up name until the worker has imported it.
    (kept,) = stored_files(_media)
    assert kept.read_bytes() == GOOD and "utfall" not in kept.name
    assert not PersonValue.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.DONE, made.error
    assert made.result == {"rows": 24} and not made.file
    assert made.started_at is not None and made.finished_at is not None
    assert stored_files(_media) == []
    assert PersonValue.objects.filter(measure=measure).count() == 24

    status = client.get(
        reverse("files:imports", args=["orebro", MEASURE_VALUES]) + f"?measure={measure.pk}"
    ).content.decode()
    assert "24 rader har importerats och pseudonymiserats." in status
    assert "Importerad" in status and "every 1s" not in status
    # The service wrote its event as the person; the worker's bookkeeping as the system.
    imported = Event.objects.get(verb="followup.measurements_imported")
    assert imported.actor == lina and imported.data["rows"] == 24
    verbs = sorted(Event.objects.filter(verb__startswith="files.").values_list("verb", flat=True))
    assert verbs == ["files.import_requested", "files.imported"]
    # Nothing about the file's people is kept with the record.
    record = str(
        BackgroundFile.objects.values(
            "params", "subject", "filename", "error", "problems", "result"
        ).get()
    )
    assert not any(personnummer(i) in record for i in range(12))


@pytest.mark.django_db(transaction=True)
def test_a_small_import_shows_its_result_at_once(
    client: Any, schema: Any, lina: Any, _media: Path
) -> None:
    client.force_login(lina)
    response = upload(client, kasam(schema), GOOD)
    assert "24 rader har importerats och pseudonymiserats." in response.content.decode()
    assert "every 1s" not in response.content.decode()
    assert stored_files(_media) == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_shows_its_faulty_rows_in_swedish_and_changes_nothing(
    client: Any, schema: Any, lina: Any, _media: Path
) -> None:
    measure = kasam(schema)
    client.force_login(lina)
    page = upload(client, measure, BAD).content.decode()
    assert "Filen importerades inte: den har fel. Inget har ändrats." in page
    assert "rad 3, kolumn &#x27;group&#x27;: okänd grupp" in page
    assert "Inte importerad" in page
    made = BackgroundFile.objects.get()
    assert made.status == BackgroundFile.Status.FAILED
    assert [p[:18] for p in made.problems] == ["rad 3, kolumn 'gro"]
    assert not any(personnummer(i) in str(made.problems) for i in range(4))
    assert not ImportBatch.objects.exists() and not PersonValue.objects.exists()
    assert not Event.objects.filter(verb="followup.measurements_imported").exists()
    assert stored_files(_media) == []


@pytest.mark.django_db(transaction=True)
def test_instrument_results_are_imported_in_the_background_too(
    client: Any, schema: Any, lina: Any, _media: Path
) -> None:
    header = "person,group,period," + ",".join(f"q{i}" for i in range(1, 14))
    rows = [f"{personnummer(i)},treatment,baseline," + ",".join(["4"] * 13) for i in range(3)]
    client.force_login(lina)
    response = client.post(
        reverse("followup:instruments", args=["orebro", schema.case.pk]),
        {
            "instrument": "soc13",
            "file": ContentFile("\n".join([header, *rows]).encode(), name="kasam.csv"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "3 rader har importerats och pseudonymiserats." in page
    assert "Dina senaste importer" in page
    assert InstrumentResult.objects.count() == 3
    made = BackgroundFile.objects.get()
    assert (made.kind, made.params) == (
        INSTRUMENT_RESULTS,
        {"case": str(schema.case.pk), "instrument": "soc13"},
    )
    assert stored_files(_media) == []


@pytest.mark.django_db(transaction=True)
def test_nobody_else_may_start_or_see_an_import(
    client: Any,
    schema: Any,
    lina: Any,
    karin: Any,
    uppsala: Any,
    make_person: Any,
    _media: Path,
) -> None:
    measure = kasam(schema)
    client.force_login(lina)
    upload(client, measure, GOOD)
    status_url = (
        reverse("files:imports", args=["orebro", MEASURE_VALUES]) + f"?measure={measure.pk}"
    )
    # A person of the organisation whose role may not report for the case.
    client.force_login(karin)
    assert upload(client, measure, GOOD).status_code == 403
    with pytest.raises(NotPermitted):
        file_services.import_request(
            organisation=schema.case.organisation,
            kind=MEASURE_VALUES,
            params={"measure": str(measure.pk)},
            upload=ContentFile(GOOD),
            filename="x.csv",
            actor=karin,
        )
    assert client.get(status_url).status_code == 403
    assert "utfall.csv" not in client.get(reverse("files:list", args=["orebro"])).content.decode()
    # Another organisation's coordinator: neither the page nor the list exists for them.
    client.force_login(make_person("ulla", (uppsala, Role.COORDINATOR)))
    assert upload(client, measure, GOOD).status_code == 404
    assert client.get(status_url).status_code == 404
    assert (
        client.get(
            reverse("files:imports", args=["uppsala", MEASURE_VALUES]) + f"?measure={measure.pk}"
        ).status_code
        == 404
    )
    assert BackgroundFile.objects.count() == 1
    assert stored_files(_media) == []
    # lina herself, once her role has ended, sees it no more.
    client.force_login(lina)
    assert "utfall.csv" in client.get(status_url).content.decode()
    Membership.objects.filter(user=lina).delete()
    assert client.get(status_url).status_code in (403, 404)


def test_an_import_is_not_run_for_a_person_whose_role_ended_while_it_waited(
    schema: Any, lina: Any, _media: Path
) -> None:
    measure = kasam(schema)
    made = file_services.import_request(
        organisation=schema.case.organisation,
        kind=MEASURE_VALUES,
        params={"measure": str(measure.pk)},
        upload=ContentFile(GOOD),
        filename="utfall.csv",
        actor=lina,
    )
    assert len(stored_files(_media)) == 1
    Membership.objects.filter(user=lina).delete()
    file_services.import_run(made.pk)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.FAILED
    assert made.error == "Du har inte längre behörighet att importera här."
    assert not PersonValue.objects.exists()
    assert stored_files(_media) == []
    # Run once: a second worker finds it finished and leaves it.
    assert file_services.import_run(made.pk).status == BackgroundFile.Status.FAILED


def test_an_import_that_breaks_keeps_no_upload_and_changes_nothing(
    schema: Any, lina: Any, _media: Path, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("satsa.followup.services.measurements_import", broken)
    made = file_services.import_request(
        organisation=schema.case.organisation,
        kind=MEASURE_VALUES,
        params={"measure": str(kasam(schema).pk)},
        upload=ContentFile(GOOD),
        filename="utfall.csv",
        actor=lina,
    )
    file_services.import_run(made.pk)
    made.refresh_from_db()
    assert made.status == BackgroundFile.Status.FAILED
    assert made.error.startswith("Importen kunde inte göras. Inget har ändrats.")
    assert stored_files(_media) == [] and not PersonValue.objects.exists()


def test_a_wrong_upload_is_refused_before_anything_is_kept(
    client: Any, schema: Any, lina: Any, _media: Path
) -> None:
    client.force_login(lina)
    page = upload(client, kasam(schema), b"%PDF-1.4", name="utfall.pdf").content.decode()
    assert "Ladda upp en CSV- eller XLSX-fil." in page
    assert not BackgroundFile.objects.exists() and stored_files(_media) == []


@pytest.mark.django_db(transaction=True)
def test_the_import_list_costs_the_same_whatever_the_number_of_imports(
    client: Any, schema: Any, lina: Any
) -> None:
    measure = kasam(schema)
    client.force_login(lina)
    status_url = (
        reverse("files:imports", args=["orebro", MEASURE_VALUES]) + f"?measure={measure.pk}"
    )
    page_url = reverse("followup:measure", args=["orebro", measure.pk])

    def counts() -> tuple[int, int]:
        client.get(status_url)  # warm the session and caches alike
        with CaptureQueriesContext(connection) as status:
            assert client.get(status_url).status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert client.get(page_url).status_code == 200
        return len(status), len(page)

    upload(client, measure, GOOD)
    one = counts()
    for content in (BAD, GOOD, BAD, GOOD):
        upload(client, measure, content)
    assert BackgroundFile.objects.count() == 5
    assert counts() == one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_two_people_importing_into_one_measure_at_once_never_split_a_person(
    schema: Any, lina: Any, erik: Any, monkeypatch: Any
) -> None:
    """Both files hold the same people, in opposite groups: the measure's lock lets one
    import in, and the other, waiting for it, then finds the people and is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what this test is about (make test-postgres)")
    # Inside its transaction each import waits for the other to get as far, before it
    # looks for the people already stored: without the lock both would get there and
    # both write; with it the second is still waiting for the lock (the wait times out).
    both_inside = threading.Barrier(2, timeout=3)
    checked = services._check

    def check_then_wait(actor: Any, case: Any, action: Any, *perms: str) -> None:
        checked(actor, case, action, *perms)
        if connection.in_atomic_block:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_inside.wait()

    monkeypatch.setattr(services, "_check", check_then_wait)
    measure = kasam(schema)
    people = range(40)
    files = {
        actor: csv_bytes([(personnummer(i), group, "baseline", 50) for i in people])
        for actor, group in ((lina, "treatment"), (erik, "control"))
    }
    made = {
        actor: file_services.import_request(
            organisation=schema.case.organisation,
            kind=MEASURE_VALUES,
            params={"measure": str(measure.pk)},
            upload=ContentFile(content),
            filename="utfall.csv",
            actor=actor,
        )
        for actor, content in files.items()
    }
    start = threading.Barrier(2)

    def run(pk: int) -> None:
        try:
            start.wait()
            file_services.import_run(pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(m.pk,)) for m in made.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(BackgroundFile.objects.values_list("status", flat=True))
    assert statuses == [BackgroundFile.Status.DONE, BackgroundFile.Status.FAILED]
    groups = set(PersonValue.objects.filter(measure=measure).values_list("group", flat=True))
    assert len(groups) == 1
    assert PersonValue.objects.filter(measure=measure).count() == len(people)
    assert ImportBatch.objects.count() == 1


def test_an_upload_beyond_the_waiting_limit_is_refused_and_not_kept(
    schema: Any, lina: Any, _media: Path
) -> None:
    def start() -> BackgroundFile:
        return file_services.import_request(
            organisation=schema.case.organisation,
            kind=MEASURE_VALUES,
            params={"measure": str(kasam(schema).pk)},
            upload=ContentFile(GOOD),
            filename="utfall.csv",
            actor=lina,
        )

    # Not committed here, so the worker has not taken them: they all wait.
    for _ in range(file_services.MAX_WAITING):
        start()
    with pytest.raises(ValidationError, match="Vänta tills någon av dem är klar."):
        start()
    assert BackgroundFile.objects.count() == file_services.MAX_WAITING
    assert len(stored_files(_media)) == file_services.MAX_WAITING


@pytest.mark.django_db(transaction=True)
def test_my_files_lists_the_imports_with_their_outcome(
    client: Any, schema: Any, lina: Any, _media: Path
) -> None:
    measure = kasam(schema)
    client.force_login(lina)
    upload(client, measure, BAD, name="fel.csv")
    upload(client, measure, GOOD, name="utfall.csv")
    listed = client.get(reverse("files:list", args=["orebro"])).content.decode()
    assert "Import: utfall.csv" in listed and "Import: fel.csv" in listed
    assert "KASAM hos föräldrar – Familjestöd i Oxhagen" in listed
    assert "24 rader" in listed and "Inte importerad" in listed
    assert listed.count(" rader<") == 1
    # An import has nothing to download.
    made = BackgroundFile.objects.get(filename="utfall.csv")
    assert client.get(reverse("files:download", args=["orebro", made.pk])).status_code == 404
