"""Server-rendered SVG charts of a measure over time; every chart has a table beside it.

The chart is decoration for sighted readers: it carries ``role="img"`` with a title and a
description, and the page shows the same numbers in a table (the accessible alternative).
Only values that may be shown (suppression already applied) are drawn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
# Colours with at least 3:1 contrast against white; the comparison group is also dashed,
# so the lines differ by more than colour.
TREATMENT_COLOUR = "#1d5fa8"
CONTROL_COLOUR = "#8a4b08"
GUIDE_COLOUR = "#555555"


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def measure_chart(
    *,
    chart_id: str,
    title: str,
    treatment: list[tuple[dt.date, Decimal]],
    control: list[tuple[dt.date, Decimal]],
    baseline: Decimal | None,
    target: Decimal | None,
    start: dt.date | None = None,
) -> SafeString:
    """A line chart of the target group's and the comparison group's values, with the
    baseline and the target as horizontal guides."""
    points = treatment + control
    numbers = [float(v) for _, v in points]
    numbers += [float(v) for v in (baseline, target) if v is not None]
    if not points or not numbers:
        return mark_safe("")  # noqa: S308 - nothing user-supplied
    dates = [d for d, _ in points] + ([start] if start else [])
    first, last = min(dates), max(dates)
    span_days = max((last - first).days, 1)
    low, high = min(numbers + [0.0]), max(numbers)
    if high == low:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - first).days / span_days

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Diagram över målgruppens'
        f"{' och jämförelsegruppens' if control else ''} värden per mätdatum, med basvärde och "
        f"målvärde som linjer. Samma värden finns i tabellen nedanför.</desc>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="{GUIDE_COLOUR}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{GUIDE_COLOUR}"/>',
    ]
    for value in (low, (low + high) / 2, high):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">{_fmt(value)}</text>'
        )
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11">{first.isoformat()}</text>')
    parts.append(
        f'<text x="{LEFT + plot_w}" y="{HEIGHT - 8}" text-anchor="end" font-size="11">{last.isoformat()}</text>'
    )
    for guide, label, dash in ((baseline, "basvärde", "2 3"), (target, "mål", "8 4")):
        if guide is not None:
            yy = y(float(guide))
            parts.append(
                f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{LEFT + plot_w}" y2="{yy:.1f}" '
                f'stroke="{GUIDE_COLOUR}" stroke-dasharray="{dash}"/>'
                f'<text x="{LEFT + plot_w - 2}" y="{yy - 4:.1f}" text-anchor="end" font-size="11">{label}</text>'
            )
    for series, colour, dash in (
        (treatment, TREATMENT_COLOUR, ""),
        (control, CONTROL_COLOUR, "6 3"),
    ):
        if not series:
            continue
        coords = " ".join(f"{x(d):.1f},{y(float(v)):.1f}" for d, v in series)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        for d, v in series:
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(float(v)):.1f}" r="3.5" fill="{colour}"/>'
            )
    parts.append("</svg>")
    # Everything interpolated is a number, a date or escaped text.
    return mark_safe("".join(parts))  # noqa: S308
