"""The event-study plot: an SVG of the estimate per period relative to the start with its
confidence interval, and a standalone HTML page with the same numbers as a table beside it.

The SVG is decoration for sighted readers (``role="img"`` with a title and a
description); the table is the accessible alternative. Only estimates that may be shown
are drawn (small cohorts were left out before the estimates were made).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

__all__ = ["event_study_page", "event_study_svg"]

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
POINT = "#1d5fa8"  # ≥ 3:1 against white
GUIDE = "#555555"

_TEXT = {
    "sv": {
        "title": "Händelsestudie: effekt per period i förhållande till starten",
        "desc": (
            "Skattad effekt för varje period före och efter starten med "
            "{pct} % konfidensintervall; perioden före starten är referens (0). "
            "Samma värden finns i tabellen bredvid."
        ),
        "e": "Period i förhållande till starten",
        "estimate": "Skattning",
        "interval": "Konfidensintervall",
        "reference": "referens",
        "aggregated": "Sammanvägd effekt",
        "pre_trend": "Test av parallella trender före starten",
    },
    "en": {
        "title": "Event study: effect per period relative to the start",
        "desc": (
            "Estimated effect for each period before and after the start with its "
            "{pct} % confidence interval; the period before the start is the reference (0). "
            "The same numbers are in the table beside it."
        ),
        "e": "Period relative to the start",
        "estimate": "Estimate",
        "interval": "Confidence interval",
        "reference": "reference",
        "aggregated": "Aggregated effect",
        "pre_trend": "Test of parallel trends before the start",
    },
}


def _fmt(value: float, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",").replace("-", "−") if lang == "sv" else text


def event_study_svg(
    events: Sequence[dict[str, Any]], *, confidence: float = 0.95, lang: str = "sv"
) -> str:
    """The estimates (``EventStudy.as_dict()["event_study"]``) as points with interval
    whiskers, a zero line and a dashed line where the intervention starts.

    >>> svg = event_study_svg([{"e": -1, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0},
    ...                        {"e": 0, "estimate": 2.0, "ci_low": 1.0, "ci_high": 3.0}])
    >>> svg.count("<circle"), 'role="img"' in svg
    (2, True)
    """
    t = _TEXT.get(lang, _TEXT["sv"])
    if not events:
        return ""
    es = [int(e["e"]) for e in events]
    lows = [float(e["ci_low"]) for e in events] + [0.0]
    highs = [float(e["ci_high"]) for e in events] + [0.0]
    low, high = min(lows), max(highs)
    if high == low:
        high = low + 1
    first, last = min(es), max(es)
    span = max(last - first, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(e: float) -> float:
        return LEFT + plot_w * (e - first) / span

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    pct = f"{confidence * 100:g}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="es-title es-desc" focusable="false">',
        f'<title id="es-title">{escape(t["title"])}</title>',
        f'<desc id="es-desc">{escape(t["desc"].format(pct=pct))}</desc>',
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{LEFT + plot_w}" y2="{y(0):.1f}" stroke="{GUIDE}"/>',
        f'<line x1="{x(-0.5):.1f}" y1="{TOP}" x2="{x(-0.5):.1f}" y2="{TOP + plot_h}" '
        f'stroke="{GUIDE}" stroke-dasharray="4 3"/>',
    ]
    for value in (low, 0.0, high):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(value, lang)}</text>'
        )
    for e, event in zip(es, events, strict=True):
        xx = x(e)
        parts.append(
            f'<line x1="{xx:.1f}" y1="{y(float(event["ci_low"])):.1f}" x2="{xx:.1f}" '
            f'y2="{y(float(event["ci_high"])):.1f}" stroke="{POINT}" stroke-width="2"/>'
            f'<circle cx="{xx:.1f}" cy="{y(float(event["estimate"])):.1f}" r="4" fill="{POINT}"/>'
            f'<text x="{xx:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{e}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def event_study_page(report: dict[str, Any], *, lang: str = "sv") -> str:
    """A standalone HTML page: the plot and, beside it, the table of the same numbers."""
    t = _TEXT.get(lang, _TEXT["sv"])
    events = report["event_study"]
    pct = f"{report['confidence'] * 100:g}"
    rows = []
    for event in events:
        interval = (
            t["reference"]
            if event.get("reference")
            else f"[{_fmt(event['ci_low'], lang)}; {_fmt(event['ci_high'], lang)}]"
        )
        rows.append(
            f'<tr><th scope="row">{event["e"]}</th>'
            f"<td>{_fmt(event['estimate'], lang)}</td><td>{interval}</td></tr>"
        )
    agg = report["difference_in_differences"]
    pre = report["pre_trend"]
    pre_text = (
        ""
        if pre.get("p_value") is None
        else f"<p>{escape(t['pre_trend'])}: p = {_fmt(pre['p_value'], lang)}</p>"
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t['title'])}</title></head><body><main>"
        f"<h1>{escape(t['title'])}</h1>"
        f'<div style="display:flex;flex-wrap:wrap;gap:2rem"><figure>'
        f"{event_study_svg(events, confidence=report['confidence'], lang=lang)}</figure>"
        f"<table><caption>{escape(t['title'])} ({pct} %)</caption><thead><tr>"
        f'<th scope="col">{escape(t["e"])}</th><th scope="col">{escape(t["estimate"])}</th>'
        f'<th scope="col">{escape(t["interval"])}</th></tr></thead><tbody>'
        f"{''.join(rows)}</tbody></table></div>"
        f"<p>{escape(t['aggregated'])}: {_fmt(agg['estimate'], lang)} "
        f"[{_fmt(agg['ci_low'], lang)}; {_fmt(agg['ci_high'], lang)}]</p>{pre_text}"
        f"</main></body></html>\n"
    )
