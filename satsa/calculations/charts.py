"""What the editor's charts show, drawn by the chart kit (satsa.core.charts).

Each function takes (part of) the engine's result and returns a laid-out chart with the
table that stands in for it for people who cannot see it.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satsa.core import charts as kit
from satsa.core.money import kr, number, percent

FUND = "fund"


def party_label(name: str, fund_label: str) -> str:
    return fund_label if name == FUND else name


def cumulative_by_party(result: dict[str, Any], fund_label: str) -> kit.Chart:
    """Cumulative net flow (savings − costs borne) per actor, year by year, nominal."""
    flows = result.get("flows") or []
    parties = list(
        dict.fromkeys(
            [*(result.get("actors") or []), *(result["totals"].get("cost_by_financier") or {})]
        )
    )
    years = [row["year"] for row in flows]
    series: list[kit.Series] = []
    for i, party in enumerate(parties):
        running, points = 0.0, []
        for row in flows:
            running += (row.get("savings_by_actor") or {}).get(party, 0.0)
            running -= (row.get("cost_by_financier") or {}).get(party, 0.0)
            points.append(running)
        series.append(
            kit.Series(
                party_label(party, fund_label),
                points,
                kit.PALETTE[i % (len(kit.PALETTE) - 1)],
                kit.DASHES[i % len(kit.DASHES)],
            )
        )
    total = [row["cumulative_net"] for row in flows]
    series.append(kit.Series(_("Totalt"), total, kit.INK, "", 3))
    return kit.line_chart(
        title=_("Ackumulerat nettoflöde per aktör (nominellt)"),
        x=years,
        x_labels=[str(y) for y in years],
        series=series,
        fmt=kr,
        x_header=_("År"),
        caption=_("Ackumulerat nettoflöde per aktör och år (kr, nominellt)"),
    )


# What the tornado calls each uncertain input of an effect line (values as the engine has them).
INPUT_LABELS = {
    "volume_after_end": gettext_lazy("volym per år efter projektet"),
    "deadweight": gettext_lazy("dödvikt"),
    "attribution": gettext_lazy("andel som beror på andra"),
    "displacement": gettext_lazy("undanträngning"),
    "drop_off": gettext_lazy("avtagande per år"),
    "unit_cost": gettext_lazy("enhetskostnad (kr)"),
}
INPUT_PATH = re.compile(r"^(effects|costs)\[(\d+)\]\.(.+)$")


def input_label(path: str, result: dict[str, Any], fields: dict[str, Any], fallback: str) -> str:
    """ "effects[0].deadweight" → "Färre placeringar: Dödvikt (%)", from the editor's labels."""
    match = INPUT_PATH.match(path)
    if not match or match.group(1) != "effects":
        return fallback
    index, field = int(match.group(2)), match.group(3)
    effects = result.get("effects") or []
    name = effects[index]["name"] if index < len(effects) else path
    if field.startswith("volume."):
        return f"{name}: {_('volym')} {field.removeprefix('volume.')}"
    return f"{name}: {fields.get(field, field)}"


SHARE_INPUTS = {"deadweight", "attribution", "displacement", "drop_off", "discount_rate"}


def input_value(path: str, value: Any) -> str:
    """An uncertain input's value as people write it: shares as percentages (20 %, not
    0,20), amounts in kronor, volumes as numbers."""
    field = path.rsplit(".", 1)[-1]
    if field in SHARE_INPUTS or path.startswith("optimism_bias"):
        return percent(value, decimals="auto")
    if field in ("unit_cost", "amount"):
        return kr(value)
    return number(value, decimals=2)


def tornado(result: dict[str, Any], fields: dict[str, Any] | None = None) -> kit.Chart | None:
    """One bar per uncertain input: NPV at its low and its high value, widest first."""
    entries = sorted(result.get("sensitivity") or [], key=lambda e: -e["swing"])
    if not entries:
        return None
    entries = [
        dict(e, label=input_label(e["input"], result, fields or {}, e["label"])) for e in entries
    ]
    base = result["totals"]["npv"]
    return kit.tornado_chart(
        title=_("Känslighet (tornado)"),
        rows=[(e["label"], e["npv_low"], e["npv_high"]) for e in entries],
        base=base,
        low_name=_("lägsta värdet"),
        high_name=_("högsta värdet"),
        base_name=_("Kalkylens nuvärde"),
        fmt=kr,
        table=kit.Table(
            _("Nuvärde netto med varje osäker uppgift på sitt lägsta och högsta värde"),
            [
                _("Uppgift"),
                _("Lägst"),
                _("Troligast"),
                _("Högst"),
                _("NPV vid lägst"),
                _("NPV vid högst"),
            ],
            [
                [
                    e["label"],
                    input_value(e["input"], e["low"]),
                    input_value(e["input"], e["mode"]),
                    input_value(e["input"], e["high"]),
                    kr(e["npv_low"]),
                    kr(e["npv_high"]),
                ]
                for e in entries
            ],
        ),
    )


def histogram(npv: Any, summary: dict[str, Any], bins: int = 24) -> kit.Chart | None:
    """The Monte Carlo distribution of NPV; losses in one colour, gains in another, and the
    percentiles as marked lines."""
    values = [float(v) for v in npv] if npv is not None else []
    if len(values) < 2:
        return None
    marks = [
        (label, summary[key])
        for key, label in (
            ("p5", "P5"),
            ("p10", "P10"),
            ("p50", "P50"),
            ("p90", "P90"),
            ("p95", "P95"),
        )
        if summary.get(key) is not None
    ]
    chart = kit.histogram(
        title=_("Fördelning av nuvärde netto"),
        values=values,
        marks=marks,
        bins=bins,
        loss_name=_("Kostnaden täcks inte"),
        gain_name=_("Kostnaden täcks"),
        fmt=kr,
        caption=_("Antal simuleringar per intervall av nuvärde netto"),
        headers=[_("Från"), _("Till"), _("Antal"), _("Andel")],
    )
    if chart is not None:
        chart.table.rows[:] = [
            [kr(b.start), kr(b.end), str(b.count), percent(b.share, decimals=1)]
            for b in kit.bins_of(values, bins)
        ]
    return chart
