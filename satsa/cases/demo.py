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
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

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
        # The source: Kultivera ran the adapted activity "under tre år" from 1 April 2014.
        D(2017, 3, 31),
        # The amount is not stated in the source, so the granted amount stays empty.
        None,
        ["social"],
        # Kultivera is Stiftelsen Activa's activity, not an association of its own.
        ["Stiftelsen Activa"],
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
# The sources give the first decision's month (March 2014), about three decisions a year,
# and none in 2017 (so Bryggan, starting 2017-08-14, was decided in 2016); the days, and
# the year of Skolfam's decision (2015, keeping 2016 at three), are ASSUMPTIONS. The
# registry numbers "KS <year>/demo-<n>" are made up.
DECIDED_ON = {
    "Samverkan för teckenspråkiga": D(2014, 3, 26),
    "El Sistema": D(2014, 10, 29),
    "Team Oxhagen": D(2014, 12, 3),
    "Specialpedagogisk kompetensutveckling": D(2015, 3, 4),
    "Neuropsykiatrisk resurs och samverkan": D(2015, 6, 10),
    "Skolfam": D(2015, 12, 9),
    "Utomhuspedagogikens inverkan på lärande": D(2016, 6, 8),
    "Brobyggare i Vivalla och Baronbackarna": D(2016, 6, 22),
    "Bryggan – från destruktiv frånvaro till måluppfyllelse": D(2016, 12, 7),
}
# Shown as the decision's minutes reference (at most 100 characters).
DECISION_ASSUMPTION = "Demo – antagande: beslutsdag, paragraf och diarienummer är inte kända"

