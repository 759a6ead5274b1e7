from django.utils.translation import gettext_lazy as _

VERBS = {
    "fund.deposited": _("bokförde en insättning i fonden"),
    "fund.withdrew": _("bokförde ett uttag ur fonden"),
    "fund.committed": _("bokförde ett åtagande"),
    "fund.released": _("frigjorde ett åtagande"),
    "fund.claim_submitted": _("begärde utbetalning"),
    "fund.claim_approved": _("godkände en utbetalningsbegäran"),
    "fund.claim_rejected": _("avslog en utbetalningsbegäran"),
    "fund.paid": _("bokförde en utbetalning"),
    "fund.reversed": _("motbokade en verifikation"),
    "fund.repayment_planned": _("beslutade en återföringsplan"),
    "fund.repayment_choice_recorded": _("tog ställning till om återföringsmodellen gäller"),
    "fund.repayment_settled": _("avräknade återföringen efter utvärderingen"),
    "fund.repaid": _("bokförde en återföring"),
    "fund.payment_plan_proposed": _("föreslog en utbetalningsplan"),
    "fund.payment_plan_approved": _("godkände utbetalningsplanen"),
    "fund.repayment_plan_approved": _("godkände återföringsplanen"),
}
