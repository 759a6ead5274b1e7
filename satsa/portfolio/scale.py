"""A national data set: about 300 organisations and N cases, for benchmarks (``satsa demo
--scale N``, ``benchmarks/bench_pages.py``) and for the tests that hold page costs constant.

Building 10 000 cases through the services would take hours, so the cases are bulk copies
of cases the services made: the normal demo's Örebro cases (built step by step through
the real services, with their ledger, claims, payments, reports, measures and events) are
the templates. Each copy gets its organisation's own boards, departments, parties, people
(mapped by role) and rulebook version, new keys wherever a key must be unique, and a
20-line calculation whose result the engine computed once per template. A copy of a
closed or preparation case is sometimes given a neighbouring stage (running, decided,
terminated, rejected, needs) so that every stage holds cases; like the demo's own portfolio
loader, these copies set ``Case.stage`` directly and never pass ``stage_change()``.

The ledger stays balanced: every copied transaction keeps its entries, and each
organisation receives a copy of the template's deposits for every round of templates it
holds, so no copy commits money its fund does not have.

Lives in the portfolio (the top floor) because it reads and writes every app's tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction

from satsa.calculations import engine
from satsa.calculations.models import Calculation, CalculationSnapshot
from satsa.cases.models import (
    ApplicationVersion,
    Attachment,
    BoardNotice,
    Case,
    CriterionAssessment,
    Exemption,
    Signature,
    Stage,
    StepRecord,
)
from satsa.events.models import Event
from satsa.followup import models as fm
from satsa.funds import models as fum
from satsa.orgs.models import Board, Department, ExternalParty, Membership, Organisation
from satsa.portfolio.models import PublishedReport
from satsa.rulebooks.models import RulebookVersion

TEMPLATE_SLUG = "orebro"
TEMPLATE_NAME = "Örebro kommun"
BIG_SLUG = "storstad"
BIG_NAME = "Storstads kommun"
DEMO_PASSWORD = "satsa-demo"
REGIONS = 21

# What a copy of a template in one stage may become instead, in turn (the first is itself).
VARIANTS: dict[str, list[str]] = {
    Stage.CLOSED: [Stage.CLOSED, Stage.RUNNING, Stage.RUNNING, Stage.DECIDED, Stage.TERMINATED],
    Stage.PREPARATION: [Stage.PREPARATION, Stage.PREPARATION, Stage.REJECTED],
    Stage.IDEA: [Stage.IDEA, Stage.IDEA, Stage.NEEDS],
}
# Stages whose cases carry a calculation (an application has been written).
WITH_CALCULATION = {
    Stage.APPLICATION,
    Stage.PREPARATION,
    Stage.DECIDED,
    Stage.REJECTED,
    Stage.RUNNING,
    Stage.TERMINATED,
    Stage.CLOSED,
    Stage.IMPLEMENTED,
}

# Invented, Swedish-sounding place names: first part + ending, 20 x 15 = 300 of them.
_STEMS = [
    "Al",
    "Björk",
    "Ek",
    "Gran",
    "Lind",
    "Sjö",
    "Berg",
    "Hav",
    "Äng",
    "Sten",
    "Norr",
    "Sunn",
    "Väster",
    "Öster",
    "Mal",
    "Rosen",
    "Hult",
    "Kvarn",
    "Dal",
    "Bro",
]
_ENDINGS = [
    "by",
    "sund",
    "vik",
    "ås",
    "köping",
    "hamn",
    "berga",
    "torp",
    "fors",
    "dal",
    "holm",
    "stad",
    "näs",
    "lunda",
    "bo",
]
_FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Johan",
    "Karin",
    "Lars",
    "Eva",
    "Anders",
    "Sofia",
    "Per",
    "Emma",
    "Mikael",
    "Lena",
    "Jonas",
    "Sara",
    "Ahmed",
    "Elin",
    "Nils",
]
_LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hassan",
    "Lindberg",
]


@dataclass
class ScaleResult:
    organisations: int = 0
    cases: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    # this process's CPU time: on a shared machine the wall time also counts the others
    cpu_seconds: float = 0.0


def place_names(count: int) -> list[tuple[str, str, str]]:
    """(slug, name, kind) for ``count`` organisations: the big one first, then regions
    (``REGIONS`` of them) and municipalities."""
    out: list[tuple[str, str, str]] = [(BIG_SLUG, BIG_NAME, Organisation.Kind.MUNICIPALITY)]
    stems = [s + e for e in _ENDINGS for s in _STEMS]
    for n, stem in enumerate(stems[: max(0, count - 1)]):
        slug = stem.lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace("é", "e")
        if n < REGIONS:
            out.append((f"region-{slug}", f"Region {stem}", Organisation.Kind.REGION))
        else:
            # "Lunds kommun", "Sundsvalls kommun", but "Täby kommun", "Borås kommun"
            genitive = stem if stem[-1] in "aeiouyåäös" else stem + "s"
            out.append((slug, f"{genitive} kommun", Organisation.Kind.MUNICIPALITY))
    return out[:count]


# --- organisations ---------------------------------------------------------------


@dataclass
class OrgMaps:
    """How the template organisation's things map onto one copy organisation's."""

    org: Organisation
    units: dict[tuple[type[models.Model], int], int]
    users: dict[int, int]
    rulebook_keys: dict[str, str]


def _rulebook_text(text: str, template: Organisation, org: Organisation) -> str:
    return (
        text.replace(template.name, org.name)
        .replace(f'"{template.slug}-', f'"{org.slug}-')
        .replace(f'organisation = "{template.slug}"', f'organisation = "{org.slug}"')
    )


def _ensure_organisations(template: Organisation, count: int) -> dict[int, OrgMaps]:
    """The copy organisations (created when missing) with their maps, by organisation id."""
    names = place_names(count)
    existing = {o.slug: o for o in Organisation.objects.filter(slug__in=[s for s, _, _ in names])}
    used_codes = set(Organisation.objects.values_list("code", flat=True))
    codes = (f"{c:04d}" for c in range(9999, 0, -1) if f"{c:04d}" not in used_codes)
    new = [
        Organisation(slug=slug, name=name, kind=kind, code=next(codes))
        for slug, name, kind in names
        if slug not in existing
    ]
    Organisation.objects.bulk_create(new)
    created = {o.slug for o in new}
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[s for s, _, _ in names])}
    fresh = [orgs[s] for s in created]

    t_boards = list(Board.objects.filter(organisation=template).order_by("id"))
    t_departments = list(
        Department.objects.filter(organisation=template).order_by("id").prefetch_related("boards")
    )
    t_parties = list(ExternalParty.objects.filter(organisation=template).order_by("id"))
    t_members = list(
        Membership.objects.active()
        .filter(organisation=template)
        .select_related("user", "board", "department")
        .order_by("id")
    )
    t_rulebooks = list(RulebookVersion.objects.filter(organisation=template))
    if fresh:
        Board.objects.bulk_create(
            [Board(organisation=o, **_extra(b, "organisation")) for o in fresh for b in t_boards]
        )
        Department.objects.bulk_create(
            [Department(organisation=o, name=d.name) for o in fresh for d in t_departments]
        )
        boards = {
            (b.organisation_id, b.name): b.pk for b in Board.objects.filter(organisation__in=fresh)
        }
        departments = Department.objects.filter(organisation__in=fresh)
        Through = Department.boards.through
        Through.objects.bulk_create(
            [
                Through(department_id=d.pk, board_id=boards[(d.organisation_id, b.name)])
                for d in departments
                for td in t_departments
                if td.name == d.name
                for b in td.boards.all()
            ]
        )
        ExternalParty.objects.bulk_create(
            [
                ExternalParty(
                    organisation=o,
                    name=_party_name(p, template, o),
                    kind=p.kind,
                    form=p.form,
                    municipal_ownership=p.municipal_ownership,
                )
                for o in fresh
                for p in t_parties
            ]
        )
        _people(fresh, t_members)
        RulebookVersion.objects.bulk_create(
            [
                RulebookVersion(
                    organisation=o,
                    key=r.key.replace(template.slug, o.slug, 1),
                    title=r.title,
                    version=r.version,
                    valid_from=r.valid_from,
                    source_toml=_rulebook_text(r.source_toml, template, o),
                )
                for o in fresh
                for r in t_rulebooks
            ]
        )
    return {
        o.pk: _maps(template, o, t_boards, t_departments, t_parties, t_members)
        for o in orgs.values()
    }


def _extra(obj: models.Model, *skip: str) -> dict[str, Any]:
    """A template row's other plain fields (everything but its key and ``skip``)."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.name in skip:
            continue
        out[f.attname] = getattr(obj, f.attname)
    return out


