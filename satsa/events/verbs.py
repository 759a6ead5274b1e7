"""Every kind of event Satsa records, with the sentence shown in activity feeds."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "user.logged_in": _("loggade in"),
    "user.login_failed": _("misslyckad inloggning"),
    "user.two_factor_enabled": _("aktiverade tvåfaktorsinloggning"),
    "user.two_factor_disabled": _("stängde av tvåfaktorsinloggning"),
    "organisation.created": _("skapade organisationen"),
    "organisation.updated": _("ändrade organisationens inställningar"),
    "board.created": _("lade till nämnden"),
    "department.created": _("lade till förvaltningen"),
    "party.created": _("lade till den externa parten"),
    "membership.granted": _("gav en roll"),
    "membership.revoked": _("tog bort en roll"),
}
