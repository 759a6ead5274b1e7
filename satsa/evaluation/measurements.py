"""Individual measurements of a treatment and a control group, read from CSV and evaluated.

The table has one row per person and period (``person,group,period,value``): the
effect evaluation of DOMAIN.md §8 in its simplest form. :func:`read_measurements_csv`
validates the rows with errors that name the row and column;
:func:`evaluate_measurements` turns them into counts, each group's change from baseline
and the difference-in-differences, refusing every estimate that rests on fewer than
``MIN_GROUP_SIZE`` people. ``EvaluationReport.as_dict()`` is what screens, exports and
``satsa evaluate --format json`` show, small groups already suppressed.

Pairing rule: within a group, people measured at both periods are analysed as pairs
(their own change), and people measured only once are left out of the estimate. When
nobody in a group is measured twice, the two periods are independent samples.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from satsa.evaluation.effects import (
    Change,
    DifferenceInDifferences,
    change_from_baseline,
    difference_in_differences,
)
from satsa.evaluation.errors import CsvError, SmallGroupError
from satsa.evaluation.rating import maryland_rating
from satsa.evaluation.suppression import MIN_GROUP_SIZE, suppress

__all__ = [
    "COLUMNS",
    "GROUPS",
    "PERIODS",
    "EvaluationReport",
    "Measurement",
    "evaluate_measurements",
    "read_measurement_rows",
    "read_measurements_csv",
]

COLUMNS: tuple[str, ...] = ("person", "group", "period", "value")
GROUPS: tuple[str, ...] = ("treatment", "control")
PERIODS: tuple[str, ...] = ("baseline", "follow_up")

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Measurement:
    """One person's value at one period; ``row`` is where it was read (0 if not read)."""

    # repr=False: a person's identifier must not end up in logs or tracebacks
    person: str = field(repr=False)
    group: str
    period: str
    value: float
    row: int = 0
    #: further columns asked for by name (covariates, cluster), as the raw text
    extra: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


