from django.utils.translation import gettext_lazy as _

VERBS = {
    "portfolio.final_report_published": _("publicerade en slutrapport"),
    "portfolio.final_report_withdrawn": _("drog tillbaka en publicerad slutrapport"),
    "portfolio.evaluation_generated": _("tog fram portföljens samlade utvärdering"),
}
