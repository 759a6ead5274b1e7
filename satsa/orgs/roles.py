"""Roles and what each may do: the one readable place for Satsa's permission model.

A person holds roles through memberships, per organisation; one person may hold several
roles in several organisations. Views ask :func:`satsa.orgs.permissions.has_perm` whether
the person's roles in *that* organisation grant a permission from the table below.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Processledare")
    ECONOMIST = "economist", _("Ekonom/utvärderare")
    PREPARATION_GROUP = "preparation_group", _("Beredningsgrupp")
    MANAGEMENT_GROUP = "management_group", _("Ledningsgrupp")
    # Political in Örebro, officials in Uppsala: the rulebook names it (Rulebook.roles).
    STEERING_GROUP = "steering_group", _("Styrgrupp")
    DECISION_RECORDER = "decision_recorder", _("Beslutsregistrator (KS-sekreterare)")
    DEPARTMENT_HEAD = "department_head", _("Förvaltningschef")
    PROJECT_LEADER = "project_leader", _("Projektledare")
    APPLICANT = "applicant", _("Sökande")
    BOARD_SECRETARY = "board_secretary", _("Nämndsekreterare")
    FINANCE_OFFICER = "finance_officer", _("Ekonomihandläggare")
    VIEWER = "viewer", _("Läsbehörighet")


class Perm(models.TextChoices):
    VIEW_ORGANISATION = "view_organisation", _("se organisationens uppgifter")
    VIEW_PEOPLE = "view_people", _("se personer och roller")
    MANAGE_ORGANISATION = "manage_organisation", _("ändra organisationens inställningar")
    MANAGE_PARTIES = "manage_parties", _("lägga till externa parter")
    MANAGE_MEMBERSHIPS = "manage_memberships", _("ge och ta bort roller")
    VIEW_ACTIVITY = "view_activity", _("se aktivitetsloggen")
    MANAGE_RULEBOOKS = "manage_rulebooks", _("ladda upp regelboksversioner")
    # cases
    VIEW_ALL_CASES = "view_all_cases", _("se alla ärenden")
    SUBMIT_IDEA = "submit_idea", _("lämna in idéer och ansökningar")
    REVIEW_IDEA = "review_idea", _("bedöma idéer och ansökningars fullständighet")
    MANAGEMENT_POSITION = "management_position", _("ta ställning i ledningsgruppen")
    BOARD_COMMENT = "board_comment", _("lämna nämndens synpunkter")
    SIGN_APPLICATION = "sign_application", _("skriva under ansökningar")
    STEERING_APPROVE = "steering_approve", _("godkänna och prioritera i styrgruppen")
    RECORD_DECISION = "record_decision", _("registrera kommunstyrelsens beslut")
    GRANT_EXEMPTION = "grant_exemption", _("bevilja undantag från regelboken")
    REGISTER_ON_BEHALF = (
        "register_on_behalf",
        _("registrera nämnders yttranden och parters underskrifter för deras räkning"),
    )
    # calculations
    EDIT_CALCULATION = "edit_calculation", _("redigera kalkyler")
    MANAGE_UNIT_COSTS = "manage_unit_costs", _("förvalta enhetskostnader")
    # the fund
    VIEW_FUND = "view_fund", _("se fondens ekonomi")
    MANAGE_FUND = "manage_fund", _("registrera insättningar och uttag")
    CLAIM_PAYMENT = "claim_payment", _("begära utbetalning")
    APPROVE_CLAIM = "approve_claim", _("godkänna utbetalningar")
    APPROVE_CLAIM_FINANCE = "approve_claim_finance", _("attestera utbetalningar (ekonomi)")
    # follow-up
    REPORT_PROGRESS = "report_progress", _("rapportera uppföljning")
    MANAGE_EVALUATION = "manage_evaluation", _("förvalta utvärdering")
    VIEW_INDIVIDUAL_DATA = "view_individual_data", _("se pseudonymiserade individdata")


_EVERYONE = {Perm.VIEW_ORGANISATION}
_STAFF = _EVERYONE | {Perm.VIEW_PEOPLE, Perm.VIEW_ACTIVITY, Perm.VIEW_ALL_CASES, Perm.VIEW_FUND}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        _STAFF
        | {
            Perm.MANAGE_ORGANISATION,
            Perm.MANAGE_PARTIES,
            Perm.MANAGE_MEMBERSHIPS,
            Perm.MANAGE_RULEBOOKS,
            Perm.SUBMIT_IDEA,
            Perm.GRANT_EXEMPTION,
            Perm.REGISTER_ON_BEHALF,
            Perm.EDIT_CALCULATION,
            Perm.MANAGE_UNIT_COSTS,
            Perm.MANAGE_FUND,
            Perm.APPROVE_CLAIM,
            Perm.MANAGE_EVALUATION,
        }
    ),
    Role.ECONOMIST: frozenset(
        _STAFF
        | {
            Perm.EDIT_CALCULATION,
            Perm.MANAGE_UNIT_COSTS,
            Perm.MANAGE_EVALUATION,
            Perm.VIEW_INDIVIDUAL_DATA,
        }
    ),
    Role.PREPARATION_GROUP: frozenset(_STAFF | {Perm.MANAGE_PARTIES, Perm.REVIEW_IDEA}),
    Role.MANAGEMENT_GROUP: frozenset(_STAFF | {Perm.MANAGEMENT_POSITION}),
    Role.STEERING_GROUP: frozenset(_STAFF | {Perm.STEERING_APPROVE}),
    Role.DECISION_RECORDER: frozenset(_STAFF | {Perm.RECORD_DECISION}),
    Role.DEPARTMENT_HEAD: frozenset(_STAFF | {Perm.SIGN_APPLICATION, Perm.SUBMIT_IDEA}),
    # Project leaders and applicants see their own cases only (checked per case).
    Role.PROJECT_LEADER: frozenset(
        _EVERYONE | {Perm.SUBMIT_IDEA, Perm.CLAIM_PAYMENT, Perm.REPORT_PROGRESS}
    ),
    Role.APPLICANT: frozenset(_EVERYONE | {Perm.SUBMIT_IDEA, Perm.EDIT_CALCULATION}),
    # Board secretaries see the cases that concern their board (checked per case).
    Role.BOARD_SECRETARY: frozenset(_EVERYONE | {Perm.VIEW_PEOPLE, Perm.BOARD_COMMENT}),
    Role.FINANCE_OFFICER: frozenset(_STAFF | {Perm.MANAGE_FUND, Perm.APPROVE_CLAIM_FINANCE}),
    Role.VIEWER: frozenset(_EVERYONE | {Perm.VIEW_ACTIVITY, Perm.VIEW_ALL_CASES, Perm.VIEW_FUND}),
}

# Roles that handle other people's cases or money: an organisation can require them to
# use two-factor login.
STAFF_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.ECONOMIST,
        Role.PREPARATION_GROUP,
        Role.MANAGEMENT_GROUP,
        Role.STEERING_GROUP,
        Role.DECISION_RECORDER,
        Role.DEPARTMENT_HEAD,
        Role.BOARD_SECRETARY,
        Role.FINANCE_OFFICER,
    }
)