# Target group and expected effects, shortened from Appendix 3 of seed 001 (and from its
# chapter on the finished Samverkan för teckenspråkiga, which Appendix 3 does not list).
APPENDIX_3: dict[str, tuple[str, str]] = {
    "Samverkan för teckenspråkiga": (
        "Teckenspråkiga i Örebro som fastnat i långvarigt försörjningsstöd.",
        "Ett stöd anpassat efter målgruppens behov, så att fler når arbetsmarknaden eller "
        "får rätt ersättning från Försäkringskassan i stället för försörjningsstöd. "
        "Verksamheten bedrevs av Kultivera, en verksamhet inom Stiftelsen Activa.",
    ),
    "El Sistema": (
        "Sexåringarna på förskolan Blåmesen samt eleverna i förskoleklass och år 1 på Hagaskolan.",
        "Ökad känsla av samhörighet och gemenskap, bättre samarbets- och "
        "koncentrationsförmåga, ökade språkkunskaper och därmed ökad måluppfyllelse i "
        "skolan; föräldrarna får större inblick i och engagemang för barnens vardag.",
    ),
    "Team Oxhagen": (
        "Barn 0–9 år och deras föräldrar boende i Oxhagen.",
        "Målgruppen får bättre förutsättningar för ett fortsatt bra liv. Minskade kostnader "
        "för mer kostsamma insatser, t.ex. placeringar i familjehem eller på institution, "
        "färre elever som går om en årskurs och mindre behov av stödresurser på "
        "Hagaskolan; fler föräldrar i sysselsättning.",
    ),
    "Specialpedagogisk kompetensutveckling": (
        "Förskolepedagoger i Varberga och Oxhagen, för tidig upptäckt av barns stödbehov.",
        "Pedagogerna kan på ett kunskapsbaserat sätt tidigt upptäcka barns behov av stöd och "
        "möta dem med kompensatoriska insatser i miljön kring barnet, vilket gynnar både "
        "barnet och barngruppen.",
    ),
    "Neuropsykiatrisk resurs och samverkan": (
        "Ungdomar och unga vuxna 15–24 år i Örebro kommun med neuropsykiatriska "
        "svårigheter, med eller utan diagnos, samt anhöriga och personal som möter dem.",
        "Rätt insatser i ett tidigt skede, stöd och verktyg att hantera sin problematik, ökad "
        "självständighet och livskvalitet; fler når målen i skolan och slutför sina studier.",
    ),
    "Skolfam": (
        "Familjehemsplacerade elever i grundskolan.",
        "Fler familjehemsplacerade barn når målen i grundskolan, blir behöriga till och "
        "fullföljer gymnasiet; färre omplaceras till HVB, behöver socialtjänstens öppenvård "
        "eller blir beroende av försörjningsstöd som vuxna.",
    ),
    "Utomhuspedagogikens inverkan på lärande": (
        "Nyanlända elever på en skola med hög andel nyanlända.",
        "Nyanlända elever deltar snabbare i språktunga ämnen och en högre andel blir "
        "gymnasiebehöriga efter årskurs 9; pedagogerna använder utomhuspedagogiska metoder.",
    ),
    "Brobyggare i Vivalla och Baronbackarna": (
        "Familjer med minst ett barn 0–12 år boende i Vivalla och Baronbackarna.",
        "Bättre kontakt och förståelse mellan hem, förskola/skola och myndigheter, ökad "
        "skolnärvaro och måluppfyllelse, rätt riktade insatser tidigt och en bättre "
        "livssituation för hela familjen.",
    ),
    "Bryggan – från destruktiv frånvaro till måluppfyllelse": (
        "Elever med destruktivt normbrytande beteende och långvarig skolfrånvaro, och "
        "deras familjer.",
        "Ökad närvaro och måluppfyllelse i grundskolan och bättre förutsättningar för "
        "gymnasiebehörighet; stöd och behandling till familjerna och en meningsfull fritid.",
    ),
}


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _load_portfolio(org: Organisation) -> None:
    for n, (title, start, end, amount, departments, parties) in enumerate(PORTFOLIO, 1):
        if Case.objects.filter(organisation=org, title=title).exists():
            continue
        decided_on = DECIDED_ON[title]
        target_group, expected_effects = APPENDIX_3[title]
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
            minutes_reference=DECISION_ASSUMPTION,
            target_group=target_group,
            idea={"target_group": target_group, "expected_effects": expected_effects},
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
    "actors": "Socialnämnden (resultat och kostnader), Föreningen Läxhjälp i Vivalla.",
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
        parties=ExternalParty.objects.filter(
            organisation=org, name="Föreningen Läxhjälp i Vivalla"
        ),
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
    # The board's comment on the application came as minutes; the coordinator registers it.
    services.board_comment_add(
        case=case,
        board=board,
        actor=anna,
        comment="Inga invändningar.",
        backs=True,
        document=ContentFile(
            b"Protokollsutdrag, Socialnamnden (demo)", name="protokollsutdrag.txt"
        ),
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
        party=ExternalParty.objects.get(organisation=org, name="Föreningen Läxhjälp i Vivalla"),
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


def _needs_and_rejected(org: Organisation) -> None:
    """A needs analysis before any idea, and an application the executive board rejected
    (both made up for the demo, and saying so)."""
    from satsa.cases.models import NeedsAnalysis

    ali = _user("ali")
    title = "Ökande psykisk ohälsa bland unga i Baronbackarna"
    if not NeedsAnalysis.objects.filter(organisation=org, title=title).exists():
        services.needs_create(
            organisation=org,
            title=title,
            target_group="Unga 13–19 år i Baronbackarna (demo).",
            statistics="Demo – påhittat: andelen unga med kontakt med BUP har ökat från 4 till "
            "7 % på fem år.",
            actor=ali,
            boards=Board.objects.filter(organisation=org, name="Socialnämnden"),
        )
    title = "Digital läxhjälp i hela kommunen"
    if Case.objects.filter(organisation=org, title=title).exists():
        return
    decided_on = timezone.localdate() - dt.timedelta(days=40)
    case = Case.objects.create(
        organisation=org,
        title=title,
        rulebook_key="orebro-2020",
        stage=Stage.REJECTED,
        decided_on=decided_on,
        diarienummer=f"KS {decided_on.year}/demo-avslag",
        outcome=Case.Outcome.REJECTED,
        idea_outcome=Case.IdeaOutcome.GO,
        minutes_reference="Demo – påhittat beslut",
        rejection_reasons="Demo – påhittat: förväntade besparingar täcker inte kostnaden inom "
        "tio år efter projektets slut.",
        target_group="Elever i årskurs 7–9 (demo).",
        created_by=ali,
    )
    case.boards.set(Board.objects.filter(organisation=org, name="Grundskolenämnden"))


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
    _needs_and_rejected(orebro)
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
