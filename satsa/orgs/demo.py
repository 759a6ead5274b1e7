"""Demo organisations, boards, departments, parties and one person per role.

Örebro's boards and departments are those of its 2014–2019 portfolio (DOMAIN.md §9);
Uppsala's and Region Gävleborg's are a representative set. Loading is idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from satsa.events.actors import system_actor
from satsa.orgs import services
from satsa.orgs.models import Area, Board, Department, ExternalParty, Organisation
from satsa.orgs.roles import Role

DEMO_PASSWORD = "satsa-demo"

ORGANISATIONS = [
    # slug, name, kind, code
    ("orebro", "Örebro kommun", Organisation.Kind.MUNICIPALITY, "1880"),
    ("uppsala", "Uppsala kommun", Organisation.Kind.MUNICIPALITY, "0380"),
    ("gavleborg", "Region Gävleborg", Organisation.Kind.REGION, "0021"),
]

# board name, area, department name serving it
STRUCTURE: dict[str, list[tuple[str, str, str]]] = {
    "orebro": [
        ("Kommunstyrelsen", Area.EXECUTIVE, "Kommunstyrelseförvaltningen"),
        ("Socialnämnden", Area.SOCIAL, "Socialförvaltningen"),
        ("Förskolenämnden", Area.PRESCHOOL, "Förvaltningen förskola och skola"),
        ("Grundskolenämnden", Area.SCHOOL, "Förvaltningen förskola och skola"),
        ("Kultur- och fritidsnämnden", Area.CULTURE, "Förvaltningen kultur och fritid"),
        ("Nämnden för funktionshindrade", Area.DISABILITY, "Förvaltningen funktionshindrade"),
        (
            "Nämnden för utbildning, försörjning och arbete",
            Area.LABOUR,
            "Förvaltningen utbildning, försörjning och arbete",
        ),
    ],
    "uppsala": [
        ("Kommunstyrelsen", Area.EXECUTIVE, "Stadsledningskontoret"),
        ("Socialnämnden", Area.SOCIAL, "Socialförvaltningen"),
        ("Utbildningsnämnden", Area.SCHOOL, "Utbildningsförvaltningen"),
        ("Arbetsmarknadsnämnden", Area.LABOUR, "Arbetsmarknadsförvaltningen"),
        ("Omsorgsnämnden", Area.DISABILITY, "Omsorgsförvaltningen"),
        ("Kulturnämnden", Area.CULTURE, "Kulturförvaltningen"),
    ],
    "gavleborg": [
        ("Regionstyrelsen", Area.EXECUTIVE, "Regionstaben"),
        ("Hälso- och sjukvårdsnämnden", Area.HEALTH, "Hälso- och sjukvårdsförvaltningen"),
        ("Regional utvecklingsnämnd", Area.REGIONAL_DEVELOPMENT, "Regional utveckling"),
    ],
}

# name, kind, form, municipal ownership
PARTIES: dict[str, list[tuple[str, str, str, Decimal | None]]] = {
    "orebro": [
        # A made-up association for the open demo cases.
        (
            "Föreningen Läxhjälp i Vivalla",
            ExternalParty.Kind.CIVIL_SOCIETY,
            ExternalParty.Form.FORENING,
            None,
        ),
        # Kultivera is Stiftelsen Activa's activity, not an association of its own (seed 001).
        ("Stiftelsen Activa", ExternalParty.Kind.CIVIL_SOCIETY, ExternalParty.Form.STIFTELSE, None),
        ("Örebrobostäder AB (ÖBO)", ExternalParty.Kind.MUNICIPAL_COMPANY, "", Decimal("1.000")),
        ("Region Örebro län", ExternalParty.Kind.OTHER_PUBLIC, ExternalParty.Form.REGION, None),
        (
            "Arbetsförmedlingen",
            ExternalParty.Kind.OTHER_PUBLIC,
            ExternalParty.Form.STATE_AGENCY,
            None,
        ),
        ("Konsult AB", ExternalParty.Kind.COMPANY, ExternalParty.Form.LIMITED_COMPANY, None),
    ],
    "uppsala": [
        (
            "Uppsala stadsmission",
            ExternalParty.Kind.CIVIL_SOCIETY,
            ExternalParty.Form.STIFTELSE,
            None,
        ),
        ("Region Uppsala", ExternalParty.Kind.OTHER_PUBLIC, ExternalParty.Form.REGION, None),
    ],
    "gavleborg": [
        ("Gävle kommun", ExternalParty.Kind.OTHER_PUBLIC, ExternalParty.Form.MUNICIPALITY, None),
        (
            "Hudiksvalls kommun",
            ExternalParty.Kind.OTHER_PUBLIC,
            ExternalParty.Form.MUNICIPALITY,
            None,
        ),
        (
            "Föreningen Hälsingegården",
            ExternalParty.Kind.CIVIL_SOCIETY,
            ExternalParty.Form.FORENING,
            None,
        ),
    ],
}

# username, first name, last name, title, organisation slug, role, board/department name
PEOPLE: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "anna",
        "Anna",
        "Lindqvist",
        "Processledare sociala investeringar",
        "orebro",
        Role.COORDINATOR,
        "",
    ),
    ("erik", "Erik", "Nordin", "Nationalekonom", "orebro", Role.ECONOMIST, ""),
    (
        "petra",
        "Petra",
        "Holm",
        "Utvecklingsledare, beredningsgruppen",
        "orebro",
        Role.PREPARATION_GROUP,
        "",
    ),
    ("magnus", "Magnus", "Berg", "Biträdande kommundirektör", "orebro", Role.MANAGEMENT_GROUP, ""),
    ("sara", "Sara", "Ekström", "Kommunalråd", "orebro", Role.STEERING_GROUP, ""),
    ("karin", "Karin", "Sjöberg", "Kommunsekreterare", "orebro", Role.DECISION_RECORDER, ""),
    (
        "david",
        "David",
        "Almqvist",
        "Förvaltningschef",
        "orebro",
        Role.DEPARTMENT_HEAD,
        "Förvaltningen förskola och skola",
    ),
    ("lina", "Lina", "Karlsson", "Projektledare", "orebro", Role.PROJECT_LEADER, ""),
    ("ali", "Ali", "Hassan", "Enhetschef", "orebro", Role.APPLICANT, ""),
    (
        "nils",
        "Nils",
        "Persson",
        "Nämndsekreterare",
        "orebro",
        Role.BOARD_SECRETARY,
        "Socialnämnden",
    ),
    ("fatima", "Fatima", "Yilmaz", "Controller", "orebro", Role.FINANCE_OFFICER, ""),
    ("vera", "Vera", "Lund", "Revisor", "orebro", Role.VIEWER, ""),
    (
        "ulla",
        "Ulla",
        "Wikström",
        "Samordnare sociala investeringar",
        "uppsala",
        Role.COORDINATOR,
        "",
    ),
    ("olof", "Olof", "Dahl", "Ekonom", "uppsala", Role.ECONOMIST, ""),
    (
        "gustav",
        "Gustav",
        "Ström",
        "Processledare sociala investeringsfonder",
        "gavleborg",
        Role.COORDINATOR,
        "",
    ),
]

# Every board has its secretary (a membership names one board, so one person per board),
# and Uppsala and Region Gävleborg have a person in every role. The people are made up.
SECRETARY = Role.BOARD_SECRETARY
PEOPLE += [
    # Örebro's other boards (Socialnämnden has Nils above).
    ("jonas", "Jonas", "Ek", "Nämndsekreterare", "orebro", SECRETARY, "Kommunstyrelsen"),
    ("maja", "Maja", "Nilsson", "Nämndsekreterare", "orebro", SECRETARY, "Förskolenämnden"),
    ("oskar", "Oskar", "Sandberg", "Nämndsekreterare", "orebro", SECRETARY, "Grundskolenämnden"),
    (
        "elin",
        "Elin",
        "Forsberg",
        "Nämndsekreterare",
        "orebro",
        SECRETARY,
        "Kultur- och fritidsnämnden",
    ),
    (
        "johan",
        "Johan",
        "Blom",
        "Nämndsekreterare",
        "orebro",
        SECRETARY,
        "Nämnden för funktionshindrade",
    ),
    (
        "sofia",
        "Sofia",
        "Engström",
        "Nämndsekreterare",
        "orebro",
        SECRETARY,
        "Nämnden för utbildning, försörjning och arbete",
    ),
    # Uppsala: the steering group is an officials' group (Uppsala 2016).
    ("ingrid", "Ingrid", "Falk", "Utredare, beredningen", "uppsala", Role.PREPARATION_GROUP, ""),
    ("per", "Per", "Åberg", "Kommundirektör", "uppsala", Role.MANAGEMENT_GROUP, ""),
    (
        "birgitta",
        "Birgitta",
        "Sundin",
        "Stadsdirektör, ordförande i styrgruppen",
        "uppsala",
        Role.STEERING_GROUP,
        "",
    ),
    ("tove", "Tove", "Hellström", "Kommunsekreterare", "uppsala", Role.DECISION_RECORDER, ""),
    (
        "lars",
        "Lars",
        "Wallin",
        "Förvaltningsdirektör",
        "uppsala",
        Role.DEPARTMENT_HEAD,
        "Arbetsmarknadsförvaltningen",
    ),
    ("emma", "Emma", "Björk", "Projektledare", "uppsala", Role.PROJECT_LEADER, ""),
    ("amir", "Amir", "Rahimi", "Enhetschef", "uppsala", Role.APPLICANT, ""),
    ("mikael", "Mikael", "Svensson", "Controller", "uppsala", Role.FINANCE_OFFICER, ""),
    ("greta", "Greta", "Holmberg", "Revisor", "uppsala", Role.VIEWER, ""),
    ("ebba", "Ebba", "Lindberg", "Nämndsekreterare", "uppsala", SECRETARY, "Kommunstyrelsen"),
    ("axel", "Axel", "Nyberg", "Nämndsekreterare", "uppsala", SECRETARY, "Socialnämnden"),
    ("wilma", "Wilma", "Eriksson", "Nämndsekreterare", "uppsala", SECRETARY, "Utbildningsnämnden"),
    ("hugo", "Hugo", "Bergman", "Nämndsekreterare", "uppsala", SECRETARY, "Arbetsmarknadsnämnden"),
    ("alma", "Alma", "Sjöström", "Nämndsekreterare", "uppsala", SECRETARY, "Omsorgsnämnden"),
    ("leo", "Leo", "Håkansson", "Nämndsekreterare", "uppsala", SECRETARY, "Kulturnämnden"),
    # Region Gävleborg.
    ("helena", "Helena", "Strand", "Analytiker", "gavleborg", Role.ECONOMIST, ""),
    (
        "rasmus",
        "Rasmus",
        "Eklund",
        "Utvecklingsstrateg, beredningsgruppen",
        "gavleborg",
        Role.PREPARATION_GROUP,
        "",
    ),
    ("cecilia", "Cecilia", "Norberg", "Regiondirektör", "gavleborg", Role.MANAGEMENT_GROUP, ""),
    ("bengt", "Bengt", "Olsson", "Regionråd", "gavleborg", Role.STEERING_GROUP, ""),
    ("lisa", "Lisa", "Hedlund", "Regionsekreterare", "gavleborg", Role.DECISION_RECORDER, ""),
    (
        "anders",
        "Anders",
        "Lindgren",
        "Förvaltningschef",
        "gavleborg",
        Role.DEPARTMENT_HEAD,
        "Regional utveckling",
    ),
    ("frida", "Frida", "Mattsson", "Projektledare", "gavleborg", Role.PROJECT_LEADER, ""),
    ("kristin", "Kristin", "Berglund", "Verksamhetschef", "gavleborg", Role.APPLICANT, ""),
    ("tomas", "Tomas", "Lindh", "Ekonom", "gavleborg", Role.FINANCE_OFFICER, ""),
    ("karl", "Karl", "Öberg", "Revisor", "gavleborg", Role.VIEWER, ""),
    ("mats", "Mats", "Åström", "Nämndsekreterare", "gavleborg", SECRETARY, "Regionstyrelsen"),
    (
        "ida",
        "Ida",
        "Sjögren",
        "Nämndsekreterare",
        "gavleborg",
        SECRETARY,
        "Hälso- och sjukvårdsnämnden",
    ),
    (
        "viktor",
        "Viktor",
        "Nyström",
        "Nämndsekreterare",
        "gavleborg",
        SECRETARY,
        "Regional utvecklingsnämnd",
    ),
]


@transaction.atomic
def load() -> None:
    organisations = {}
    for slug, name, kind, code in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "code": code}
        )
        organisations[slug] = org
        for board_name, area, department_name in STRUCTURE[slug]:
            board = Board.objects.filter(organisation=org, name=board_name).first()
            if board is None:
                board = services.board_create(
                    organisation=org, name=board_name, area=area, actor=system_actor()
                )
            department = Department.objects.filter(organisation=org, name=department_name).first()
            if department is None:
                department = services.department_create(
                    organisation=org, name=department_name, boards=[board], actor=system_actor()
                )
            else:
                department.boards.add(board)
        for party_name, party_kind, form, ownership in PARTIES[slug]:
            if not ExternalParty.objects.filter(organisation=org, name=party_name).exists():
                services.party_create(
                    organisation=org,
                    name=party_name,
                    kind=party_kind,
                    form=form,
                    municipal_ownership=ownership,
                    actor=system_actor(),
                )

    User = get_user_model()
    # Hashing is slow on purpose (about a second each); the demo people share one password,
    # so it is hashed once and the hash shared.
    password_hash = ""
    for username, first, last, title, slug, role, unit in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "email": f"{username}@demo.satsa.se",
            },
        )
        if created:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            user.save(update_fields=["password"])
        org = organisations[slug]
        services.membership_grant(
            user=user,
            organisation=org,
            role=role,
            actor=system_actor(),
            board=Board.objects.filter(organisation=org, name=unit).first(),
            department=Department.objects.filter(organisation=org, name=unit).first(),
        )
