"""The menu of an organisation's pages. Each entry: URL name, label, required permission.

Entries whose URL does not exist (an app not installed) are left out, so every app adds
its own line here and nothing else.
"""

from django.utils.translation import gettext_lazy as _

from satsa.orgs.roles import Perm

ORG_NAV = [
    ("orgs:dashboard", _("Översikt"), Perm.VIEW_ORGANISATION),
    ("cases:tasks", _("Mina uppgifter"), Perm.VIEW_ORGANISATION),
    ("cases:pipeline", _("Ärenden"), Perm.VIEW_ORGANISATION),
    ("portfolio:dashboard", _("Portfölj"), Perm.VIEW_ALL_CASES),
    ("funds:overview", _("Fonden"), Perm.VIEW_FUND),
    ("followup:overview", _("Uppföljning"), Perm.VIEW_ALL_CASES),
    ("calculations:unit_costs", _("Enhetskostnader"), Perm.VIEW_ORGANISATION),
    ("rulebooks:current", _("Regelbok"), Perm.VIEW_ORGANISATION),
    ("orgs:structure", _("Nämnder och förvaltningar"), Perm.VIEW_ORGANISATION),
    ("orgs:parties", _("Externa parter"), Perm.VIEW_ORGANISATION),
    ("orgs:people", _("Personer och roller"), Perm.VIEW_PEOPLE),
    ("orgs:activity", _("Aktivitet"), Perm.VIEW_ACTIVITY),
    ("files:list", _("Mina filer"), Perm.VIEW_ORGANISATION),
    ("orgs:settings", _("Inställningar"), Perm.MANAGE_ORGANISATION),
]
