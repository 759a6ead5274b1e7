from django.utils.translation import gettext_lazy as _

VERBS = {
    "files.requested": _("beställde en fil som skapas i bakgrunden"),
    "files.made": _("skapade en beställd fil"),
    "files.failed": _("kunde inte skapa en beställd fil"),
    "files.import_requested": _("laddade upp en fil som importeras i bakgrunden"),
    "files.imported": _("importerade en uppladdad fil"),
    "files.import_failed": _("kunde inte importera en uppladdad fil"),
}
