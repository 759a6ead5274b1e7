"""Importing individual-level data: pseudonymised, checked row by row, never stored raw."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.db import connection

from satsa.evaluation import pseudonymise
from satsa.followup import services
from satsa.followup.imports import MeasurementImportError
from satsa.followup.models import ImportBatch, InstrumentResult, Measure, PersonValue
from satsa.followup.pseudonyms import pseudonym_key
from satsa.followup.tests.conftest import csv_bytes, personnummer


def kasam_measure(schema: Any) -> Measure:
    return schema.measures.get(name="KASAM hos föräldrar")


def rows_for(n_treatment: int, n_control: int) -> list[tuple[str, str, str, float]]:
    rows = []
    for i in range(n_treatment):
        rows += [
            (personnummer(i), "treatment", "baseline", 50 + i),
            (personnummer(i), "treatment", "follow_up", 57 + i),
        ]
    for i in range(100, 100 + n_control):
        rows += [
            (personnummer(i), "control", "baseline", 50 + i % 7),
            (personnummer(i), "control", "follow_up", 51 + i % 7),
        ]
    return rows


def every_stored_text() -> str:
    """Every column of every row of every follow-up table, as one text."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("followup").get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - table names from models
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row)
    from satsa.events.models import Event

    chunks.extend(str(e.data) + e.target_repr for e in Event.objects.all())
    return "\n".join(chunks)


def test_a_pseudonymised_import_never_stores_the_original_identifier(
    schema: Any, lina: Any
) -> None:
    rows = rows_for(6, 6)
    services.measurements_import(
        measure=kasam_measure(schema), actor=lina, content=csv_bytes(rows), filename="kasam.csv"
    )
    services.instruments_import(
        case=schema.case,
        actor=lina,
        instrument="soc13",
        content=(
            "person,group,period,"
            + ",".join(f"q{i}" for i in range(1, 14))
            + "\n"
            + "".join(f"{p},{g},{o}," + ",".join(["4"] * 13) + "\n" for p, g, o, _v in rows)
        ).encode(),
        filename="soc13.csv",
    )
    stored = every_stored_text()
    assert PersonValue.objects.count() == 24
    assert InstrumentResult.objects.count() == 24
    for person, *_ in rows:
        digits = person.replace("-", "")
        assert person not in stored
        assert digits not in stored
        assert digits[2:] not in stored  # nor the 10-digit form
    key = pseudonym_key()
    assert set(PersonValue.objects.values_list("pseudonym", flat=True)) == {
        pseudonymise(p, key) for p, *_ in rows
    }


def test_the_same_person_is_one_pseudonym_however_written(schema: Any, lina: Any) -> None:
    measure = kasam_measure(schema)
    services.measurements_import(
        measure=measure,
        actor=lina,
        content=csv_bytes([("19121212-1212", "treatment", "baseline", 50)]),
        filename="a.csv",
    )
    services.measurements_import(
        measure=measure,
        actor=lina,
        content=csv_bytes([("191212121212", "treatment", "follow_up", 55)]),
        filename="b.csv",
    )
    assert PersonValue.objects.values("pseudonym").distinct().count() == 1


def test_it_reads_xlsx_with_numeric_identifiers(schema: Any, lina: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["person", "group", "period", "value"])
    sheet.append([191212121212, "treatment", "baseline", 3.5])
    sheet.append([191212121213, "control", "follow_up", 4])
    out = io.BytesIO()
    book.save(out)
    batch = services.measurements_import(
        measure=kasam_measure(schema), actor=lina, content=out.getvalue(), filename="data.xlsx"
    )
    assert batch.rows == 2
    assert pseudonymise("191212121212", pseudonym_key()) in set(
        PersonValue.objects.values_list("pseudonym", flat=True)
    )
    assert "191212121212" not in every_stored_text()


def test_it_names_the_faulty_row_and_column(schema: Any, lina: Any) -> None:
    content = b"person,group,period,value\n191212121212,treatment,baseline,3\n191212121213,kontroll,baseline,4\n"
    with pytest.raises(MeasurementImportError) as caught:
        services.measurements_import(
            measure=kasam_measure(schema), actor=lina, content=content, filename="x.csv"
        )
    assert caught.value.messages[0].startswith("rad 3, kolumn 'group'")
    assert "191212121213" not in str(caught.value)
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_person_moving_between_groups_across_imports(schema: Any, lina: Any) -> None:
    measure = kasam_measure(schema)
    services.measurements_import(
        measure=measure,
        actor=lina,
        content=csv_bytes([("191212121212", "treatment", "baseline", 50)]),
        filename="a.csv",
    )
    with pytest.raises(MeasurementImportError, match="rad 2, kolumn 'group'"):
        services.measurements_import(
            measure=measure,
            actor=lina,
            content=csv_bytes([("191212121212", "control", "follow_up", 50)]),
            filename="b.csv",
        )