def _clean_choice(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _sniffed_reader(lines: Iterable[str]) -> tuple[Any, str]:
    """A CSV reader over ``lines`` and its separator: ``;`` when the header is separated
    by semicolons (as Swedish Excel saves CSV), else ``,``; a byte-order mark is dropped."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is not None:
        first = first.removeprefix("\ufeff")  # a byte-order mark left by Excel
    if first is None or not first.strip():
        raise CsvError(
            row=1, column=None, sv="filen saknar rubrikrad.", en="the file has no header row."
        )
    delimiter = ";" if ";" in first and "," not in first else ","

    def chained() -> Iterable[str]:
        yield first
        yield from iterator

    return csv.reader(chained(), delimiter=delimiter), delimiter


def open_csv(lines: Iterable[str], required: Sequence[str]) -> tuple[Any, list[str], str]:
    """A CSV reader positioned after the header, the lower-cased header and the separator.

    A header separated by semicolons (Swedish Excel) switches to ``;``; a byte-order mark
    is dropped; a missing or repeated ``required`` column is a :class:`CsvError` on row 1.
    """
    reader, delimiter = _sniffed_reader(lines)
    header = [name.strip().lower() for name in next(reader)]
    missing = [column for column in required if column not in header]
    if missing:
        listed = ", ".join(missing)
        raise CsvError(
            row=1,
            column=missing[0],
            sv=f"kolumn saknas i rubrikraden: {listed} (behövs: {', '.join(required)}).",
            en=f"missing column in the header: {listed} (needed: {', '.join(required)}).",
        )
    for name in header:
        if name and header.count(name) > 1 and name in required:
            raise CsvError(
                row=1, column=name, sv="kolumnen finns två gånger.", en="the column appears twice."
            )
    return reader, header, delimiter


def parse_number(text: str, delimiter: str) -> float:
    """The cell as a finite float, or nan; a decimal comma is read in ``;`` files."""
    text = text.strip()
    number = text.replace(",", ".") if delimiter == ";" else text
    return float(number) if _NUMBER.fullmatch(number) else math.nan


def check_row_length(cells: Sequence[str], header: Sequence[str], row: int) -> None:
    """Refuse a row with fewer or more fields than the header."""
    if len(cells) != len(header):
        raise CsvError(
            row=row,
            column=header[len(cells)] if len(cells) < len(header) else None,
            sv=f"raden har {len(cells)} fält men rubrikraden {len(header)}.",
            en=f"the row has {len(cells)} fields but the header has {len(header)}.",
        )


def read_measurements_csv(lines: Iterable[str], *, extra: Sequence[str] = ()) -> list[Measurement]:
    """Read and check measurements from CSV text.

    The header must name the columns ``person``, ``group``, ``period`` and ``value``
    (any order, any case; other columns are ignored unless named in ``extra``, whose
    text is kept in ``Measurement.extra``). ``group`` is ``treatment`` or
    ``control``, ``period`` is ``baseline`` or ``follow_up``. A header separated by
    semicolons (as Swedish Excel saves CSV) switches to ``;`` as separator and accepts
    a decimal comma in ``value``. Blank lines are skipped.

    Raises
    ------
    CsvError
        Naming the row (the header is row 1) and the column, for a missing column, an
        empty person, an unknown group or period, a value that is not a finite number,
        the same person twice at one period, or one person in both groups. Messages
        never repeat a person's identifier.

    Examples
    --------
    >>> rows = read_measurements_csv(["person,group,period,value", "p1,control,baseline,3.5"])
    >>> rows[0].group, rows[0].value, rows[0].row
    ('control', 3.5, 2)
    >>> read_measurements_csv(["person;group;period;value", "p1;control;baseline;3,5"])[0].value
    3.5
    >>> read_measurements_csv(["person,group,period,value", "p1,kontroll,baseline,3"])
    Traceback (most recent call last):
    ...
    satsa.evaluation.errors.CsvError: rad 2, kolumn 'group': okänd grupp 'kontroll'; ska vara treatment eller control. / row 2, column 'group': unknown group 'kontroll'; must be treatment or control.
    """
    reader, delimiter = _sniffed_reader(lines)
    numbered = ((reader.line_num, cells) for cells in reader)
    # A decimal comma only where the comma cannot be the separator.
    return _read_numbered(numbered, decimal_comma=delimiter == ";", extra=extra)


def read_measurement_rows(
    rows: Iterable[Sequence[str]], *, extra: Sequence[str] = ()
) -> list[Measurement]:
    """Like :func:`read_measurements_csv`, for rows already split into cells (the header
    first, as an uploaded spreadsheet is read); a decimal comma is always accepted.

    >>> read_measurement_rows([["person", "group", "period", "value"], ["p1", "control", "baseline", "3,5"]])[0].value
    3.5
    """
    numbered = enumerate(rows, start=1)
    first = next(numbered, None)
    if first is None or not any(str(cell).strip() for cell in first[1]):
        raise CsvError(
            row=1, column=None, sv="filen saknar rubrikrad.", en="the file has no header row."
        )

    def chained() -> Iterable[tuple[int, Sequence[str]]]:
        yield first
        yield from numbered

    return _read_numbered(chained(), decimal_comma=True, extra=extra)


def _read_numbered(
    numbered: Iterable[tuple[int, Sequence[str]]],
    *,
    decimal_comma: bool,
    extra: Sequence[str] = (),
) -> list[Measurement]:
    iterator = iter(numbered)
    _row, first_cells = next(iterator)
    header = [name.strip().lower() for name in first_cells]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        listed = ", ".join(missing)
        raise CsvError(
            row=1,
            column=missing[0],
            sv=f"kolumn saknas i rubrikraden: {listed} (behövs: {', '.join(COLUMNS)}).",
            en=f"missing column in the header: {listed} (needed: {', '.join(COLUMNS)}).",
        )
    for name in COLUMNS:
        if header.count(name) > 1:
            raise CsvError(
                row=1, column=name, sv="kolumnen finns två gånger.", en="the column appears twice."
            )
    for name in extra:
        if name not in header:
            raise CsvError(
                row=1,
                column=name,
                sv=f"kolumnen '{name}' saknas i rubrikraden.",
                en=f"the column '{name}' is missing from the header.",
            )
    index = {name: header.index(name) for name in COLUMNS}

    measurements: list[Measurement] = []
    seen: dict[tuple[str, str], int] = {}
    group_of: dict[str, tuple[str, int]] = {}
    for row, cells in iterator:
        if not any(cell.strip() for cell in cells):
            continue
        check_row_length(cells, header, row)
        person = cells[index["person"]].strip()
        if not person:
            raise CsvError(row=row, column="person", sv="person saknas.", en="the person is empty.")
        group = _clean_choice(cells[index["group"]])
        if group not in GROUPS:
            raise CsvError(
                row=row,
                column="group",
                sv=f"okänd grupp '{cells[index['group']].strip()}'; ska vara treatment eller control.",
                en=f"unknown group '{cells[index['group']].strip()}'; must be treatment or control.",
            )
        period = _clean_choice(cells[index["period"]])
        if period not in PERIODS:
            raise CsvError(
                row=row,
                column="period",
                sv=f"okänd period '{cells[index['period']].strip()}'; ska vara baseline eller follow_up.",
                en=f"unknown period '{cells[index['period']].strip()}'; must be baseline or follow_up.",
            )
        text = cells[index["value"]].strip()
        value = parse_number(text, ";" if decimal_comma else ",")
        if not math.isfinite(value):
            raise CsvError(
                row=row,
                column="value",
                sv=f"värdet '{text}' är inte ett tal.",
                en=f"the value '{text}' is not a number.",
            )
        if (person, period) in seen:
            first_row = seen[person, period]
            raise CsvError(
                row=row,
                column="person",
                sv=f"samma person och period ({period}) finns redan på rad {first_row}.",
                en=f"the same person and period ({period}) is already on row {first_row}.",
            )
        seen[person, period] = row
        earlier_group, earlier_row = group_of.setdefault(person, (group, row))
        if earlier_group != group:
            raise CsvError(
                row=row,
                column="group",
                sv=f"personen står i gruppen {earlier_group} på rad {earlier_row}; en person kan bara vara i en grupp.",
                en=f"the person is in the group {earlier_group} on row {earlier_row}; a person can be in one group only.",
            )
        kept = {name: cells[header.index(name)].strip() for name in extra}
        measurements.append(Measurement(person, group, period, value, row, kept))
    if not measurements:
        raise CsvError(
            row=1, column=None, sv="filen har inga mätvärden.", en="the file has no measurements."
        )
    return measurements


@dataclass(frozen=True)
class Refusal:
    """An estimate that is not shown, and the small group it would rest on."""

    estimate: str
    error: SmallGroupError

    def as_dict(self) -> dict[str, str]:
        return {
            "estimate": self.estimate,
            "group": self.error.group,
            "message_sv": self.error.sv,
            "message_en": self.error.en,
        }


@dataclass(frozen=True)
class EvaluationReport:
    """Counts, changes and difference-in-differences of one set of measurements.

    ``counts`` are the true numbers of people per group and period (keep them inside:
    :meth:`as_dict` is what may be shown). An estimate is ``None`` when refused; its
    reason is in ``refusals``.
    """

    confidence: float
    counts: dict[str, dict[str, int]]
    changes: dict[str, Change | None]
    # a RegressionDiD (satsa.evaluation.regression) when covariates or clusters were asked
    difference_in_differences: DifferenceInDifferences | Any | None
    refusals: list[Refusal] = field(default_factory=list)
    method: str = "two_period"
    covariates: tuple[str, ...] = ()
    cluster: str | None = None
    randomised: bool = False

    @property
    def refused(self) -> bool:
        """Whether any estimate was refused for a small group."""
        return bool(self.refusals)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready and safe to show: counts below 5 as ``"<5"``; keys in docs/evaluation.md."""
        did = self.difference_in_differences
        shown_did = None
        if did is not None:
            shown_did = {k: v for k, v in did.as_dict().items() if k not in GROUPS}
            shown_did.update(
                method=self.method, covariates=list(self.covariates), cluster=self.cluster
            )
        rating = maryland_rating(
            before_after=True,
            comparison=True,
            covariates=bool(self.covariates),
            randomised=self.randomised,
        )
        return {
            "data": "individual",
            "method": self.method,
            "min_group_size": MIN_GROUP_SIZE,
            "confidence": self.confidence,
            "counts": {
                group: {period: suppress(n) for period, n in periods.items()}
                for group, periods in self.counts.items()
            },
            "changes": {
                group: None if change is None else change.as_dict()
                for group, change in self.changes.items()
            },
            "difference_in_differences": shown_did,
            "confidence_rating": rating.as_dict(),
            "refused": [refusal.as_dict() for refusal in self.refusals],
        }


def evaluate_measurements(
    measurements: Sequence[Measurement],
    *,
    confidence: float = 0.95,
    regression: bool = False,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    randomised: bool = False,
) -> EvaluationReport:
    """Counts, each group's change and the difference-in-differences.

    With ``regression`` (implied by ``covariates`` or ``cluster``) the
    difference-in-differences is the regression estimate of
    :func:`satsa.evaluation.regression.regression_difference_in_differences`; the
    changes per group stay the plain ones. ``randomised`` says the groups were formed
    by lot, which only raises the confidence rating.

    Examples
    --------
    >>> rows = [Measurement(f"t{i}", "treatment", p, v + i)
    ...         for i in range(6) for p, v in (("baseline", 10), ("follow_up", 14))]
    >>> rows += [Measurement(f"c{i}", "control", "baseline", 10) for i in range(3)]
    >>> report = evaluate_measurements(rows)
    >>> report.as_dict()["counts"]
    {'treatment': {'baseline': 6, 'follow_up': 6}, 'control': {'baseline': '<5', 'follow_up': '<5'}}
    >>> round(report.changes["treatment"].estimate, 2), report.changes["control"]
    (4.0, None)
    >>> [r.estimate for r in report.refusals]
    ['changes.control', 'difference_in_differences']
    """
    values: dict[str, dict[str, dict[str, float]]] = {
        group: {period: {} for period in PERIODS} for group in GROUPS
    }
    for m in measurements:
        if m.group not in GROUPS or m.period not in PERIODS:
            raise ValueError(f"unknown group or period in measurement from row {m.row}")
        values[m.group][m.period][m.person] = m.value

    changes: dict[str, Change | None] = {}
    refusals: list[Refusal] = []
    for group in GROUPS:
        baseline, follow_up = values[group]["baseline"], values[group]["follow_up"]
        both = [person for person in baseline if person in follow_up]
        try:
            if both:
                changes[group] = change_from_baseline(
                    np.array([baseline[p] for p in both]),
                    np.array([follow_up[p] for p in both]),
                    paired=True,
                    group=group,
                    confidence=confidence,
                )
            else:
                changes[group] = change_from_baseline(
                    np.array(list(baseline.values())),
                    np.array(list(follow_up.values())),
                    paired=False,
                    group=group,
                    confidence=confidence,
                )
        except SmallGroupError as error:
            changes[group] = None
            refusals.append(Refusal(f"changes.{group}", error))

    treatment, control = changes["treatment"], changes["control"]
    did: DifferenceInDifferences | Any | None = None
    regression = regression or bool(covariates) or cluster is not None
    if treatment is not None and control is not None:
        if regression:
            from satsa.evaluation.regression import regression_difference_in_differences

            did = regression_difference_in_differences(
                measurements, covariates=covariates, cluster=cluster, confidence=confidence
            )
            cluster = did.cluster
        else:
            did = difference_in_differences(treatment, control)
    else:
        first = next(r for r in refusals if r.estimate.startswith("changes."))
        refusals.append(Refusal("difference_in_differences", first.error))

    return EvaluationReport(
        confidence=confidence,
        counts={g: {p: len(values[g][p]) for p in PERIODS} for g in GROUPS},
        changes=changes,
        difference_in_differences=did,
        refusals=refusals,
        method="regression" if regression else "two_period",
        covariates=tuple(covariates),
        cluster=cluster,
        randomised=randomised,
    )