def _party_name(party: ExternalParty, template: Organisation, org: Organisation) -> str:
    stem = org.name.removesuffix(" kommun").removeprefix("Region ")
    name = party.name.replace("Örebrobostäder AB (ÖBO)", f"{stem}bostäder AB")
    name = name.replace("Region Örebro län", f"Region {stem} län")
    return name.replace("Örebro", stem)


def _people(orgs: list[Organisation], members: list[Membership]) -> None:
    """One person per role in each organisation, like the template's, password as the demo."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    users = []
    # A role held several times in the template (a secretary per board) gets numbered names.
    seen: dict[str, int] = {}
    names = []
    for member in members:
        seen[member.role] = seen.get(member.role, 0) + 1
        suffix = "" if seen[member.role] == 1 else f"-{seen[member.role]}"
        names.append(member.role.replace("_", "-") + suffix)
    for n, org in enumerate(orgs):
        for k, member in enumerate(members):
            first = _FIRST[(n + k) % len(_FIRST)]
            last = _LAST[(n * 7 + k) % len(_LAST)]
            username = f"{org.slug}-{names[k]}"
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    title=member.user.title,
                    email=f"{username}@demo.satsa.se",
                    password=password,
                )
            )
    User.objects.bulk_create(users)
    by_name = {
        u.username: u.pk for u in User.objects.filter(username__in=[u.username for u in users])
    }
    boards = {
        (b.organisation_id, b.name): b.pk for b in Board.objects.filter(organisation__in=orgs)
    }
    depts = {
        (d.organisation_id, d.name): d.pk for d in Department.objects.filter(organisation__in=orgs)
    }
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=by_name[f"{org.slug}-{names[k]}"],
                organisation=org,
                role=m.role,
                board_id=boards[(org.pk, m.board.name)] if m.board else None,
                department_id=depts[(org.pk, m.department.name)] if m.department else None,
            )
            for org in orgs
            for k, m in enumerate(members)
        ]
    )


def _maps(
    template: Organisation,
    org: Organisation,
    boards: list[Board],
    departments: list[Department],
    parties: list[ExternalParty],
    members: list[Membership],
) -> OrgMaps:
    units: dict[tuple[type[models.Model], int], int] = {}
    mine_b = {b.name: b.pk for b in Board.objects.filter(organisation=org)}
    mine_d = {d.name: d.pk for d in Department.objects.filter(organisation=org)}
    mine_p = {p.name: p.pk for p in ExternalParty.objects.filter(organisation=org)}
    for b in boards:
        units[(Board, b.pk)] = mine_b[b.name]
    for d in departments:
        units[(Department, d.pk)] = mine_d[d.name]
    for p in parties:
        units[(ExternalParty, p.pk)] = mine_p[_party_name(p, template, org)]
    people = dict(
        Membership.objects.active().filter(organisation=org).values_list("role", "user_id")
    )
    users = {m.user_id: people[m.role] for m in members if m.role in people}
    keys = {
        r.key: r.key.replace(template.slug, org.slug, 1)
        for r in RulebookVersion.objects.filter(organisation=template)
    }
    return OrgMaps(org=org, units=units, users=users, rulebook_keys=keys)


# --- the generic copier ------------------------------------------------------------

# The case's things in the order they can be created (what a row points at comes first),
# each with the lookup from the row to its case.
COPIED: list[tuple[type[models.Model], str]] = [
    (Case, "id"),
    (ApplicationVersion, "case_id"),
    (Attachment, "case_id"),
    (CriterionAssessment, "case_id"),
    (StepRecord, "case_id"),
    (BoardNotice, "case_id"),
    (Signature, "case_id"),
    (Exemption, "case_id"),
    (CalculationSnapshot, "case_id"),
    (fum.PaymentPlan, "case_id"),
    (fum.PaymentPlanLine, "plan__case_id"),
    (fum.RepaymentPlan, "case_id"),
    (fum.RepaymentLine, "plan__case_id"),
    (fum.PlanApproval, "payment_plan__case_id"),
    (fum.Claim, "case_id"),
    (fum.ClaimApproval, "claim__case_id"),
    (fum.Transaction, "case_id"),
    (fum.Entry, "transaction__case_id"),
    (fm.EvaluationSchema, "case_id"),
    (fm.SubGoal, "schema__case_id"),
    (fm.Activity, "subgoal__schema__case_id"),
    (fm.Measure, "schema__case_id"),
    (fm.ImportBatch, "case_id"),
    (fm.MeasureValue, "measure__schema__case_id"),
    (fm.PersonValue, "measure__schema__case_id"),
    (fm.InstrumentResult, "case_id"),
    (fm.Report, "case_id"),
    (fm.EffectEvaluation, "case_id"),
    (fm.TerminationProposal, "case_id"),
    (fm.ImplementationDecision, "case_id"),
    (fm.FidelityCheck, "case_id"),
    (PublishedReport, "case_id"),
]
COPIED_MODELS: set[type[models.Model]] = {m for m, _ in COPIED}
UNITS = (Board, Department, ExternalParty)


@contextlib.contextmanager
def _keeping_timestamps() -> Iterator[None]:
    """Copies keep their template's times: auto_now(_add) is off while they are written."""
    saved: list[tuple[Any, bool, bool]] = []
    written: list[type[models.Model]] = [*COPIED_MODELS, Event, Calculation]
    for model in written:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _fresh_key(value: Any, f: models.Field[Any, Any]) -> Any:
    if not value:
        return value
    return uuid.uuid4().hex[: f.max_length or 32]


