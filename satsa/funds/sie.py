"""SIE 4 export of the fund's journal, and a small reader that checks a file by its rules.

SIE (Standard Import och Export) type 4 carries verifications (#VER with #TRANS rows) that
a Swedish finance system imports. The file is PC8 (IBM code page 437), CRLF lines.
Dimension 6 (Projekt, predefined by the format) carries the case of each row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from satsa.cases.models import Case
    from satsa.funds.models import Entry, Transaction

PROGRAM_VERSION = "1.0"
SERIES = "F"
_PC8_SUBSTITUTES = str.maketrans(
    {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


def _quote(text: str) -> str:
    text = " ".join(str(text).translate(_PC8_SUBSTITUTES).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _day(date: dt.date) -> str:
    return date.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def sie_text(
    *,
    organisation: Any,
    year: int,
    transactions: list[Transaction],
    entries: Mapping[int, Sequence[Entry]],
    opening: dict[str, Decimal],
    generated_on: dt.date,
) -> str:
    """The SIE 4 file (as text; encode with :func:`sie_bytes`) for one calendar year.

    ``transactions`` are the year's, ``entries`` theirs by transaction id; ``opening`` the account
    balances at the start of the year (#IB); the closing balances (#UB) follow from both.
    """
    from satsa.funds.models import Account

    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        f"#PROGRAM {_quote('Satsa')} {PROGRAM_VERSION}",
        f"#GEN {_day(generated_on)}",
        f"#FNAMN {_quote(f'{organisation.name} - Sociala investeringsfonden')}",
        f"#RAR 0 {year}0101 {year}1231",
        "#VALUTA SEK",
    ]
    for account in Account:
        lines.append(f"#KONTO {account.value} {_quote(str(account.label))}")
    cases: dict[int, Case] = {}
    for tx in transactions:
        for entry in entries.get(tx.pk, ()):
            if entry.case is not None:
                cases[entry.case.pk] = entry.case
    for case_id, case in sorted(cases.items()):
        lines.append(f"#OBJEKT 6 {_quote(str(case_id))} {_quote(case.title)}")
    closing = defaultdict(lambda: Decimal("0.00"), opening)
    for tx in transactions:
        for entry in entries.get(tx.pk, ()):
            closing[entry.account] += entry.amount
    for account in Account:
        lines.append(f"#IB 0 {account.value} {_amount(opening.get(account.value, Decimal(0)))}")
    for account in Account:
        lines.append(f"#UB 0 {account.value} {_amount(closing[account.value])}")
    for number, tx in enumerate(transactions, start=1):
        text = f"{tx.get_kind_display()}: {tx.description or tx.reference}"
        lines.append(f"#VER {SERIES} {number} {_day(tx.booked_on)} {_quote(text)}")
        lines.append("{")
        for entry in entries.get(tx.pk, ()):
            objects = f'6 "{entry.case_id}"' if entry.case_id else ""
            lines.append(f"   #TRANS {entry.account} {{{objects}}} {_amount(entry.amount)}")
        lines.append("}")
    return "\r\n".join(lines) + "\r\n"


def sie_bytes(text: str) -> bytes:
    return text.encode("cp437", errors="replace")


# --- reading a file back -----------------------------------------------------------------------


class SieError(ValueError):
    """The file breaks a rule of the format; the message names the line."""


@dataclass
class Verification:
    series: str
    number: str
    date: dt.date
    text: str
    rows: list[tuple[str, Decimal, dict[str, str]]] = field(default_factory=list)
    line: int = 0


@dataclass
class SieFile:
    flag: str = ""
    format: str = ""
    type: str = ""
    program: str = ""
    company: str = ""
    year: tuple[dt.date, dt.date] | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    opening: dict[str, Decimal] = field(default_factory=dict)
    closing: dict[str, Decimal] = field(default_factory=dict)
    verifications: list[Verification] = field(default_factory=list)


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^}]*\})|(\S+)')


def _tokens(line: str, number: int) -> list[str]:
    """Split a line into fields: quoted strings (with \\" escapes), {object lists}, words."""
    tokens = []
    for quoted, objects, word in _TOKEN.findall(line):
        if objects:
            tokens.append(objects)
        elif word:
            tokens.append(word)
        else:
            tokens.append(re.sub(r"\\(.)", r"\1", quoted))
    return tokens


def _date(text: str, number: int) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise SieError(f"line {number}: {text!r} is not a date (YYYYMMDD)") from None


def _decimal(text: str, number: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SieError(f"line {number}: {text!r} is not an amount") from None
    if value != value.quantize(Decimal("0.01")):
        raise SieError(f"line {number}: {text!r} has more than two decimals")
    return value


def parse_sie(data: bytes) -> SieFile:
    """Read a SIE 4 file and check it: PC8, balanced verifications, declared accounts,
    dates inside the fiscal year, closing balances = opening + transactions."""
    text = data.decode("cp437")
    sie = SieFile()
    current: Verification | None = None
    in_block = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "{":
            if current is None or in_block:
                raise SieError(f"line {number}: '{{' without a #VER")
            in_block = True
            continue
        if line == "}":
            if not in_block or current is None:
                raise SieError(f"line {number}: '}}' without '{{'")
            in_block = False
            sie.verifications.append(current)
            current = None
            continue
        tokens = _tokens(line, number)
        label, args = tokens[0], tokens[1:]
        if in_block and label != "#TRANS":
            raise SieError(f"line {number}: {label} inside a verification")
        if label == "#FLAGGA":
            sie.flag = args[0]
        elif label == "#FORMAT":
            sie.format = args[0]
        elif label == "#SIETYP":
            sie.type = args[0]
        elif label == "#PROGRAM":
            sie.program = args[0]
        elif label == "#FNAMN":
            sie.company = args[0]
        elif label == "#RAR" and args[0] == "0":
            sie.year = (_date(args[1], number), _date(args[2], number))
        elif label == "#KONTO":
            sie.accounts[args[0]] = args[1]
        elif label == "#OBJEKT":
            sie.objects[(args[0], args[1])] = args[2]
        elif label in ("#IB", "#UB") and args[0] == "0":
            target = sie.opening if label == "#IB" else sie.closing
            target[args[1]] = _decimal(args[2], number)
        elif label == "#VER":
            if current is not None:
                raise SieError(f"line {number}: #VER before the previous one's block")
            current = Verification(
                args[0],
                args[1],
                _date(args[2], number),
                args[3] if len(args) > 3 else "",
                line=number,
            )
        elif label == "#TRANS":
            if not in_block or current is None:
                raise SieError(f"line {number}: #TRANS outside a verification")
            objects = _tokens(args[1].strip("{}"), number)
            if len(objects) % 2:
                raise SieError(f"line {number}: an object list holds dimension-object pairs")
            pairs = dict(zip(objects[::2], objects[1::2], strict=True))
            current.rows.append((args[0], _decimal(args[2], number), pairs))
    _check(sie)
    return sie


def _check(sie: SieFile) -> None:
    if sie.flag != "0":
        raise SieError("#FLAGGA 0 is missing")
    if sie.format != "PC8":
        raise SieError("#FORMAT PC8 is missing")
    if sie.type != "4":
        raise SieError("#SIETYP 4 is missing")
    if not sie.program or not sie.company:
        raise SieError("#PROGRAM and #FNAMN are required")
    if sie.year is None:
        raise SieError("#RAR 0 is missing")
    start, end = sie.year
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for ver in sie.verifications:
        if not start <= ver.date <= end:
            raise SieError(f"line {ver.line}: {ver.date} is outside the fiscal year")
        if len(ver.rows) < 2:
            raise SieError(f"line {ver.line}: a verification needs at least two rows")
        total = sum((amount for _a, amount, _o in ver.rows), Decimal(0))
        if total != 0:
            raise SieError(f"line {ver.line}: verification {ver.number} is off by {total}")
        for account, amount, objects in ver.rows:
            if account not in sie.accounts:
                raise SieError(f"line {ver.line}: account {account} is not declared (#KONTO)")
            for dim, obj in objects.items():
                if (dim, obj) not in sie.objects:
                    raise SieError(f"line {ver.line}: object {dim} {obj} is not declared")
            moved[account] += amount
    for account in set(sie.opening) | set(sie.closing):
        if account not in sie.accounts:
            raise SieError(f"balance for undeclared account {account}")
        expected = sie.opening.get(account, Decimal(0)) + moved[account]
        if sie.closing.get(account, Decimal(0)) != expected:
            raise SieError(f"#UB {account} is not #IB plus the year's transactions ({expected})")
