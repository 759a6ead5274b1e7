from django.utils.translation import gettext_lazy as _

VERBS = {
    "rulebook.uploaded": _("laddade upp en regelboksversion"),
}