@dataclass
class Templates:
    cases: list[Case]
    rows: dict[type[models.Model], dict[int, list[dict[str, Any]]]]
    m2m: dict[str, dict[int, list[int]]]
    events: dict[int, list[dict[str, Any]]]
    calculations: dict[int, tuple[dict[str, Any], dict[str, Any]]]
    deposits: list[tuple[dict[str, Any], list[dict[str, Any]]]]
    # the stage of an organisation's first copies (its first ``KEPT`` cases)
    kept: list[str] = field(default_factory=list)


def _values(qs: models.QuerySet[Any], model: type[models.Model]) -> list[dict[str, Any]]:
    return list(qs.values(*[f.attname for f in model._meta.concrete_fields]))


# How many of an organisation's first cases have the stage load_templates gives them, and
# how many of them every page of pages() needs.
KEPT = 5
NEEDED = 4
# The preparation step whose cases the steering group ranks (``decisions.views.ranking``).
RANKED_STEP = "steering_group"


def load_templates(template: Organisation) -> Templates:
    """Read the template organisation's cases and everything hanging from them once.

    The cases come in the order organisations receive copies of them. The first four
    (``NEEDED``) are what the benchmark's pages (``pages()``) need, so that an
    organisation with only four cases is measured on the same pages, with the same
    queries, as one with thirty:

    1. a case in preparation waiting for the steering group's ranking (the ranking, the
       case in preparation, its application, calculation and decision basis);
    2. the demo's running case, with an open claim and reports (the granted case's pages,
       the fund's claims to approve);
    3. a closed case with claims, reports, a repayment plan and an evaluation schema with
       measured values, copied as a running case (the dashboard's and follow-up's signals
       of running cases read their schemas; the demo's running case has none);
    4. an ended (closed or implemented) case with the same (the final report PDF, the
       fund's repayments, the portfolio's results);

    then the other case in preparation. These ``KEPT`` cases have the stage
    ``Templates.kept`` gives them; the rest follow in the demo's order, cases with reports
    first, and take their template's variants.
    """
    cases = list(
        Case.objects.filter(organisation=template)
        .annotate(
            reports=models.Count("followup_reports", distinct=True),
            claims=models.Count("fund_claims", distinct=True),
            open_claims=models.Count(
                "fund_claims",
                filter=models.Q(
                    fund_claims__status__in=[fum.Claim.Status.SUBMITTED, fum.Claim.Status.APPROVED]
                ),
                distinct=True,
            ),
            repayments=models.Count("repayment_plans__lines", distinct=True),
            values=models.Count("evaluation_schema__measures__values", distinct=True),
        )
        .order_by("id")
    )
    # the one the steering group ranks (the ranking page lists that step) first
    preparing = sorted(
        (c for c in cases if c.stage == Stage.PREPARATION), key=lambda c: c.step != RANKED_STEP
    )
    followed = [c for c in cases if c.claims and c.reports and c.repayments and c.values]
    to_run = next((c for c in followed if Stage.RUNNING in VARIANTS.get(c.stage, [])), None)
    ended = next(
        (c for c in followed if c.stage in (Stage.CLOSED, Stage.IMPLEMENTED) and c is not to_run),
        None,
    )
    running = next(
        (c for c in cases if c.stage == Stage.RUNNING and c.open_claims and c.reports), None
    )
    wanted: list[tuple[Case | None, str]] = [
        (preparing[0] if preparing else None, Stage.PREPARATION),
        (running, Stage.RUNNING),
        (to_run, Stage.RUNNING),
        (ended, ended.stage if ended else ""),
        (preparing[1] if len(preparing) > 1 else None, Stage.PREPARATION),
    ]
    first = [(c, stage) for c, stage in wanted if c is not None][:KEPT]
    kept = [str(stage) for _c, stage in first]
    chosen = [c for c, _stage in first]
    rest = sorted((c for c in cases if c not in chosen), key=lambda c: (-min(c.reports, 1), c.pk))
    ordered: list[Case] = [*chosen, *rest]
    ids = [c.pk for c in ordered]
    rows: dict[type[models.Model], dict[int, list[dict[str, Any]]]] = {}
    owner: dict[tuple[int, str], int] = {}  # (content type, object id) -> case id
    for model, path in COPIED:
        by_case: dict[int, list[dict[str, Any]]] = defaultdict(list)
        qs = model._default_manager.filter(**{f"{path}__in": ids}).annotate(_case=models.F(path))
        ct = ContentType.objects.get_for_model(model).pk
        for row in qs.values("_case", *[f.attname for f in model._meta.concrete_fields]):
            case_id = row.pop("_case")
            by_case[case_id].append(row)
            owner[(ct, str(row["id"]))] = case_id
        # a reversal follows what it reverses
        for lst in by_case.values():
            lst.sort(key=lambda r: (r.get("reverses_id") is not None, r["id"]))
        rows[model] = by_case
    m2m: dict[str, dict[int, list[int]]] = {}
    for f in Case._meta.many_to_many:
        m2m[f.name] = defaultdict(list)
        through: Any = f.remote_field.through
        for case_id, other in through.objects.filter(case_id__in=ids).values_list(
            "case_id", f.m2m_reverse_name()
        ):
            m2m[f.name][case_id].append(other)
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _values(
        Event.objects.filter(organisation=template, target_type__isnull=False), Event
    ):
        case_id = owner.get((row["target_type_id"], row["target_id"]))
        if case_id is not None:
            events[case_id].append(row)
    calculations = {}
    for case in ordered:
        if case.stage in WITH_CALCULATION:
            data = calculation_data(case)
            calculations[case.pk] = (data, engine.run(data, seed=case.pk))
    deposits = []
    for tx in _values(
        fum.Transaction.objects.filter(organisation=template, case__isnull=True).order_by("id"),
        fum.Transaction,
    ):
        deposits.append((tx, _values(fum.Entry.objects.filter(transaction_id=tx["id"]), fum.Entry)))
    return Templates(ordered, rows, m2m, events, calculations, deposits, kept)


