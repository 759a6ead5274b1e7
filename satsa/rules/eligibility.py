"""The explainable eligibility check: does a case meet its rulebook's formal rules?

Each rule gives one or more findings — "holds", "fails" or "review" — with a Swedish and
an English message naming the rule and the numbers involved. Missing information gives
"review", never an exception; a case is eligible when no finding fails.

>>> from satsa.rules import get_preset
>>> result = check_eligibility(get_preset("gavleborg-2018"), {
...     "parties": [{"type": "board", "name": "Hälso- och sjukvården"},
...                 {"type": "other_public", "name": "Gävle kommun"}],
...     "duration_years": 4, "co_financing_share": 0.4,
...     "intake_round": "2018", "submitted_date": "2018-11-20"})
>>> result.eligible
False
>>> for f in result.findings:
...     print(f.rule, f.status, f.message_sv)  # doctest: +NORMALIZE_WHITESPACE
applicant_types holds Båda parterna är av slag som får delta enligt regelboken.
consortium holds Konsortieregeln är uppfylld (minst 2 organisationer eller verksamheter): ansökan har 2 organisationer.
duration fails Satsningen pågår 4 år men regelboken tillåter högst 3 år.
co_financing fails Samfinansieringen är 40\u00a0% men regelboken kräver minst 50\u00a0%.
intake_round holds Ansökan kom in 2018-11-20, senast sista dagen 2018-11-30 för ansökningsomgång 2018.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from satsa.rules import numbers
from satsa.rules.case import Case, Party, parse_case
from satsa.rules.schema import PARTY_TYPE_NAMES, ConsortiumClause, Rulebook

__all__ = ["RULES", "EligibilityResult", "Finding", "Status", "check_eligibility", "statuses"]

Status = Literal["holds", "fails", "review"]

#: Every rule id a finding can carry, in the order findings are listed.
RULES: tuple[str, ...] = (
    "applicant_types",
    "excluded_party_types",
    "consortium",
    "duration",
    "co_financing",
    "project_leader_share",
    "intake_round",
    "grants_per_year",
    "approval_rule",
)

# Names of party types in messages.
_TYPE_SV = {kind: names[0] for kind, names in PARTY_TYPE_NAMES.items()}
_TYPE_EN = {kind: names[1] for kind, names in PARTY_TYPE_NAMES.items()}
# The same with the indefinite article, for "X är en nämnd" / "X is a board".
_A_SV = {
    "board": "en nämnd",
    "civil_society": "en aktör från civilsamhället",
    "municipal_company": "ett kommunalt bolag",
    "other_public": "en annan offentlig aktör",
    "company": "ett vinstdrivande företag",
    "contracted_operator": "en verksamhet med avtal",
}
_A_EN = {
    "board": "a board",
    "civil_society": "a civil-society actor",
    "municipal_company": "a municipal company",
    "other_public": "another public actor",
    "company": "a profit-making company",
    "contracted_operator": "a contracted operator",
}
_PLURAL_SV = {
    "board": "nämnder",
    "civil_society": "aktörer från civilsamhället",
    "municipal_company": "kommunala bolag",
    "other_public": "andra offentliga aktörer",
    "company": "vinstdrivande företag",
    "contracted_operator": "verksamheter med avtal",
}
_PLURAL_EN = {
    "board": "boards",
    "civil_society": "civil-society actors",
    "municipal_company": "municipal companies",
    "other_public": "other public actors",
    "company": "profit-making companies",
    "contracted_operator": "contracted operators",
}
_MONTHS_SV = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_EPSILON = 1e-9


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a case, explained in Swedish and English.

    ``cite`` is where the rulebook takes the rule from (not part of the JSON output).
    """

    rule: str
    status: Status
    message_sv: str
    message_en: str
    cite: str | None = None

    def to_dict(self) -> dict[str, str]:
        """The finding in the CLI's JSON format."""
        return {
            "rule": self.rule,
            "status": self.status,
            "message_sv": self.message_sv,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class EligibilityResult:
    """All findings for one case under one rulebook; eligible when none fails."""

    rulebook_id: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """True when no finding fails (findings to review do not block)."""
        return not any(f.status == "fails" for f in self.findings)

    def with_status(self, status: Status) -> list[Finding]:
        """The findings with one status, e.g. everything to review."""
        return [f for f in self.findings if f.status == status]

    def to_dict(self) -> dict[str, Any]:
        """``{"eligible": bool, "findings": [...]}``, the CLI's JSON format.

        >>> EligibilityResult("x", [Finding("duration", "holds", "Ja.", "Yes.")]).to_dict()
        {'eligible': True, 'findings': [{'rule': 'duration', 'status': 'holds', 'message_sv': 'Ja.', 'message_en': 'Yes.'}]}
        """
        return {"eligible": self.eligible, "findings": [f.to_dict() for f in self.findings]}


# --- number formatting ---------------------------------------------------------------


def _num(value: float, lang: str) -> str:
    return numbers.number(round(value, 2), lang=lang, decimals=numbers.AUTO)


def _pct(share: float, lang: str) -> str:
    return numbers.percent(share, lang=lang, decimals=numbers.AUTO)


def _years(value: float, lang: str) -> str:
    text = _num(value, lang)
    if lang == "sv":
        return f"{text} år"
    return f"{text} year" if text == "1" else f"{text} years"


def _kr(amount: Decimal, lang: str) -> str:
    # The same words as satsa.core.money on the screens around these messages.
    return numbers.kr(amount, lang=lang)


def _span(low: float | None, high: float | None, lang: str) -> str:
    if low is not None and high is not None:
        return f"{_num(low, lang)}–{_years(high, lang)}"
    if low is not None:
        return ("minst " if lang == "sv" else "at least ") + _years(low, lang)
    if high is not None:
        return ("högst " if lang == "sv" else "at most ") + _years(high, lang)
    return ""


# --- parties --------------------------------------------------------------------------

Count = Literal["yes", "maybe", "no"]


@dataclass
class _PartyView:
    """How one party counts under the rulebook, with the reasons why."""

    index: int
    party: Party
    organisation: Count = "no"  # a taking-part organisation of an allowed type
    civil_society: Count = "no"
    issues: list[tuple[Status, str, str]] = field(default_factory=list)
    notes_sv: list[str] = field(default_factory=list)  # why it does not count
    notes_en: list[str] = field(default_factory=list)
    unknown_sv: list[str] = field(default_factory=list)  # what is missing to decide
    unknown_en: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = (self.party.name or "").strip()
        return name or f"part {self.index + 1}"

    @property
    def label_en(self) -> str:
        name = (self.party.name or "").strip()
        return name or f"party {self.index + 1}"

    @property
    def area(self) -> str | None:
        area = (self.party.area or "").strip().casefold()
        return area or None

    @property
    def key(self) -> tuple[object, ...]:
        """Identical entries (a board listed twice) count once; unnamed parties never merge.

        The whole entry is compared, not just the name, so the count cannot depend on
        which of two conflicting entries comes first.
        """
        name = (self.party.name or "").strip().casefold()
        if not name:
            return ("#", self.index)
        form = (self.party.form or "").strip().casefold()
        return (self.party.type, name, self.area, form, self.party.municipal_ownership)


def _views(rulebook: Rulebook, parties: list[Party]) -> list[_PartyView]:
    rule = rulebook.applicants
    has_board = any(p.type == "board" for p in parties)
    maybe_board = any(p.type is None for p in parties)
    views = []
    for index, party in enumerate(parties):
        view = _PartyView(index, party)
        views.append(view)
        kind = party.type
        sv, en = view.label, view.label_en
        if kind is None:
            view.organisation = view.civil_society = "maybe"
            view.unknown_sv.append(f"typ för {sv}")
            view.unknown_en.append(f"the type of {en}")
            view.issues.append(
                (
                    "review",
                    f"{sv} saknar typ; ange om det är en nämnd, en aktör från civilsamhället, "
                    "ett kommunalt bolag, en annan offentlig aktör eller ett företag.",
                    f"{en} has no type; say whether it is a board, a civil-society actor, a "
                    "municipal company, another public actor or a company.",
                )
            )
            continue
        if kind in rule.excluded:
            view.notes_sv.append(f"{sv} är {_A_SV[kind]} och får inte delta")
            view.notes_en.append(f"{en} is {_A_EN[kind]} and may not take part")
            continue
        if kind not in rule.allowed:
            view.notes_sv.append(f"{sv} ({_TYPE_SV[kind]}) räknas inte")
            view.notes_en.append(f"{en} ({_TYPE_EN[kind]}) does not count")
            view.issues.append(
                (
                    rule.other,
                    f"{sv} är {_A_SV[kind]}; regelboken nämner inte {_PLURAL_SV[kind]} bland dem "
                    "som får delta.",
                    f"{en} is {_A_EN[kind]}; the rulebook does not name {_PLURAL_EN[kind]} among "
                    "those who may take part.",
                )
            )
            continue
        view.organisation = "yes"
        threshold = rule.municipal_company_ownership_above
        if kind == "municipal_company" and threshold is not None:
            owned = party.municipal_ownership
            if owned is None:
                view.organisation = "maybe"
                view.unknown_sv.append(f"kommunens ägarandel i {sv}")
                view.unknown_en.append(f"the municipality's share of {en}")
                view.issues.append(
                    (
                        "review",
                        f"Kommunens ägarandel i {sv} är inte angiven; bara bolag där kommunen "
                        f"äger mer än {_pct(threshold, 'sv')} får delta.",
                        f"The municipality's share of {en} is not given; only companies more "
                        f"than {_pct(threshold, 'en')} owned by the municipality may take part.",
                    )
                )
            elif owned <= threshold + _EPSILON:
                view.organisation = "no"
                view.notes_sv.append(f"{sv} är inte majoritetsägt av kommunen")
                view.notes_en.append(f"{en} is not majority-owned by the municipality")
                view.issues.append(
                    (
                        "fails",
                        f"{sv} ägs till {_pct(owned, 'sv')} av kommunen men regelboken kräver "
                        f"mer än {_pct(threshold, 'sv')}.",
                        f"{en} is {_pct(owned, 'en')} owned by the municipality but the "
                        f"rulebook requires more than {_pct(threshold, 'en')}.",
                    )
                )
        if kind == "civil_society":
            form = (party.form or "").strip().casefold()
            if not form or form in rule.civil_society_forms:
                view.civil_society = "yes"
            else:
                view.civil_society = view.organisation = "maybe"
                view.unknown_sv.append(f"om {sv} är civilsamhälle")
                view.unknown_en.append(f"whether {en} is civil society")
                forms = ", ".join(rule.civil_society_forms)
                view.issues.append(
                    (
                        "review",
                        f"{sv} har formen '{party.form}', som inte är en form för "
                        f"civilsamhället ({forms}); vinstdrivande företag räknas inte.",
                        f"{en} has the form '{party.form}', which is not a civil-society form "
                        f"({forms}); profit-making companies do not count.",
                    )
                )
        if kind == "board" and view.area is None:
            view.unknown_sv.append(f"verksamhetsområde för {sv}")
            view.unknown_en.append(f"the area of {en}")
        if kind in rule.requires_board and not has_board:
            status: Status = "review" if maybe_board else "fails"
            view.organisation = "maybe" if maybe_board else "no"
            view.issues.append(
                (
                    status,
                    f"{sv} ({_TYPE_SV[kind]}) får bara delta tillsammans med minst en kommunal "
                    "nämnd, och ansökan har ingen.",
                    f"{en} ({_TYPE_EN[kind]}) may take part only together with at least one "
                    "municipal board, and the application has none.",
                )
            )
    return views


def _check_applicant_types(rb: Rulebook, case: Case, views: list[_PartyView]) -> list[Finding]:
    cite = rb.applicants.cite
    if not case.parties:
        return [
            Finding(
                "applicant_types",
                "review",
                "Ansökan anger inga parter, så det går inte att pröva vilka som får delta.",
                "The application names no parties, so who may take part cannot be checked.",
                cite,
            )
        ]
    found = [
        Finding("applicant_types", status, sv, en, cite)
        for view in views
        for status, sv, en in view.issues
    ]
    if found:
        return found
    n = len(views)
    if n == 1:
        sv, en = "Parten är av ett slag", "The party is of a kind"
    elif n == 2:
        sv, en = "Båda parterna är av slag", "Both parties are of kinds"
    else:
        sv, en = f"Alla {n} parter är av slag", f"All {n} parties are of kinds"
    return [
        Finding(
            "applicant_types",
            "holds",
            f"{sv} som får delta enligt regelboken.",
            f"{en} the rulebook allows.",
            cite,
        )
    ]


def _check_excluded(rb: Rulebook, case: Case, views: list[_PartyView]) -> list[Finding]:
    excluded = rb.applicants.excluded
    if not excluded:
        return []
    cite = rb.applicants.cite
    names_sv = " eller ".join(_A_SV[k] for k in excluded)
    names_en = " or ".join(_A_EN[k] for k in excluded)
    if case.parties is None:
        return [
            Finding(
                "excluded_party_types",
                "review",
                f"Parterna är inte angivna; ingen part får vara {names_sv}.",
                f"The parties are not given; no party may be {names_en}.",
                cite,
            )
        ]
    found = []
    for view in views:
        kind = view.party.type
        if kind in excluded:
            extra_sv = extra_en = ""
            if kind == "company":
                extra_sv = " Vinstdrivande företag räknas inte som civilsamhälle."
                extra_en = " Profit-making companies are not civil society."
            found.append(
                Finding(
                    "excluded_party_types",
                    "fails",
                    f"{view.label} är {_A_SV[kind]}, och regelboken utesluter "
                    f"{_PLURAL_SV[kind]}.{extra_sv}",
                    f"{view.label_en} is {_A_EN[kind]}, and the rulebook excludes "
                    f"{_PLURAL_EN[kind]}.{extra_en}",
                    cite,
                )
            )
    return found or [
        Finding(
            "excluded_party_types",
            "holds",
            f"Ingen part är {names_sv}.",
            f"No party is {names_en}.",
            cite,
        )
    ]


# --- consortium -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    boards: tuple[int, int]  # (certain, possible)
    areas: tuple[int, int]
    civil_society: tuple[int, int]
    organisations: tuple[int, int]


def _count(views: list[_PartyView]) -> _Counts:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for view in views:
        if view.key not in seen:
            seen.add(view.key)
            unique.append(view)
    boards = [v for v in unique if v.party.type == "board"]
    untyped = sum(1 for v in unique if v.party.type is None)
    known_areas = {v.area for v in boards if v.area is not None}
    no_area = sum(1 for v in boards if v.area is None)
    areas_low = len(known_areas) if known_areas else (1 if no_area else 0)

    def tally(attribute: str) -> tuple[int, int]:
        yes = sum(1 for v in unique if getattr(v, attribute) == "yes")
        maybe = sum(1 for v in unique if getattr(v, attribute) == "maybe")
        return yes, yes + maybe

    return _Counts(
        boards=(len(boards), len(boards) + untyped),
        areas=(areas_low, len(known_areas) + no_area + untyped),
        civil_society=tally("civil_society"),
        organisations=tally("organisation"),
    )


def _clause_status(clause: ConsortiumClause, counts: _Counts) -> Status:
    boards = counts.areas if clause.boards_from_distinct_areas else counts.boards
    needs = [
        (clause.min_boards, boards),
        (clause.min_civil_society, counts.civil_society),
        (clause.min_organisations, counts.organisations),
    ]
    if all(low >= need for need, (low, _high) in needs):
        return "holds"
    if all(high >= need for need, (_low, high) in needs):
        return "review"
    return "fails"


def _describe_counts(rb: Rulebook, counts: _Counts, lang: str) -> str:
    clauses = rb.consortium.any_of
    parts = []
    if any(c.min_boards for c in clauses):
        n = counts.boards[0]
        if any(c.boards_from_distinct_areas for c in clauses):
            a = counts.areas[0]
            if lang == "sv":
                parts.append(
                    f"{n} {'nämnd' if n == 1 else 'nämnder'} från {a} "
                    f"{'verksamhetsområde' if a == 1 else 'verksamhetsområden'}"
                )
            else:
                parts.append(
                    f"{n} board{'' if n == 1 else 's'} from {a} area{'' if a == 1 else 's'}"
                )
        else:
            parts.append(
                f"{n} {'nämnd' if n == 1 else 'nämnder'}"
                if lang == "sv"
                else f"{n} board{'' if n == 1 else 's'}"
            )
    if any(c.min_civil_society for c in clauses):
        n = counts.civil_society[0]
        parts.append(
            f"{n} {'aktör' if n == 1 else 'aktörer'} från civilsamhället"
            if lang == "sv"
            else f"{n} civil-society actor{'' if n == 1 else 's'}"
        )
    if any(c.min_organisations for c in clauses):
        n = counts.organisations[0]
        parts.append(
            f"{n} {'organisation' if n == 1 else 'organisationer'}"
            if lang == "sv"
            else f"{n} organisation{'' if n == 1 else 's'}"
        )
    joiner = " och " if lang == "sv" else " and "
    return joiner.join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def _check_consortium(rb: Rulebook, case: Case, views: list[_PartyView]) -> list[Finding]:
    rule = rb.consortium
    alternatives_sv = " eller ".join(c.text_sv for c in rule.any_of)
    alternatives_en = " or ".join(c.text_en for c in rule.any_of)
    if case.parties is None:
        return [
            Finding(
                "consortium",
                "review",
                f"Parterna är inte angivna; konsortieregeln kräver {alternatives_sv}.",
                f"The parties are not given; the consortium rule requires {alternatives_en}.",
                rule.cite,
            )
        ]
    counts = _count(views)
    statuses = [(c, _clause_status(c, counts)) for c in rule.any_of]
    has_sv = _describe_counts(rb, counts, "sv")
    has_en = _describe_counts(rb, counts, "en")
    for clause, status in statuses:
        if status == "holds":
            return [
                Finding(
                    "consortium",
                    "holds",
                    f"Konsortieregeln är uppfylld ({clause.text_sv}): ansökan har {has_sv}.",
                    f"The consortium rule holds ({clause.text_en}): the application has {has_en}.",
                    rule.cite,
                )
            ]
    notes_sv = [n for v in views for n in v.notes_sv]
    notes_en = [n for v in views for n in v.notes_en]
    if any(v.party.type == "company" for v in views) and any(
        c.min_civil_society for c in rule.any_of
    ):
        notes_sv.append("vinstdrivande företag räknas inte som civilsamhälle")
        notes_en.append("profit-making companies are not civil society")
    tail_sv = f" ({'; '.join(notes_sv)})" if notes_sv else ""
    tail_en = f" ({'; '.join(notes_en)})" if notes_en else ""
    if any(status == "review" for _c, status in statuses):
        unknown_sv = "; ".join(u for v in views for u in v.unknown_sv) or "parterna"
        unknown_en = "; ".join(u for v in views for u in v.unknown_en) or "the parties"
        return [
            Finding(
                "consortium",
                "review",
                f"Konsortieregeln kräver {alternatives_sv}; ansökan har säkert {has_sv}, men "
                f"uppgift saknas om {unknown_sv}{tail_sv}.",
                f"The consortium rule requires {alternatives_en}; the application certainly "
                f"has {has_en}, but {unknown_en} is not known{tail_en}.",
                rule.cite,
            )
        ]
    return [
        Finding(
            "consortium",
            "fails",
            f"Konsortieregeln är inte uppfylld: regelboken kräver {alternatives_sv}, men "
            f"ansökan har {has_sv}{tail_sv}.",
            f"The consortium rule does not hold: the rulebook requires {alternatives_en}, but "
            f"the application has {has_en}{tail_en}.",
            rule.cite,
        )
    ]


# --- duration, money, staffing, intake ------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _years_between(start: dt.date, end: dt.date) -> float:
    """Whole years plus a fraction; ``end`` is the last day, so 1 Jan–31 Dec is one year."""
    stop = end + dt.timedelta(days=1)
    whole = max(0, stop.year - start.year)
    while whole and _add_years(start, whole) > stop:
        whole -= 1
    rest = (stop - _add_years(start, whole)).days
    return whole + rest / 365.0


def _check_duration(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.duration
    low, high = rule.min_years, rule.max_years
    limited = low is not None or high is not None

    def finding(status: Status, sv: str, en: str) -> list[Finding]:
        return [Finding("duration", status, sv, en, rule.cite)]

    years = case.duration_years
    if years is None and case.start_date is not None and case.end_date is not None:
        if case.end_date < case.start_date:
            return finding(
                "review",
                f"Slutdatumet {case.end_date} ligger före startdatumet {case.start_date}.",
                f"The end date {case.end_date} is before the start date {case.start_date}.",
            )
        years = _years_between(case.start_date, case.end_date)
    if years is None:
        if not (limited or rule.must_be_stated):
            return []
        demand_sv = (
            f"regelboken kräver {_span(low, high, 'sv')}"
            if limited
            else ("regelboken kräver att tidsperioden anges")
        )
        demand_en = (
            f"the rulebook requires {_span(low, high, 'en')}"
            if limited
            else ("the rulebook requires the period to be stated")
        )
        return finding(
            "review",
            f"Satsningens längd är inte angiven; {demand_sv}.",
            f"The intervention's duration is not given; {demand_en}.",
        )
    if years <= 0:
        return finding(
            "review",
            f"Satsningens längd är {_years(years, 'sv')}; ange hur länge den pågår.",
            f"The intervention's duration is {_years(years, 'en')}; give how long it runs.",
        )
    if low is not None and years < low - _EPSILON:
        return finding(
            "fails",
            f"Satsningen pågår {_years(years, 'sv')} men regelboken kräver minst "
            f"{_years(low, 'sv')}.",
            f"The intervention runs {_years(years, 'en')} but the rulebook requires at least "
            f"{_years(low, 'en')}.",
        )
    if high is not None and years > high + _EPSILON:
        return finding(
            "fails",
            f"Satsningen pågår {_years(years, 'sv')} men regelboken tillåter högst "
            f"{_years(high, 'sv')}.",
            f"The intervention runs {_years(years, 'en')} but the rulebook allows at most "
            f"{_years(high, 'en')}.",
        )
    if limited:
        return finding(
            "holds",
            f"Satsningen pågår {_years(years, 'sv')}, inom regelbokens gräns "
            f"({_span(low, high, 'sv')}).",
            f"The intervention runs {_years(years, 'en')}, within the rulebook's limit "
            f"({_span(low, high, 'en')}).",
        )
    typical_sv = typical_en = ""
    if rule.typical_years is not None:
        typical_sv = f" (vanligt är {_years(rule.typical_years, 'sv')})"
        typical_en = f" (typically {_years(rule.typical_years, 'en')})"
    return finding(
        "holds",
        f"Satsningen pågår {_years(years, 'sv')}; regelboken anger ingen gräns{typical_sv}.",
        f"The intervention runs {_years(years, 'en')}; the rulebook sets no limit{typical_en}.",
    )


def _check_co_financing(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.co_financing
    need = rule.min_share
    if need is None:
        return []

    def finding(status: Status, sv: str, en: str) -> list[Finding]:
        return [Finding("co_financing", status, sv, en, rule.cite)]

    share = case.co_financing_share
    how_sv = how_en = ""
    if share is None and case.total_cost is not None and case.requested_amount is not None:
        total, asked = case.total_cost, case.requested_amount
        if total <= 0 or asked > total:
            return finding(
                "review",
                f"Sökt belopp {_kr(asked, 'sv')} och total kostnad {_kr(total, 'sv')} går inte "
                f"ihop; regelboken kräver minst {_pct(need, 'sv')} samfinansiering.",
                f"The requested amount {_kr(asked, 'en')} and total cost {_kr(total, 'en')} do "
                f"not add up; the rulebook requires at least {_pct(need, 'en')} co-financing.",
            )
        share = float(1 - asked / total)
        how_sv = f" (total kostnad {_kr(total, 'sv')}, sökt belopp {_kr(asked, 'sv')})"
        how_en = f" (total cost {_kr(total, 'en')}, requested {_kr(asked, 'en')})"
    if share is None:
        return finding(
            "review",
            f"Samfinansieringen är inte angiven; regelboken kräver minst {_pct(need, 'sv')}.",
            f"The co-financing is not given; the rulebook requires at least {_pct(need, 'en')}.",
        )
    if share < need - _EPSILON:
        return finding(
            "fails",
            f"Samfinansieringen är {_pct(share, 'sv')}{how_sv} men regelboken kräver minst "
            f"{_pct(need, 'sv')}.",
            f"The co-financing is {_pct(share, 'en')}{how_en} but the rulebook requires at "
            f"least {_pct(need, 'en')}.",
        )
    return finding(
        "holds",
        f"Samfinansieringen är {_pct(share, 'sv')}{how_sv}, minst de {_pct(need, 'sv')} som "
        "regelboken kräver.",
        f"The co-financing is {_pct(share, 'en')}{how_en}, at least the {_pct(need, 'en')} the "
        "rulebook requires.",
    )


def _check_project_leader(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.project_leader
    if rule is None:
        return []
    need, share = rule.min_post_share, case.project_leader_share
    if share is None:
        status: Status = "review"
        sv = (
            "Projektledarens andel av en heltid är inte angiven; regelboken kräver minst "
            f"{_pct(need, 'sv')}."
        )
        en = (
            "The project leader's share of a full-time post is not given; the rulebook "
            f"requires at least {_pct(need, 'en')}."
        )
    elif share < need - _EPSILON:
        status = "fails"
        sv = (
            f"Projektledaren har {_pct(share, 'sv')} av en heltid men regelboken kräver minst "
            f"{_pct(need, 'sv')}."
        )
        en = (
            f"The project leader has {_pct(share, 'en')} of a full-time post but the rulebook "
            f"requires at least {_pct(need, 'en')}."
        )
    else:
        status = "holds"
        sv = (
            f"Projektledaren har {_pct(share, 'sv')} av en heltid, minst de {_pct(need, 'sv')} "
            "som regelboken kräver."
        )
        en = (
            f"The project leader has {_pct(share, 'en')} of a full-time post, at least the "
            f"{_pct(need, 'en')} the rulebook requires."
        )
    return [Finding("project_leader_share", status, sv, en, rule.cite)]


def _check_intake(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.intake

    def finding(status: Status, sv: str, en: str) -> list[Finding]:
        return [Finding("intake_round", status, sv, en, rule.cite)]

    if rule.mode == "continuous":
        return finding(
            "holds",
            "Regelboken har löpande intag; ansökan kan lämnas när som helst.",
            "The rulebook has continuous intake; an application may be made at any time.",
        )
    when_sv = when_en = ""
    if rule.yearly_deadline is not None:
        day, month = rule.yearly_deadline.day, rule.yearly_deadline.month
        when_sv = f" Sista dag är den {day} {_MONTHS_SV[month - 1]} varje år."
        when_en = f" The deadline is {day} {_MONTHS_EN[month - 1]} each year."
    if case.intake_round is None:
        return finding(
            "review",
            f"Ansökningsomgången är inte angiven.{when_sv}",
            f"The application round is not given.{when_en}",
        )
    round_id = case.intake_round.strip()
    deadline = rule.deadline_for(round_id)
    if deadline is None:
        known = ", ".join(r.id for r in rule.rounds) or "–"
        return finding(
            "review",
            f"Ansökningsomgången '{round_id}' finns inte i regelboken (kända: {known}).{when_sv}",
            f"The application round '{round_id}' is not in the rulebook (known: {known}).{when_en}",
        )
    opens = next((r.opens for r in rule.rounds if r.id == round_id), None)
    submitted = case.submitted_date
    if submitted is None:
        return finding(
            "review",
            f"Inlämningsdatum saknas; ansökningsomgång {round_id} stänger {deadline}.",
            f"The submission date is missing; round {round_id} closes on {deadline}.",
        )
    if submitted > deadline:
        return finding(
            "fails",
            f"Ansökan kom in {submitted}, efter sista dagen {deadline} för ansökningsomgång "
            f"{round_id}.",
            f"The application arrived on {submitted}, after the deadline {deadline} of round "
            f"{round_id}.",
        )
    if opens is not None and submitted < opens:
        return finding(
            "fails",
            f"Ansökan kom in {submitted}, innan ansökningsomgång {round_id} öppnade {opens}.",
            f"The application arrived on {submitted}, before round {round_id} opened on {opens}.",
        )
    return finding(
        "holds",
        f"Ansökan kom in {submitted}, senast sista dagen {deadline} för ansökningsomgång "
        f"{round_id}.",
        f"The application arrived on {submitted}, by the deadline {deadline} of round {round_id}.",
    )


def _check_grants(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.grants
    limit = rule.max_new_per_year
    if limit is None:
        return []
    note_sv = " (ett förvalt värde som organisationen kan ändra)" if rule.assumed else ""
    note_en = " (a default the organisation may change)" if rule.assumed else ""
    done = case.new_grants_this_year
    if done is None:
        status: Status = "review"
        sv = (
            f"Regelboken tillåter högst {limit} nya satsningar per år{note_sv}; hur många som "
            "redan beviljats i år är inte angivet."
        )
        en = (
            f"The rulebook allows at most {limit} new interventions a year{note_en}; how many "
            "have been granted this year is not given."
        )
    elif done >= limit:
        status = "fails"
        sv = (
            f"Redan {done} nya satsningar har beviljats i år och regelboken tillåter högst "
            f"{limit} per år{note_sv}."
        )
        en = (
            f"{done} new interventions have already been granted this year and the rulebook "
            f"allows at most {limit} a year{note_en}."
        )
    else:
        status = "holds"
        sv = f"{done} av högst {limit} nya satsningar per år är beviljade{note_sv}."
        en = f"{done} of at most {limit} new interventions a year have been granted{note_en}."
    return [Finding("grants_per_year", status, sv, en, rule.cite)]


def _check_approval(rb: Rulebook, case: Case, _views: list[_PartyView]) -> list[Finding]:
    rule = rb.approval
    if rule.rule != "savings_cover_cost":
        return []
    if rule.horizon_years_after_end is not None:
        within_sv = f" inom {rule.horizon_years_after_end} år efter avslut"
        within_en = f" within {rule.horizon_years_after_end} years after the end"
    else:
        within_sv = within_en = ""
    if rule.basis == "discounted":
        within_sv += f" (diskonterat med {_pct(rule.discount_rate, 'sv')})"
        within_en += f" (discounted at {_pct(rule.discount_rate, 'en')})"
    cost = case.total_cost if case.total_cost is not None else case.requested_amount
    if case.approval_cost is not None:
        cost = case.approval_cost
    savings = case.expected_savings
    if savings is None or cost is None:
        missing_sv = "förväntade besparingar" if savings is None else "kostnaden"
        missing_en = "the expected savings" if savings is None else "the cost"
        status: Status = "review"
        sv = (
            f"Uppgift saknas om {missing_sv}; regelboken kräver att besparingarna{within_sv} "
            "minst täcker kostnaden."
        )
        en = (
            f"{missing_en.capitalize()} {'are' if savings is None else 'is'} not given; the "
            f"rulebook requires the savings{within_en} to cover at least the cost."
        )
    elif savings < cost:
        status = "fails"
        sv = (
            f"Förväntade besparingar{within_sv} är {_kr(savings, 'sv')} men kostnaden är "
            f"{_kr(cost, 'sv')}; regelboken kräver att besparingarna minst täcker kostnaden."
        )
        en = (
            f"Expected savings{within_en} are {_kr(savings, 'en')} but the cost is "
            f"{_kr(cost, 'en')}; the rulebook requires the savings to cover at least the cost."
        )
    else:
        status = "holds"
        sv = (
            f"Förväntade besparingar{within_sv} är {_kr(savings, 'sv')} och täcker kostnaden "
            f"{_kr(cost, 'sv')}."
        )
        en = (
            f"Expected savings{within_en} are {_kr(savings, 'en')} and cover the cost "
            f"{_kr(cost, 'en')}."
        )
    return [Finding("approval_rule", status, sv, en, rule.cite)]


_Check = Callable[[Rulebook, Case, list[_PartyView]], list[Finding]]
_CHECKS: tuple[_Check, ...] = (
    _check_applicant_types,
    _check_excluded,
    _check_consortium,
    _check_duration,
    _check_co_financing,
    _check_project_leader,
    _check_intake,
    _check_grants,
    _check_approval,
)


def check_eligibility(rulebook: Rulebook, case: Case | Mapping[str, Any]) -> EligibilityResult:
    """Check a case against a rulebook's formal rules and explain every verdict.

    ``case`` is a :class:`~satsa.rules.case.Case` or a dict in the same shape (see
    ``docs/rules.md``); a dict with values of the wrong type raises
    :class:`~satsa.rules.case.CaseError`. Missing information never raises: the rule it
    concerns is marked "review".

    >>> from satsa.rules import get_preset
    >>> orebro = get_preset("orebro-2020")
    >>> same_area = {"parties": [{"type": "board", "name": "Socialnämnden", "area": "social"},
    ...                          {"type": "board", "name": "Arbetsmarknadsnämnden",
    ...                           "area": "social"}]}
    >>> result = check_eligibility(orebro, same_area)
    >>> result.eligible
    False
    >>> [f.message_en for f in result.findings if f.rule == "consortium"]  # doctest: +ELLIPSIS
    ['The consortium rule does not hold: ... but the application has 2 boards from 1 area and 0 civil-society actors.']
    >>> check_eligibility(orebro, {}).eligible  # nothing known yet: all to review
    True
    """
    parsed = parse_case(case)
    views = _views(rulebook, parsed.parties or [])
    findings: list[Finding] = []
    for check in _CHECKS:
        findings += check(rulebook, parsed, views)
    return EligibilityResult(rulebook.id, findings)


def statuses(findings: Iterable[Finding]) -> dict[str, Status]:
    """The worst status per rule ("fails" over "review" over "holds").

    >>> statuses([Finding("consortium", "holds", "", ""), Finding("duration", "review", "", ""),
    ...           Finding("duration", "fails", "", "")])
    {'consortium': 'holds', 'duration': 'fails'}
    """
    order = {"holds": 0, "review": 1, "fails": 2}
    worst: dict[str, Status] = {}
    for finding in findings:
        if finding.rule not in worst or order[finding.status] > order[worst[finding.rule]]:
            worst[finding.rule] = finding.status
    return worst
