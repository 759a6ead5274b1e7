"""The forecast as a server-rendered SVG bar chart (the page shows the same data as a table)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from satsa.core.money import AUTO, kr, mkr
from satsa.funds.selectors import ForecastYear

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 260, 90, 28, 16


def forecast_svg(rows: Sequence[ForecastYear], *, described_by: str = "") -> SafeString:
    """Bars per year: expected payments (down) and repayments with fees (up); a line for the
    fund's capital. The SVG is decorative for screen readers when ``described_by`` names the
    table that holds the same figures."""
    if not rows:
        return mark_safe("")
    top = max([r.repayments + r.fees for r in rows] + [r.capital for r in rows] + [Decimal(1)])
    bottom = max([r.payments for r in rows] + [Decimal(0)])
    span = top + bottom
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    zero_y = PAD_TOP + float(top / span) * plot_h

    def y(value: Decimal) -> float:
        return zero_y - float(value / span) * plot_h

    slot = (WIDTH - PAD_LEFT) / len(rows)
    bar = min(28.0, slot / 3)
    parts = [
        f'<svg class="fund-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="fund-chart-title"'
        + (f' aria-describedby="{escape(described_by)}"' if described_by else "")
        + ">",
        f'<title id="fund-chart-title">{escape(_("Prognos per år: utbetalningar, återföringar och fondens kapital"))}</title>',
        f'<line x1="{PAD_LEFT}" x2="{WIDTH}" y1="{zero_y:.1f}" y2="{zero_y:.1f}" class="axis"/>',
        f'<text x="{PAD_LEFT - 6}" y="{y(top):.1f}" text-anchor="end" dy="0.35em">{escape(mkr(top))}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{zero_y:.1f}" text-anchor="end" dy="0.35em">0</text>',
    ]
    if bottom:
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y(-bottom):.1f}" text-anchor="end" dy="0.35em">'
            f"{escape(mkr(-bottom))}</text>"
        )
    points = []
    for i, row in enumerate(rows):
        x = PAD_LEFT + i * slot + slot / 2
        up = row.repayments + row.fees
        parts.append(
            f'<rect class="out" x="{x - bar:.1f}" y="{zero_y:.1f}" width="{bar:.1f}" '
            f'height="{zero_y - y(-row.payments) if row.payments else 0:.1f}">'
            f"<title>{row.year}: {escape(_('utbetalningar'))} {escape(kr(row.payments, decimals=AUTO))}</title></rect>"
        )
        parts.append(
            f'<rect class="in" x="{x:.1f}" y="{y(up):.1f}" width="{bar:.1f}" '
            f'height="{zero_y - y(up):.1f}">'
            f"<title>{row.year}: {escape(_('återföringar och avgifter'))} {escape(kr(up, decimals=AUTO))}</title></rect>"
        )
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{row.year}</text>')
        points.append(f"{x:.1f},{y(max(row.capital, -bottom)):.1f}")
    parts.append(f'<polyline class="capital" points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
