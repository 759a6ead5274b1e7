"""The events the case pipeline records, with the sentence shown in activity feeds."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "needs.created": _("registrerade en behovsanalys"),
    "case.created": _("påbörjade en idébeskrivning"),
    "case.idea_updated": _("ändrade idébeskrivningen"),
    "case.idea_submitted": _("lämnade in idén"),
    "case.idea_assessed": _("bedömde idén mot kriterierna"),
    "case.criteria_assessed": _("bedömde ärendet mot kriterierna"),
    "case.advanced": _("förde ärendet vidare"),
    "case.step_started": _("skickade ärendet till nästa steg"),
    "case.stopped": _("avslog ärendet"),
    "case.idea_answered": _("besvarade idén"),
    "case.boards_informed": _("informerade berörda nämnder"),
    "case.board_commented": _("lämnade nämndens yttrande"),
    "case.co_applicant_added": _("lade till en medsökande"),
    "case.application_saved": _("sparade ansökan"),
    "case.application_submitted": _("lämnade in ansökan"),
    "case.attachment_added": _("bifogade en fil"),
    "case.attachment_replaced": _("ersatte en bilaga med en ny version"),
    "case.attachment_withdrawn": _("tog bort en bilaga"),
    "case.signed": _("undertecknade ansökan"),
    "case.signatures_voided": _("underskrifter blev ogiltiga när ansökan ändrades"),
    "case.exemption_granted": _("beviljade undantag från en regel"),
    "case.ranked": _("prioriterade ansökningarna"),
    "case.decided": _("registrerade kommunstyrelsens beslut"),
    "case.stage_changed": _("ändrade ärendets skede"),
    "case.people_changed": _("ändrade ärendets personer"),
    "case.step_reminded": _("påminde om ett steg som snart ska vara klart eller är försenat"),
}