def calculation_data(case: Case) -> dict[str, Any]:
    """A 20-line calculation over the case's years: five actors, costs each project year."""
    data = engine.starting_data(case)
    start, years = data["start_year"], data["project_years"]
    actors = [
        "Socialnämnden",
        "Grundskolenämnden",
        "Arbetsmarknadsnämnden",
        "Regionen",
        "Individen",
    ]
    data["actors"] = actors
    data["costs"] = [
        {"year": start + y, "amount": amount, "financier": financier, "type": kind}
        for y in range(years)
        for amount, financier, kind in (
            (900_000.0, "fund", "personal"),
            (100_000.0, actors[0], "lokaler"),
        )
    ]
    data["effects"] = [
        {
            "name": f"Effekt {k + 1}",
            "actor": actors[k % len(actors)],
            "unit_cost": 40_000.0 + 25_000.0 * k,
            "unit_cost_price_year": start,
            "volume": {str(start + y): 1.0 + (k % 4) for y in range(years)},
            "volume_after_end": 1.0 + (k % 4),
            "deadweight": 0.1 + 0.01 * k,
            "attribution": 0.1,
            "displacement": 0.05,
            "drop_off": 0.05 + 0.005 * k,
        }
        for k in range(20)
    ]
    return data


class _Table:
    """One table's INSERT: its columns, where the key is and which values are remapped."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = True) -> None:
        qn = connection.ops.quote_name
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.pk = next((n for n, f in enumerate(self.fields) if f.primary_key), -1)
        self.relations = [(n, f) for n, f in enumerate(self.fields) if f.is_relation]
        self.keys = [
            (n, f)
            for n, f in enumerate(self.fields)
            if f.name in ("idempotency_key", "decision_key")
        ]
        columns = ", ".join(qn(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"


class _Copier:
    """Writes copies of template cases into organisations, a batch at a time."""

    def __init__(self, templates: Templates, maps: dict[int, OrgMaps]) -> None:
        self.t = templates
        self.maps = maps
        self.result = ScaleResult()
        targets: list[type[models.Model]] = [*COPIED_MODELS, Calculation]
        self.ct: dict[type[models.Model], int] = {
            m: ContentType.objects.get_for_model(m).pk for m in targets
        }
        self.User = get_user_model()
        self.tables: dict[tuple[type[models.Model], bool], _Table] = {}
        self.prepared: dict[tuple[type[models.Model], int], list[tuple[int, list[Any]]]] = {}

    def _resolve(
        self, f: Any, value: Any, om: OrgMaps, ids: dict[type[models.Model], dict[int, int]]
    ) -> Any:
        if value is None:
            return None
        target = f.related_model
        if target is Organisation:
            return om.org.pk
        if target is self.User:
            return om.users.get(value, value)
        if target in UNITS:
            return om.units.get((target, value), None)
        if target in COPIED_MODELS:
            return ids[target].get(value)
        if target is ContentType:
            return value
        # anything else of the template organisation's (a needs analysis) stays behind
        return None if f.null else value

    def _table(self, model: type[models.Model], *, with_pk: bool = True) -> _Table:
        key = (model, with_pk)
        if key not in self.tables:
            self.tables[key] = _Table(model, with_pk=with_pk)
        return self.tables[key]

    def _prepared(self, model: type[models.Model], case_id: int) -> list[tuple[int, list[Any]]]:
        """The template rows of ``model`` under a case as (old id, database-ready values)."""
        key = (model, case_id)
        if key not in self.prepared:
            table = self._table(model)
            self.prepared[key] = [
                (row["id"], [f.get_db_prep_save(row[f.attname], connection) for f in table.fields])
                for row in self.t.rows[model].get(case_id, [])
            ]
        return self.prepared[key]

    def copy(self, batch: list[tuple[Case, OrgMaps, str, int]]) -> None:
        """``batch``: (template case, organisation maps, stage, copy number).

        Rows get their ids here (the loader is the only writer while it runs), so a
        batch is a handful of ``executemany`` calls instead of ORM inserts.
        """
        # per copy: model -> old id -> new id
        ids: list[dict[type[models.Model], dict[int, int]]] = [defaultdict(dict) for _ in batch]
        next_id = {
            model: (model._default_manager.aggregate(m=models.Max("id"))["m"] or 0) + 1
            for model in COPIED_MODELS
        }
        with connection.cursor() as cursor:
            for model, _path in COPIED:
                table = self._table(model)
                for i, (case, _om, _stage, _n) in enumerate(batch):
                    for old, _values in self._prepared(model, case.pk):
                        ids[i][model][old] = next_id[model]
                        next_id[model] += 1
                rows = []
                for i, (case, om, stage, number) in enumerate(batch):
                    if model is Case:
                        rows.append(self._case_row(table, case, om, stage, number, ids[i]))
                        continue
                    for old, values in self._prepared(model, case.pk):
                        row = list(values)
                        row[table.pk] = ids[i][model][old]
                        for n, f in table.relations:
                            row[n] = self._resolve(f, row[n], om, ids[i])
                        for n, f in table.keys:
                            row[n] = _fresh_key(row[n], f)
                        rows.append(row)
                if rows:
                    cursor.executemany(table.sql, rows)
                self.result.rows[model._meta.label] += len(rows)
        self._m2m(batch, ids)
        self._calculations(batch, ids)
        self._events(batch, ids)
        for _case, _om, stage, _n in batch:
            self.result.stages[stage] += 1
        self.result.cases += len(batch)

    def _case_row(
        self,
        table: _Table,
        case: Case,
        om: OrgMaps,
        stage: str,
        number: int,
        ids: dict[type[models.Model], dict[int, int]],
    ) -> list[Any]:
        values = dict(self.t.rows[Case][case.pk][0])
        for f in table.fields:
            if f.is_relation:
                values[f.attname] = self._resolve(f, values[f.attname], om, ids)
            elif f.name == "decision_key":
                values[f.attname] = _fresh_key(values[f.attname], f)
        values["id"] = ids[Case][case.pk]
        self._case_fields(values, om, stage, number)
        return [f.get_db_prep_save(values[f.attname], connection) for f in table.fields]

    def _case_fields(self, values: dict[str, Any], om: OrgMaps, stage: str, number: int) -> None:
        values["title"] = f"{values['title']} {number}"
        values["rulebook_key"] = om.rulebook_keys.get(
            values["rulebook_key"], values["rulebook_key"]
        )
        if values["diarienummer"]:
            values["diarienummer"] = f"{values['diarienummer']}-{number}"
        if stage == values["stage"]:
            return
        values["stage"] = stage
        if stage == Stage.RUNNING:
            values["end_date"] = dt.date(2029, 12, 31)
        elif stage == Stage.TERMINATED:
            values["outcome"] = Case.Outcome.GRANTED
        elif stage == Stage.REJECTED:
            values.update(
                step="",
                outcome=Case.Outcome.REJECTED,
                rejection_reasons="Förväntade besparingar motsvarar inte kostnaden.",
                priority_rank=None,
            )
        elif stage == Stage.NEEDS:
            values.update(step="", idea_submitted_at=None)

    def _m2m(self, batch: list[Any], ids: list[dict[type[models.Model], dict[int, int]]]) -> None:
        for f in Case._meta.many_to_many:
            through: Any = f.remote_field.through
            other = f.m2m_reverse_field_name()
            rows = []
            for i, (case, om, _stage, _n) in enumerate(batch):
                new_case = ids[i][Case][case.pk]
                for value in self.t.m2m[f.name].get(case.pk, []):
                    mapped = self._resolve(f, value, om, ids[i])
                    if mapped is not None:
                        rows.append(through(case_id=new_case, **{f"{other}_id": mapped}))
            through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)

    def _calculations(
        self, batch: list[Any], ids: list[dict[type[models.Model], dict[int, int]]]
    ) -> None:
        objs = []
        for i, (case, om, _stage, _n) in enumerate(batch):
            if case.pk in self.t.calculations:
                data, result = self.t.calculations[case.pk]
                objs.append(
                    Calculation(
                        case_id=ids[i][Case][case.pk],
                        organisation=om.org,
                        data=data,
                        result=result,
                        updated_by_id=om.users.get(case.created_by_id),
                        created_at=case.created_at,
                        updated_at=case.created_at,
                    )
                )
        Calculation.objects.bulk_create(objs, batch_size=500)
        self.result.rows[Calculation._meta.label] += len(objs)

    def _events(
        self, batch: list[Any], ids: list[dict[type[models.Model], dict[int, int]]]
    ) -> None:
        by_ct: dict[int, type[models.Model]] = {ct: m for m, ct in self.ct.items()}
        table = self._table(Event, with_pk=False)
        col = {f.attname: n for n, f in enumerate(table.fields)}
        rows = []
        for i, (case, om, _stage, _n) in enumerate(batch):
            key = (Event, case.pk)
            if key not in self.prepared:
                self.prepared[key] = [
                    (0, [f.get_db_prep_save(row[f.attname], connection) for f in table.fields])
                    for row in self.t.events.get(case.pk, [])
                ]
            for _old, values in self.prepared[key]:
                model = by_ct.get(values[col["target_type_id"]])
                target = values[col["target_id"]]
                new_target = ids[i][model].get(int(target)) if model is not None else None
                if new_target is None:
                    continue
                row = list(values)
                row[col["organisation_id"]] = om.org.pk
                actor = row[col["actor_id"]]
                row[col["actor_id"]] = om.users.get(actor, actor)
                row[col["target_id"]] = str(new_target)
                rows.append(row)
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(table.sql, rows)
        self.result.rows[Event._meta.label] += len(rows)

    def deposits(self, om: OrgMaps, rounds: int) -> None:
        for _ in range(rounds):
            txs = []
            for tx, _entries in self.t.deposits:
                values = {k: v for k, v in tx.items() if k != "id"}
                values["organisation_id"] = om.org.pk
                values["idempotency_key"] = _fresh_key(
                    values["idempotency_key"], fum.Transaction._meta.get_field("idempotency_key")
                )
                values["created_by_id"] = om.users.get(
                    values["created_by_id"], values["created_by_id"]
                )
                txs.append(fum.Transaction(**values))
            fum.Transaction.objects.bulk_create(txs)
            entries = [
                fum.Entry(
                    transaction_id=new.pk,
                    account=e["account"],
                    amount=e["amount"],
                    board_id=om.units.get((Board, e["board_id"])) if e["board_id"] else None,
                )
                for new, (_tx, old_entries) in zip(txs, self.t.deposits, strict=True)
                for e in old_entries
            ]
            fum.Entry.objects.bulk_create(entries)
            self.result.rows[fum.Transaction._meta.label] += len(txs)
            self.result.rows[fum.Entry._meta.label] += len(entries)


def build(
    *,
    cases: int,
    organisations: int = 300,
    big_share: float = 0.2,
    batch: int = 200,
    progress: Callable[[str], None] | None = None,
) -> ScaleResult:
    """Add ``organisations`` copy organisations (when missing) and ``cases`` copied cases,
    ``big_share`` of them in ``storstad``. Needs the normal demo loaded (its Örebro cases
    are the templates). Safe to call again: each call adds ``cases`` more."""
    started, cpu = time.perf_counter(), time.process_time()
    say = progress or (lambda _m: None)
    template = Organisation.objects.get(slug=TEMPLATE_SLUG)
    with transaction.atomic():
        maps = _ensure_organisations(template, organisations)
    say(f"{len(maps)} organisations ready ({time.perf_counter() - started:.1f} s)")
    templates = load_templates(template)
    if not templates.cases:
        raise ValueError("the template organisation has no cases: load the demo first")
    big = next(m for m in maps.values() if m.org.slug == BIG_SLUG)
    others = [m for m in maps.values() if m is not big] or [big]
    n_big = round(cases * big_share) if others[0] is not big else cases
    plan: list[OrgMaps] = [big] * n_big + [others[k % len(others)] for k in range(cases - n_big)]
    already = Counter(
        dict(
            Case.objects.filter(organisation_id__in=maps)
            .values("organisation_id")
            .annotate(n=models.Count("id"))
            .values_list("organisation_id", "n")
        )
    )
    copier = _Copier(templates, maps)
    per_org: Counter[int] = Counter()
    work = []
    copies: Counter[int] = Counter()
    for om in plan:
        k = already[om.org.pk] + per_org[om.org.pk]
        per_org[om.org.pk] += 1
        case = templates.cases[k % len(templates.cases)]
        stage = case.stage
        # An organisation's first cases have the stages load_templates chose (the
        # benchmark's pages use them); later copies of a template take its variants in turn.
        if k < len(templates.kept):
            stage = templates.kept[k]
        else:
            variants = VARIANTS.get(case.stage, [case.stage])
            stage = variants[copies[case.pk] % len(variants)]
            copies[case.pk] += 1
        work.append((case, om, str(stage), k + 1))
    with _keeping_timestamps():
        for org_id, n in per_org.items():
            before = already[org_id]
            rounds = math.ceil((before + n) / len(templates.cases)) - math.ceil(
                before / len(templates.cases)
            )
            with transaction.atomic():
                copier.deposits(maps[org_id], rounds)
        for start in range(0, len(work), batch):
            with transaction.atomic():
                copier.copy(work[start : start + batch])
            say(
                f"{start + len(work[start : start + batch])} cases ({time.perf_counter() - started:.1f} s)"
            )
    # the copies' ids were given here: PostgreSQL's sequences must learn of them
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(COPIED_MODELS)):
            cursor.execute(sql)
    copier.result.organisations = len(maps)
    copier.result.seconds = time.perf_counter() - started
    copier.result.cpu_seconds = time.process_time() - cpu
    return copier.result


# --- the pages a benchmark measures --------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    method: str = "GET"
    # for a POST: the GET page whose form is sent (its inputs as they stand)
    form_of: str = ""


def _first(org: Organisation, *stages: str, **filters: Any) -> Case | None:
    return Case.objects.filter(organisation=org, stage__in=stages, **filters).order_by("id").first()


def pages(org: Organisation) -> list[Page]:
    """Every page and export of ``org`` that issue #17 measures, on cases picked the same
    way whatever the size (the first case of a stage, so that adding cases keeps them)."""
    o = f"/o/{org.slug}"
    out = [
        Page("organisation overview", f"{o}/"),
        Page("My tasks", f"{o}/arenden/mina-uppgifter/"),
        Page("pipeline", f"{o}/arenden/"),
        Page("ranking", f"{o}/arenden/prioritering/"),
        Page("fund overview", f"{o}/fonden/"),
        Page("journal", f"{o}/fonden/verifikationer/"),
        Page("journal CSV", f"{o}/fonden/verifikationer.csv"),
        Page("journal XLSX", f"{o}/fonden/verifikationer.xlsx"),
        Page("journal SIE", f"{o}/fonden/verifikationer.se"),
        Page("follow-up overview", f"{o}/uppfoljning/"),
        Page("portfolio dashboard", f"{o}/portfolj/"),
        Page("portfolio XLSX", f"{o}/portfolj/portfolj.xlsx"),
        Page("unit costs XLSX", f"{o}/kalkyler/enhetskostnader/export.xlsx"),
        Page("unit costs CSV", f"{o}/kalkyler/enhetskostnader/export.csv"),
        Page("public page", f"/open/{org.slug}/"),
        Page("open data interventions.json", f"/open/{org.slug}/interventions.json"),
        Page("open data interventions.csv", f"/open/{org.slug}/interventions.csv"),
        Page("open data calls.json", f"/open/{org.slug}/calls.json"),
        Page("public unit costs", f"/open/{org.slug}/enhetskostnader/"),
    ]
    applying = _first(org, Stage.PREPARATION, Stage.APPLICATION, calculation__isnull=False)
    if applying is not None:
        c = f"{o}/arenden/{applying.pk}"
        out += [
            Page("case overview (in preparation)", f"{c}/"),
            Page("application", f"{c}/ansokan/"),
            Page("calculation editor", f"{o}/kalkyler/arende/{applying.pk}/"),
            Page(
                "calculation recompute",
                f"{o}/kalkyler/arende/{applying.pk}/resultat/",
                method="POST",
                form_of=f"{o}/kalkyler/arende/{applying.pk}/",
            ),
            Page("decision basis PDF", f"{o}/portfolj/arende/{applying.pk}/beslutsunderlag.pdf"),
        ]
    running = _first(org, Stage.RUNNING, Stage.CLOSED, fund_claims__isnull=False)
    if running is not None:
        out += [
            Page("case overview (granted)", f"{o}/arenden/{running.pk}/"),
            Page("case money", f"{o}/fonden/arenden/{running.pk}/"),
            Page("follow-up case", f"{o}/uppfoljning/arende/{running.pk}/"),
            Page("follow-up case CSV", f"{o}/uppfoljning/arende/{running.pk}/export.csv"),
        ]
        report = fm.Report.objects.filter(case=running).order_by("id").first()
        if report is not None:
            out.append(Page("periodic report PDF", f"{o}/portfolj/rapport/{report.pk}.pdf"))
    closed = _first(org, Stage.CLOSED, Stage.IMPLEMENTED)
    if closed is not None:
        out.append(Page("final report PDF", f"{o}/portfolj/arende/{closed.pk}/slutrapport.pdf"))
    return out


def coordinator(org: Organisation) -> Any:
    """The organisation's (first) coordinator."""
    return (
        Membership.objects.active()
        .filter(organisation=org, role="coordinator")
        .order_by("id")
        .first()
        .user  # type: ignore[union-attr]
    )


def form_inputs(html: str) -> dict[str, str]:
    """The named inputs, selects and text areas of a page with their current values."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Inputs(HTMLParser):
        textarea: str | None = None
        select: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and name != "csrfmiddlewaretoken":
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                if a.get("type") in ("submit", "button", "file"):
                    return
                found[name] = a.get("value") or ""
            elif tag == "textarea" and name:
                self.textarea = name
                found[name] = ""
            elif tag == "select" and name:
                self.select = name
                found.setdefault(name, "")
            elif tag == "option" and self.select and ("selected" in a):
                found[self.select] = a.get("value") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data: str) -> None:
            if self.textarea:
                found[self.textarea] += data

    Inputs().feed(html)
    return found
