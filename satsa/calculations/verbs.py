from django.utils.translation import gettext_lazy as _

VERBS = {
    "unit_cost.created": _("lade till enhetskostnaden"),
    "unit_cost.value_set": _("angav ett nytt värde för enhetskostnaden"),
    "unit_cost.published": _("publicerade enhetskostnaden"),
    "unit_cost.unpublished": _("avpublicerade enhetskostnaden"),
    "unit_costs.imported": _("importerade enhetskostnader"),
    "price_index.created": _("lade till prisindexet"),
    "price_index.value_set": _("angav ett indexvärde"),
    "calculation.created": _("skapade kalkylen"),
    "calculation.updated": _("ändrade kalkylen"),
    "calculation.snapshot": _("sparade en ögonblicksbild av kalkylen"),
    "calculation.realisation_planned": _("ändrade effekthemtagningsplanen"),
}
