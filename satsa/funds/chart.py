"""The fund's forecast as a chart of the chart kit (the page shows the same data as a table)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from satsa.core import charts as kit
from satsa.core.money import kr
from satsa.funds.selectors import ForecastYear

PAYMENTS, RETURNS, CAPITAL = "#b3261e", "#1b6e3a", "#1f4e8c"


def forecast_chart(rows: Sequence[ForecastYear]) -> kit.Chart | None:
    """Bars per year, on one spot: expected payments (down) and repayments with fees (up);
    a line for the fund's capital at the end of each year."""
    if not rows:
        return None
    return kit.bar_chart(
        title=_("Prognos per år: utbetalningar, återföringar och fondens kapital"),
        categories=[str(r.year) for r in rows],
        series=[
            kit.Series(_("Utbetalningar"), [-r.payments for r in rows], PAYMENTS),
            kit.Series(
                _("Återföringar och avgifter"), [r.repayments + r.fees for r in rows], RETURNS
            ),
        ],
        stacked=True,
        lines=[kit.Series(_("Fondens kapital vid årets slut"), [r.capital for r in rows], CAPITAL)],
        fmt=kr,
        category_header=_("År"),
    )