def test_it_scores_soc13_answers_and_reports_every_faulty_row(schema: Any, lina: Any) -> None:
    header = "person;group;period;" + ";".join(f"q{i}" for i in range(1, 14))
    good = "191212121212;treatment;baseline;" + ";".join(["1"] * 13)
    bad_answer = "191212121213;treatment;baseline;" + ";".join(["1"] * 4 + ["9"] + ["1"] * 8)
    bad_group = "191212121214;x;baseline;" + ";".join(["1"] * 13)
    with pytest.raises(MeasurementImportError) as caught:
        services.instruments_import(
            case=schema.case,
            actor=lina,
            instrument="soc13",
            content="\n".join([header, good, bad_answer, bad_group]).encode(),
            filename="k.csv",
        )
    assert caught.value.messages[0].startswith("rad 3, kolumn 'q5': KASAM fråga 5")
    assert caught.value.messages[1].startswith("rad 4, kolumn 'group'")
    services.instruments_import(
        case=schema.case,
        actor=lina,
        instrument="soc13",
        content="\n".join([header, good]).encode(),
        filename="k.csv",
    )
    result = InstrumentResult.objects.get()
    assert result.scores["total"] == 43  # 5 reversed items × 7 + 8 × 1
    assert result.answers["5"] == 1


def test_it_validates_sdq_scale_scores(schema: Any, lina: Any) -> None:
    header = "person,group,period,emotional_symptoms,conduct_problems,hyperactivity_inattention,peer_problems,prosocial,total_difficulties"
    wrong_total = "191212121212,treatment,baseline,3,2,6,1,8,20"
    with pytest.raises(
        MeasurementImportError,
        match="rad 2, kolumn 'total_difficulties': SDQ total svårighetspoäng",
    ):
        services.instruments_import(
            case=schema.case,
            actor=lina,
            instrument="sdq",
            content=f"{header}\n{wrong_total}\n".encode(),
            filename="s.csv",
        )
    services.instruments_import(
        case=schema.case,
        actor=lina,
        instrument="sdq",
        content=f"{header}\n191212121212,treatment,baseline,3,2,6,1,8,\n".encode(),
        filename="s.csv",
    )
    assert InstrumentResult.objects.get().scores["total_difficulties"] == 12


def test_a_later_import_replaces_a_persons_value_at_the_same_occasion(
    schema: Any, lina: Any
) -> None:
    """As ``update_or_create`` did, row by row: the value and the batch are the new file's,
    other occasions and other people are kept."""
    measure = kasam_measure(schema)
    first = services.measurements_import(
        measure=measure,
        actor=lina,
        content=csv_bytes(
            [
                ("191212121212", "treatment", "baseline", 50),
                ("191212121212", "treatment", "follow_up", 52),
                ("191212121213", "control", "baseline", 40),
            ]
        ),
        filename="a.csv",
    )
    second = services.measurements_import(
        measure=measure,
        actor=lina,
        content=csv_bytes([("19121212-1212", "treatment", "follow_up", 57.5)]),
        filename="b.csv",
    )
    key = pseudonym_key()
    stored = {
        (p, o): (g, v, b)
        for p, o, g, v, b in PersonValue.objects.values_list(
            "pseudonym", "occasion", "group", "value", "batch"
        )
    }
    me, other = pseudonymise("191212121212", key), pseudonymise("191212121213", key)
    assert stored == {
        (me, "baseline"): ("treatment", 50.0, first.pk),
        (me, "follow_up"): ("treatment", 57.5, second.pk),
        (other, "baseline"): ("control", 40.0, first.pk),
    }


def test_a_later_instrument_import_replaces_a_persons_answers(schema: Any, lina: Any) -> None:
    header = "person,group,period," + ",".join(f"q{i}" for i in range(1, 14))

    def soc13(answer: str) -> ImportBatch:
        return services.instruments_import(
            case=schema.case,
            actor=lina,
            instrument="soc13",
            content=f"{header}\n191212121212,treatment,baseline,{','.join([answer] * 13)}\n".encode(),
            filename="k.csv",
        )

    soc13("1")
    second = soc13("4")
    result = InstrumentResult.objects.get()
    assert (result.batch_id, result.answers["1"], result.scores["total"]) == (second.pk, 4, 52)
