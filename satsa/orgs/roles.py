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
    STEERING_GROUP = "steering_group", _("Politisk styrgrupp")
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


_EVERYONE = {Perm.VIEW_ORGANISATION}
_STAFF = _EVERYONE | {Perm.VIEW_PEOPLE, Perm.VIEW_ACTIVITY}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        _STAFF | {Perm.MANAGE_ORGANISATION, Perm.MANAGE_PARTIES, Perm.MANAGE_MEMBERSHIPS}
    ),
    Role.ECONOMIST: frozenset(_STAFF),
    Role.PREPARATION_GROUP: frozenset(_STAFF | {Perm.MANAGE_PARTIES}),
    Role.MANAGEMENT_GROUP: frozenset(_STAFF),
    Role.STEERING_GROUP: frozenset(_STAFF),
    Role.DECISION_RECORDER: frozenset(_STAFF),
    Role.DEPARTMENT_HEAD: frozenset(_STAFF),
    Role.PROJECT_LEADER: frozenset(_EVERYONE),
    Role.APPLICANT: frozenset(_EVERYONE),
    Role.BOARD_SECRETARY: frozenset(_STAFF),
    Role.FINANCE_OFFICER: frozenset(_STAFF),
    Role.VIEWER: frozenset(_EVERYONE | {Perm.VIEW_ACTIVITY}),
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
