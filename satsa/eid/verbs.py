"""Events of logging in with e-legitimation (SAML or OpenID Connect)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "eid.logged_in": _("loggade in med e-legitimation"),
    "eid.login_failed": _("misslyckad inloggning med e-legitimation"),
    "eid.account_matched": _("kopplades till sin e-legitimation"),
    "eid.account_created": _("fick ett konto vid första inloggningen med e-legitimation"),
    "eid.person_registered": _("registrerade en person för inloggning med e-legitimation"),
    "eid.settings_changed": _("ändrade inställningarna för e-legitimation"),
    "eid.logged_out": _("loggade ut via identitetsleverantören"),
    "eid.role_granted": _("fick en roll från identitetsleverantörens grupper"),
    "eid.role_ended": _("förlorade en roll från identitetsleverantörens grupper"),
}
