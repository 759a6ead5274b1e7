"""Demo cases: Örebro's 2014–2019 portfolio (DOMAIN.md §9) as decided cases under the
2016 rulebook, a few open Örebro cases at different steps under the 2020 rulebook, and
one Uppsala idea waiting for its one-month answer. Loading is idempotent: a case whose
title already exists in its organisation is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from satsa.cases import services
from satsa.cases.models import Case, Stage
from satsa.decisions import services as decision_services
from satsa.events.actors import system_actor
from satsa.events.services import event_record
from satsa.funds.services import commitment_create
from satsa.orgs.models import Board, Department, ExternalParty, Organisation
from satsa.rulebooks.selectors import rulebook_for

D = dt.date
# Department short names in DOMAIN.md §9 -> Örebro's departments in satsa.orgs.demo.
DEPARTMENTS = {
    "förskola och skola": "Förvaltningen förskola och skola",
    "kultur och fritid": "Förvaltningen kultur och fritid",
    "social": "Socialförvaltningen",
    "funktionshindrade": "Förvaltningen funktionshindrade",
    "utbildning, försörjning och arbete": "Förvaltningen utbildning, försörjning och arbete",
    "kommunstyrelseförvaltningen": "Kommunstyrelseförvaltningen",
}

# title, start, end, granted (None = not stated), departments, parties. Each is loaded as
# decided; satsa.followup.demo.close_finished moves those that have ended to their outcome.
PORTFOLIO: list[tuple[str, dt.date, dt.date, Decimal | None, list[str], list[str]]] = [
    (
        "Samverkan för teckenspråkiga",
        D(2014, 4, 1),
        # The source says "2014-04-01 – 2017" and that it was implemented in 2017; the
        # last day of 2017 is an assumption.
        D(2017, 12, 31),
        # The amount is not stated in the source, so the granted amount stays empty.
        None,
        ["social"],
        ["Föreningen Kultivera", "Stiftelsen Activa"],
    ),
    (
        "El Sistema",
        D(2015, 1, 1),
        D(2017, 12, 31),
        Decimal("3000000"),
        ["förskola och skola", "kultur och fritid"],
        [],
    ),
    (
        "Team Oxhagen",
        D(2015, 2, 1),
        D(2018, 1, 31),
        Decimal("5400000"),
        ["social", "förskola och skola", "funktionshindrade", "utbildning, försörjning och arbete"],
        [],
    ),
    (
        "Specialpedagogisk kompetensutveckling",
        D(2015, 5, 1),
        D(2018, 4, 30),
        Decimal("2000000"),
        ["förskola och skola", "kommunstyrelseförvaltningen", "funktionshindrade"],
        [],
    ),
    (
        "Neuropsykiatrisk resurs och samverkan",
        D(2015, 9, 1),
        D(2018, 8, 31),
        Decimal("6200000"),
        ["funktionshindrade", "utbildning, försörjning och arbete"],
        [],
    ),
    (
        "Skolfam",
        D(2016, 6, 1),
        D(2018, 12, 31),
        Decimal("5200000"),
        ["social", "förskola och skola"],
        [],
    ),
    (
        "Utomhuspedagogikens inverkan på lärande",
        D(2016, 8, 15),
        D(2018, 8, 15),
        Decimal("3250000"),
        ["kommunstyrelseförvaltningen", "förskola och skola"],
        [],
    ),
    (
        "Brobyggare i Vivalla och Baronbackarna",
        D(2016, 9, 15),
        D(2018, 12, 31),
        Decimal("8200000"),
        ["förskola och skola", "social", "utbildning, försörjning och arbete"],
        [],
    ),
    (
        "Bryggan – från destruktiv frånvaro till måluppfyllelse",
        D(2017, 8, 14),
        D(2019, 12, 31),
        Decimal("12200000"),
        ["kommunstyrelseförvaltningen", "förskola och skola", "social"],
        [],
    ),
]
# The sources give no decision dates or registry numbers: the demo assumes the executive
# board decided two months before each start and numbers the decisions "KS <year>/demo-<n>".
DECISION_LEAD = dt.timedelta(days=61)


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _load_portfolio(org: Organisation) -> None:
    for n, (title, start, end, amount, departments, parties) in enumerate(PORTFOLIO, 1):
        if Case.objects.filter(organisation=org, title=title).exists():
            continue
        decided_on = start - DECISION_LEAD
        depts = list(
            Department.objects.filter(
                organisation=org, name__in=[DEPARTMENTS[d] for d in departments]
            )
        )
        case = Case.objects.create(
            organisation=org,
            title=title,
            rulebook_key="orebro-2016",
            stage=Stage.DECIDED,
            start_date=start,
            end_date=end,
            granted_amount=amount,
            decided_on=decided_on,
            diarienummer=f"KS {decided_on.year}/demo-{n}",
            outcome=Case.Outcome.GRANTED,
            idea_outcome=Case.IdeaOutcome.GO,
            minutes_reference="—",
        )
        case.departments.set(depts)
        case.boards.set(Board.objects.filter(departments__in=depts).distinct())
        case.parties.set(ExternalParty.objects.filter(organisation=org, name__in=parties))
        event_record(
            actor=system_actor(),
            verb="case.decided",
            target=case,
            data={"outcome": "granted", "amount": amount, "decided_on": decided_on, "demo": True},
        )
        if amount is not None:
            _commit(case, amount, decided_on)


def _commit(case: Case, amount: Decimal, booked_on: dt.date) -> None:
    free = decision_services.free_capital(case.organisation, booked_on)
    # Without the fund's demo deposits there is no capital to commit the grant against.
    if free < amount:
        return
    commitment_create(
        case=case,
        amount=amount,
        booked_on=booked_on,
        reference=case.diarienummer or "",
        actor=system_actor(),
    )


IDEA = {
    "need": "Andelen elever med hög frånvaro i årskurs 4–6 har ökat från 6 till 11 % på tre år "
    "(elevhälsans statistik); orosanmälningar om samma barn har ökat lika mycket.",
    "target_group": "Elever i årskurs 4–6 med över 15 % frånvaro och deras familjer.",
    "content": "Familjekoordinatorer som arbetar med skola, socialtjänst och föreningsliv.",
    "actors": "Socialnämnden (resultat och kostnader), Föreningen Kultivera.",
    "expected_effects": "Högre närvaro, färre placeringar, lägre kostnader för försörjningsstöd.",
}
SECTIONS = {
    "problem": "Frånvaron ökar och insatserna kommer sent.",
    "evidence": "Check & Connect-studier visar ökad närvaro.",
    "target_group": "Cirka 60 elever per år i Vivalla och Varberga.",
    "method": "Två familjekoordinatorer (heltid) och en projektledare (50 %).",
    "duration": "Tre år, 2027–2029.",
    "goals_effects_evaluation": "Närvaro mäts månadsvis mot basmätningen hösten 2026.",
    "costs": "2 400 000 kr från fonden, varav personal 2 100 000 kr.",
    "implementation": "Ersätter delar av elevhälsans uppsökande arbete efter projektet.",
    "comparison": "Ordinarie elevhälsa utan koordinator.",
}
FIGURES = {
    "duration_years": "3",
    "requested_amount": "2400000",
    "total_cost": "2400000",
    "project_leader_share": "0.5",
    "expected_savings": "3600000",
}


def _open_case(org: Organisation, title: str, until: str) -> None:
    """An Örebro 2020 case moved through the chain by the demo people up to ``until``."""
    if Case.objects.filter(organisation=org, title=title).exists():
        return
    ali, lina, petra, magnus, nils, anna, erik, david, sara = (
        _user(u)
        for u in ("ali", "lina", "petra", "magnus", "nils", "anna", "erik", "david", "sara")
    )
    case = services.idea_create(
        organisation=org,
        title=title,
        actor=ali,
        idea=IDEA,
        boards=Board.objects.filter(organisation=org, name="Socialnämnden"),
        departments=Department.objects.filter(
            organisation=org, name="Förvaltningen förskola och skola"
        ),
        parties=ExternalParty.objects.filter(organisation=org, name="Föreningen Kultivera"),
        rulebook_key="orebro-2020",
    )
    services.co_applicant_add(case=case, user=lina, actor=ali)
    if until == "draft":
        return
    services.idea_submit(case=case, actor=ali)
    if until == "idea_test":
        return
    idea_criteria = rulebook_for(case).criteria.idea
    assert idea_criteria is not None  # the demo's rulebook assesses ideas
    services.idea_assess(
        case=case,
        actor=petra,
        verdicts={c.id: {"met": True, "comment": "Uppfyllt."} for c in idea_criteria.items},
    )
    services.case_advance(case=case, actor=petra)
    services.case_advance(case=case, actor=magnus, comment="Ledningsgruppen tillstyrker.")
    if until == "idea_boards":
        return
    board = Board.objects.get(organisation=org, name="Socialnämnden")
    services.board_comment_add(
        case=case, board=board, actor=nils, comment="Socialnämnden ställer sig bakom.", backs=True
    )
    services.case_advance(case=case, actor=anna)
    services.application_save(
        case=case, actor=ali, sections=SECTIONS if until != "application" else {}, figures=FIGURES
    )
    if until == "application":
        return
    evaluation_schema_build(case=case, actor=ali)
    services.application_submit(case=case, actor=ali)
    services.case_advance(case=case, actor=erik, confirmations=["economic_calculation_checked"])
    services.case_advance(case=case, actor=petra)
    services.case_advance(case=case, actor=magnus)
    services.board_comment_add(
        case=case, board=board, actor=nils, comment="Inga invändningar.", backs=True
    )
    services.case_advance(case=case, actor=anna)
    if until == "signatures":
        return
    services.signature_add(
        case=case,
        actor=david,
        department=Department.objects.get(
            organisation=org, name="Förvaltningen förskola och skola"
        ),
    )
    services.signature_add(
        case=case,
        actor=anna,
        party=ExternalParty.objects.get(organisation=org, name="Föreningen Kultivera"),
        signer_name="Maria Ek, ordförande",
    )
    services.case_advance(case=case, actor=anna)
    if until == "steering_group":
        return
    decision_services.steering_rank(organisation=org, actor=sara)
    services.case_advance(case=case, actor=sara, confirmations=["comments_considered"])


def _uppsala_idea(org: Organisation) -> None:
    title = "Tidiga insatser för unga vuxna utan sysselsättning"
    if Case.objects.filter(organisation=org, title=title).exists():
        return
    ulla = _user("ulla")
    case = services.idea_create(
        organisation=org,
        title=title,
        actor=ulla,
        idea={
            "problem": "Unga vuxna 18–24 år utan arbete eller studier blir kvar i försörjningsstöd.",
            "target_group": "Unga vuxna 18–24 år som inte arbetar eller studerar.",
            "affected_services": "Arbetsmarknadsnämnden och Socialnämnden, i resultat och kostnader.",
        },
        boards=Board.objects.filter(
            organisation=org, name__in=["Arbetsmarknadsnämnden", "Socialnämnden"]
        ),
        rulebook_key="uppsala-2016",
    )
    services.idea_submit(case=case, actor=ulla)


@transaction.atomic
def load() -> None:
    orebro = Organisation.objects.get(slug="orebro")
    _load_portfolio(orebro)
    for title, until in (
        ("Familjekoordinatorer i Vivalla", "idea_test"),
        ("Läxhjälp med föreningslivet", "idea_boards"),
        ("Tidigt stöd i förskolan", "application"),
        ("Närvaroteam i Varberga", "signatures"),
        ("Fritidsbanken som mötesplats", "steering_group"),
    ):
        _open_case(orebro, title, until)
    _uppsala_idea(Organisation.objects.get(slug="uppsala"))


def evaluation_schema_build(*, case: Case, actor: Any) -> None:
    """A small complete evaluation schema with baselines (the application's schema is built
    in Satsa, not uploaded): goal, groups, one sub-goal and activity, two measures."""
    from satsa.followup import services as followup_services
    from satsa.followup.models import MeasureKind

    schema = followup_services.schema_save(
        case=case,
        actor=actor,
        overall_goal="Fler elever fullföljer grundskolan.",
        target_group=case.target_group or "Elever med hög frånvaro.",
        comparison_group="Elever med hög frånvaro i andra skolor (antagande i demon).",
    )
    subgoal = followup_services.schema_subgoal_add(
        schema=schema, actor=actor, text="Högre närvaro."
    )
    activity = followup_services.schema_activity_add(
        subgoal=subgoal, actor=actor, text="Brobyggare möter elever och familjer."
    )
    common = {
        "schema": schema,
        "actor": actor,
        "baseline_date": dt.date(2020, 1, 31),
        "source": "Elevhälsans statistik",
        "responsible": "Projektledaren",
        "subgoal": subgoal,
    }
    followup_services.schema_measure_add(
        **common,
        kind=MeasureKind.ACTIVITY,
        name="Elever som fått stöd",
        unit="elever",
        baseline_value=Decimal(0),
        target_value=Decimal(40),
        activity=activity,
    )
    followup_services.schema_measure_add(
        **common,
        kind=MeasureKind.SHORT_TERM,
        name="Närvaro",
        unit="procent",
        baseline_value=Decimal(72),
        target_value=Decimal(90),
    )
