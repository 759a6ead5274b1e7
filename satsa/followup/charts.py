"""A measure's values over time as a chart of the chart kit; the page shows the same values
in a table. Only values that may be shown (suppression already applied) are drawn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from satsa.core import charts as kit

TREATMENT_COLOUR = "#1d5fa8"
CONTROL_COLOUR = "#8a4b08"


def _value(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def measure_chart(
    *,
    title: str,
    treatment: list[tuple[dt.date, Decimal]],
    control: list[tuple[dt.date, Decimal]],
    baseline: Decimal | None,
    target: Decimal | None,
    start: dt.date | None = None,
) -> kit.Chart | None:
    """A line chart of the target group's and the comparison group's values (the comparison
    group dashed), with the baseline and the target as labelled guides."""
    if not treatment and not control:
        return None
    days = sorted({d for d, _v in treatment + control} | ({start} if start else set()))
    by_day = [dict(treatment), dict(control)]
    series = [kit.Series(_("Målgrupp"), [by_day[0].get(d) for d in days], TREATMENT_COLOUR)]
    if control:
        series.append(
            kit.Series(
                _("Jämförelsegrupp"), [by_day[1].get(d) for d in days], CONTROL_COLOUR, "6 3"
            )
        )
    guides = [
        kit.Guide(value, label, dash)
        for value, label, dash in ((baseline, _("basvärde"), "2 3"), (target, _("mål"), "8 4"))
        if value is not None
    ]
    return kit.line_chart(
        title=title,
        x=[d.toordinal() for d in days],
        x_labels=[d.isoformat() for d in days],
        series=series,
        guides=guides,
        markers=True,
        include_zero=True,
        width=560,
        height=260,
        fmt=_value,
        ticks=kit.number_ticks,
        x_header=_("Mätdatum"),
        description=_(
            "Diagram över värden per mätdatum, med basvärde och målvärde som linjer. "
            "Samma värden finns i tabellen nedanför."
        ),
    )
