"""Reading uploaded CSV and XLSX files of individual-level data, row by row.

Identifiers read here stay in memory only: the services pseudonymise every row before
anything is stored. Error messages name the row and the column, never a person.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from satsa.core import tabular
from satsa.evaluation import (
    CsvError,
    Measurement,
    read_measurement_rows,
    score_soc13,
    validate_sdq,
)
from satsa.evaluation.errors import EvaluationError
from satsa.evaluation.kasam import ITEMS
from satsa.evaluation.sdq import SCALES

MAX_ROWS = 100_000
GROUPS = {
    "treatment": "treatment",
    "control": "control",
    "målgrupp": "treatment",
    "jämförelsegrupp": "control",
    "kontrollgrupp": "control",
}
OCCASIONS = {
    "baseline": "baseline",
    "follow_up": "follow_up",
    "follow-up": "follow_up",
    "basmätning": "baseline",
    "uppföljning": "follow_up",
}


class MeasurementImportError(ValueError):
    """The file cannot be imported; ``messages`` are Swedish, one per faulty row."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel keeps long numbers (personnummer) as floats: 191212121212.0
        return str(int(value))
    return str(value)


def upload_rows(content: bytes, filename: str) -> list[list[str]]:
    """The uploaded file's rows as text cells (XLSX: the first sheet; CSV: UTF-8 or
    Windows-1252, comma or semicolon), read by satsa.core.tabular."""
    try:
        rows = tabular.read_rows(content, filename, encodings=("utf-8-sig", "cp1252"))
    except tabular.TableFileError as error:
        raise MeasurementImportError([str(error)]) from error
    return [[_cell(v) for v in row] for row in rows]


def read_person_measurements(rows: list[list[str]]) -> list[Measurement]:
    """``person,group,period,value`` rows (see docs/evaluation.md), checked row by row."""
    if len(rows) > MAX_ROWS + 1:
        raise MeasurementImportError([f"Filen har fler än {MAX_ROWS} rader."])
    try:
        return read_measurement_rows(rows)
    except EvaluationError as error:
        raise MeasurementImportError([error.sv]) from error


@dataclass
class InstrumentRow:
    # repr=False: the identifier must not end up in logs or tracebacks
    person: str = field(repr=False)
    group: str
    occasion: str
    answers: dict[str, Any]
    scores: dict[str, Any]
    row: int


def _number(text: str) -> float | str | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text  # handed on, so that the instrument names what is wrong
    return value if math.isfinite(value) else text


def _dict_rows(rows: list[list[str]]) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    if not rows or not any(c.strip() for c in rows[0]):
        raise MeasurementImportError(["rad 1: filen saknar rubrikrad."])
    header = [h.strip().lower() for h in rows[0]]
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        yield number, dict(zip(header, cells, strict=False)), header


def read_instrument_rows(rows: list[list[str]], instrument: str) -> list[InstrumentRow]:
    """Rows of ``person,group,period`` and then ``q1``…``q13`` (SOC-13 answers as ticked)
    or the SDQ scale keys; every faulty row is reported."""
    if len(rows) > MAX_ROWS + 1:
        raise MeasurementImportError([f"Filen har fler än {MAX_ROWS} rader."])
    needed = ["person", "group", "period"]
    item_columns = [f"q{i}" for i in ITEMS] if instrument == "soc13" else list(SCALES)
    errors: list[str] = []
    read: list[InstrumentRow] = []
    seen: dict[tuple[str, str], int] = {}
    header_checked = False
    for row, cells, header in _dict_rows(rows):
        if not header_checked:
            header_checked = True
            missing = [c for c in needed if c not in header]
            if instrument == "soc13":
                missing += [c for c in item_columns if c not in header]
            elif not any(c in header for c in item_columns):
                missing.append(" eller ".join(item_columns))
            if missing:
                raise MeasurementImportError(
                    [f"rad 1: kolumn saknas i rubrikraden: {', '.join(missing)}."]
                )
        person = cells.get("person", "").strip()
        if not person:
            errors.append(f"rad {row}, kolumn 'person': person saknas.")
            continue
        group = GROUPS.get(cells.get("group", "").strip().lower())
        if group is None:
            errors.append(
                f"rad {row}, kolumn 'group': okänd grupp; ska vara treatment eller control."
            )
            continue
        occasion = OCCASIONS.get(cells.get("period", "").strip().lower())
        if occasion is None:
            errors.append(
                f"rad {row}, kolumn 'period': okänt tillfälle; ska vara baseline eller follow_up."
            )
            continue
        key = (person, occasion)
        if key in seen:
            errors.append(
                f"rad {row}, kolumn 'person': samma person och tillfälle finns redan på rad {seen[key]}."
            )
            continue
        seen[key] = row
        try:
            if instrument == "soc13":
                answers = {str(i): _number(cells.get(f"q{i}", "")) for i in ITEMS}
                # Text that is not a number is handed on on purpose: score_soc13 refuses
                # it naming the item, though its signature only admits numbers.
                scored = score_soc13({i: answers[str(i)] for i in ITEMS})  # type: ignore[misc]
                scores = scored.as_dict()
            else:
                answers = {k: _number(cells.get(k, "")) for k in item_columns if k in header}
                scores = validate_sdq(answers).as_dict()
        except EvaluationError as error:
            item = getattr(error, "item", None)
            column = f"q{item}" if instrument == "soc13" and item else (item or "")
            where = f"rad {row}" + (f", kolumn '{column}'" if column else "")
            errors.append(f"{where}: {error.sv}")
            continue
        read.append(InstrumentRow(person, group, occasion, answers, scores, row))
    if not header_checked:
        raise MeasurementImportError(["rad 1: filen har inga rader."])
    if errors:
        raise MeasurementImportError(errors)
    return read


__all__ = [
    "CsvError",
    "MeasurementImportError",
    "read_instrument_rows",
    "read_person_measurements",
    "upload_rows",
]
