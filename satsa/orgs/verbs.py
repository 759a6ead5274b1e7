from django.utils.translation import gettext_lazy as _

VERBS = {
    "organisation.created": _("skapade organisationen"),
    "organisation.updated": _("ändrade organisationens inställningar"),
    "board.created": _("lade till nämnden"),
    "department.created": _("lade till förvaltningen"),
    "party.created": _("lade till den externa parten"),
    "membership.granted": _("gav en roll"),
    "membership.revoked": _("tog bort en roll"),
}
