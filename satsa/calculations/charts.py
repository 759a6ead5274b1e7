"""Geometry for the editor's charts, drawn as server-side SVG by the templates.

Each function takes (part of) the engine's result and returns plain data: the shapes to
draw, in a fixed viewBox, and the rows of the table that stands in for the chart for
people who cannot see it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from satsa.core.money import mkr_tick

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 16, 40
# Colour-blind-safe (Okabe–Ito) colours, each series also with its own dash pattern.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4"]
FUND = "fund"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    step = 10 ** math.floor(math.log10((high - low) / count))
    for factor in (1, 2, 2.5, 5, 10):
        if (high - low) / (step * factor) <= count:
            step *= factor
            break
    ticks = [math.floor(low / step) * step]
    # Up to the first tick at or past ``high``, so that nothing is drawn beyond the axis.
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 6) for t in ticks]


class Scale:
    def __init__(self, domain: tuple[float, float], extent: tuple[float, float]) -> None:
        self.d0, self.d1 = domain
        self.r0, self.r1 = extent

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return round(self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0), 1)


def party_label(name: str, fund_label: str) -> str:
    return fund_label if name == FUND else name


def cumulative_by_party(result: dict[str, Any], fund_label: str) -> dict[str, Any]:
    """Cumulative net flow (savings − costs borne) per actor, year by year, nominal."""
    flows = result.get("flows") or []
    parties = list(
        dict.fromkeys(
            [*(result.get("actors") or []), *(result["totals"].get("cost_by_financier") or {})]
        )
    )
    years = [row["year"] for row in flows]
    series: list[dict[str, Any]] = []
    for i, party in enumerate(parties):
        running, points = 0.0, []
        for row in flows:
            running += (row.get("savings_by_actor") or {}).get(party, 0.0)
            running -= (row.get("cost_by_financier") or {}).get(party, 0.0)
            points.append(running)
        series.append(
            {
                "name": party_label(party, fund_label),
                "values": points,
                "colour": COLOURS[i % len(COLOURS)],
                "dash": DASHES[i % len(DASHES)],
            }
        )
    total = [row["cumulative_net"] for row in flows]
    series.append({"name": None, "values": total, "colour": "#1b1b1b", "dash": "", "total": True})
    values = [v for s in series for v in s["values"]] or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    y = Scale((ticks[0], ticks[-1]), (HEIGHT - BOTTOM, TOP))
    x = Scale((years[0], years[-1]) if years else (0, 1), (LEFT + 10, WIDTH - RIGHT - 10))
    for s in series:
        s["points"] = " ".join(f"{x(yr)},{y(v)}" for yr, v in zip(years, s["values"], strict=True))
    step = max(1, math.ceil(len(years) / 8))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "series": series,
        "years": years,
        "x_ticks": [{"x": x(yr), "label": yr} for yr in years[::step]],
        "y_ticks": [{"y": y(t), "label": mkr_tick(t)} for t in ticks],
        "zero": y(0.0),
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "rows": [
            {"year": yr, "values": [s["values"][i] for s in series]} for i, yr in enumerate(years)
        ],
    }


# What the tornado calls each uncertain input of an effect line (values as the engine has them).
INPUT_LABELS = {
    "volume_after_end": _("volym per år efter projektet"),
    "deadweight": _("dödvikt (andel)"),
    "attribution": _("andel som beror på andra"),
    "displacement": _("undanträngning (andel)"),
    "drop_off": _("avtagande per år (andel)"),
    "unit_cost": _("enhetskostnad (kr)"),
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


def tornado(result: dict[str, Any], fields: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """One bar per uncertain input: NPV at its low and its high value, widest first."""
    entries = sorted(result.get("sensitivity") or [], key=lambda e: -e["swing"])
    if not entries:
        return None
    entries = [
        dict(e, label=input_label(e["input"], result, fields or {}, e["label"])) for e in entries
    ]
    base = result["totals"]["npv"]
    values = [base] + [v for e in entries for v in (e["npv_low"], e["npv_high"])]
    ticks = nice_ticks(min(values), max(values))
    row_height, label_width = 34, 220
    height = TOP + row_height * len(entries) + BOTTOM
    x = Scale((ticks[0], ticks[-1]), (label_width, WIDTH - RIGHT - 10))
    bars = []
    for i, e in enumerate(entries):
        top = TOP + i * row_height + 6
        low_x, high_x, base_x = x(e["npv_low"]), x(e["npv_high"]), x(base)
        bars.append(
            {
                **e,
                "y": top,
                "h": row_height - 12,
                "text_y": top + (row_height - 12) / 2 + 5,
                # the part of the bar from the base to the input's low and high value
                "low_x": min(low_x, base_x),
                "low_w": abs(base_x - low_x),
                "high_x": min(high_x, base_x),
                "high_w": abs(high_x - base_x),
            }
        )
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "base": base,
        "base_x": x(base),
        "label_x": label_width - 8,
        "x_ticks": [{"x": x(t), "label": mkr_tick(t)} for t in ticks],
        "top": TOP,
        "bottom": height - BOTTOM,
    }


def histogram(npv: Any, summary: dict[str, Any], bins: int = 24) -> dict[str, Any] | None:
    """The Monte Carlo distribution of NPV as a histogram; losses in one colour, gains in another."""
    values = list(npv) if npv is not None else []
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / width))] += 1
    ticks = nice_ticks(low, high)
    x = Scale((min(ticks[0], low), max(ticks[-1], high)), (LEFT, WIDTH - RIGHT))
    y = Scale((0, max(counts)), (HEIGHT - BOTTOM, TOP))
    bars = []
    for i, count in enumerate(counts):
        start, end = low + i * width, low + (i + 1) * width
        bars.append(
            {
                "x": x(start),
                "w": max(0.5, round(x(end) - x(start) - 1, 1)),
                "y": y(count),
                "h": round(y(0) - y(count), 1),
                "start": start,
                "end": end,
                "count": count,
                "share": count / len(values),
                "loss": end <= 0,
            }
        )
    marks = []
    for key, label in (("p5", "P5"), ("p50", "P50"), ("p95", "P95")):
        if summary.get(key) is not None:
            marks.append({"x": x(summary[key]), "label": label, "value": summary[key]})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "marks": marks,
        "zero_x": x(0.0) if x.d0 <= 0 <= x.d1 else None,
        "x_ticks": [{"x": x(t), "label": mkr_tick(t)} for t in ticks],
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "draws": len(values),
    }
