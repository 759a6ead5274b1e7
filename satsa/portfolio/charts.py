"""Server-rendered SVG charts. Each chart is an image with a text alternative
(role="img", <title>, <desc>) and is always shown next to a table of the same figures."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from satsa.core.money import kr

_ids = itertools.count(1)
# Colours with at least 3:1 contrast against white (WCAG 1.4.11, non-text contrast).
PRIMARY = "#005a8c"
SECONDARY = "#8a4b00"


def bar_chart(
    *,
    title: str,
    bars: Sequence[tuple[str, Decimal | int | float | None]],
    second: Sequence[Decimal | int | float | None] | None = None,
    legend: tuple[str, str] | None = None,
    fmt: Callable[[Decimal | int | float | None], str] = kr,
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one row per label; ``second`` adds a paired bar per row (e.g.
    expected vs realised). The description spells out every figure."""
    uid = f"chart{next(_ids)}"
    label_w, value_w, row_h, bar_h = 220, 130, 34 if second else 24, 14
    plot_w = width - label_w - value_w
    values = [float(v or 0) for _, v in bars] + [float(v or 0) for v in (second or [])]
    top = max([abs(v) for v in values] + [1.0])
    legend_h = 24 if legend else 0
    height = legend_h + row_h * max(len(bars), 1) + 8

    desc_parts = []
    for i, (label, value) in enumerate(bars):
        text = f"{label}: {fmt(value)}"
        if second is not None:
            names = legend or ("", "")
            text = f"{label}: {names[0]} {fmt(value)}, {names[1]} {fmt(second[i])}"
        desc_parts.append(text)
    desc = "; ".join(desc_parts) or "Inga värden."

    out = [
        f'<svg class="chart" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    if legend:
        out.append(f'<rect x="{label_w}" y="4" width="12" height="12" fill="{PRIMARY}"/>')
        out.append(f'<text x="{label_w + 18}" y="15" font-size="13">{escape(legend[0])}</text>')
        out.append(f'<rect x="{label_w + 160}" y="4" width="12" height="12" fill="{SECONDARY}"/>')
        out.append(f'<text x="{label_w + 178}" y="15" font-size="13">{escape(legend[1])}</text>')
    for i, (label, value) in enumerate(bars):
        y = legend_h + i * row_h
        short = label if len(label) <= 30 else label[:29] + "…"
        out.append(f'<text x="0" y="{y + 14}" font-size="13">{escape(short)}</text>')
        pairs = [(value, PRIMARY, 0)]
        if second is not None:
            pairs.append((second[i], SECONDARY, bar_h + 2))
        for v, colour, dy in pairs:
            w = max(0.0, abs(float(v or 0)) / top * plot_w)
            out.append(
                f'<rect x="{label_w}" y="{y + 3 + dy}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colour}"/>'
            )
            out.append(
                f'<text x="{label_w + w + 6:.1f}" y="{y + 14 + dy}" font-size="12">'
                f"{escape(fmt(v))}</text>"
            )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
