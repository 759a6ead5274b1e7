"""The one chart kit: every chart on screen (SVG) and in the PDFs (reportlab) is laid out here.

A chart is a list of plain shapes in a fixed coordinate box, laid out so that every label
fits: margins grow to the longest tick or category label, long category labels wrap (and
only then shorten, with the full text in the table), marker labels move apart, and the
legend gets its own band above the plot so it never covers a bar. The same shapes are
written as SVG for the pages and drawn with reportlab for the PDFs. Each chart also
carries a table with the same figures, the accessible alternative to the picture.

Text widths are estimated from DejaVu Sans' advance widths (the font the SVG asks for first
and the one the PDFs embed); it is one of the widest sans-serif fonts, so other fonts fit too.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal
from xml.sax.saxutils import escape

import numpy as np
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from satsa.core import money

Number = Decimal | int | float
Anchor = Literal["start", "middle", "end"]
# Formats one value: a float, or in tables the value as given (an exact Decimal stays one).
Formatter = Callable[[Any], str]
TickFormatter = Callable[[Sequence[float]], list[str]]

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#d9d9d9"
# Each colour has at least 3:1 contrast against white (WCAG 1.4.11); lines also differ by
# dash pattern and the legend and the table name every series, so colour is never the only
# carrier.
PALETTE = ("#0072b2", "#b34700", "#007a5a", "#8e4585", "#5c5c5c", "#1b1b1b")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
LOSS, GAIN = "#b34700", "#0072b2"

# Advance widths of DejaVu Sans in thousandths of the font size.
_WIDTH_GROUPS = {
    275: "'",
    278: "ijl",
    295: "IJ",
    318: " ,.\u00a0·’",
    337: "/:;\\|",
    352: "f",
    361: "-",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`–",
    518: "”",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "oö",
    613: "aåä",
    615: "eé",
    632: "EÉ",
    634: "hnuü",
    635: "Sbdgpq",
    636: "$0123456789{}",
    656: "K",
    684: "AVÅÄ",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "UÜ",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQÖ",
    818: "w",
    838: "#+<=>^~−",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@—…",
}
_WIDTHS = {c: w / 1000 for w, chars in _WIDTH_GROUPS.items() for c in chars}
# Characters outside the table count as wide as the widest letter.
_UNKNOWN = 1.0
ASCENT, DESCENT = 0.8, 0.25
LINE = 1.25
ELLIPSIS = "…"


def text_width(text: str, size: float) -> float:
    """The estimated width of ``text`` set at ``size``.

    >>> text_width("Mål", 10)
    17.54
    """
    return round(sum(_WIDTHS.get(c, _UNKNOWN) for c in str(text)) * size, 2)


def shorten(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` wide."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + ELLIPSIS, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """``text`` broken at spaces into at most ``max_lines`` lines of at most ``width``;
    what still does not fit is shortened with an ellipsis."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if not lines:
        return [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [shorten(line, width, size) for line in lines]


# --- numbers and ticks -----------------------------------------------------------------


def number(value: Number | None, decimals: int = 0) -> str:
    """A number as the person's language writes it (satsa.core.money owns the format).

    >>> number(-1234567.891, 1)
    '−1\\xa0234\\xa0567,9'
    """
    return money.number(value, decimals=decimals)


def _decimals(step: float) -> int:
    """How many decimals tell ticks ``step`` apart."""
    if step <= 0:
        return 0
    decimals = max(0, -math.floor(math.log10(step)))
    while decimals < 12 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return decimals


def _money_label(value: float, *, unit: float = 1, decimals: int = 0) -> str:
    """An axis label for an amount in kronor, thousands or millions: "1,5 mnkr"
    (satsa.core.money owns the format).

    >>> _money_label(1_500_000, unit=1_000_000, decimals=1)
    '1,5\\xa0mnkr'
    """
    if value == 0:
        return "0"
    if unit >= 1_000_000:
        return money.mkr(value, decimals=decimals)
    if unit >= 1_000:
        return money.tkr(value, decimals=decimals)
    return money.kr(value, decimals=decimals)


def money_ticks(ticks: Sequence[float]) -> list[str]:
    """Labels for a money axis, all in one unit with as many decimals as the step needs."""
    top = max((abs(t) for t in ticks), default=0)
    unit = 1_000_000 if top >= 1_000_000 else 1_000 if top >= 10_000 else 1
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else top or 1
    decimals = _decimals(step / unit)
    return [_money_label(t, unit=unit, decimals=decimals) for t in ticks]


def number_ticks(ticks: Sequence[float]) -> list[str]:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    decimals = _decimals(step)
    return [number(t, decimals) for t in ticks]


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Evenly spaced round ticks (1, 2, 2.5 or 5 times a power of ten) from at or below
    ``low`` to at or above ``high``; ``whole`` keeps them on whole numbers (for counts).

    >>> nice_ticks(-130, 870)
    [-200.0, 0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    >>> nice_ticks(0, 3, whole=True)
    [0.0, 1.0, 2.0, 3.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("ticks need finite bounds")
    if high < low:
        low, high = high, low
    if high - low <= max(abs(low), abs(high), 1.0) * 1e-9:
        # Too close to tell apart on any axis: one value, and an axis from zero to twice
        # it (from zero up for nothing but zeros, as amounts and counts mostly are).
        value = low if abs(low) > 1e-9 else 0.0
        low, high = (0.0, 1.0) if value == 0 else sorted((0.0, value * 2))
    raw = (high - low) / max(count, 1)
    if whole:
        raw = max(raw, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole and power < 10 else (1, 2, 2.5, 5, 10)
    step = next(f * power for f in factors if f * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    decimals = _decimals(step)
    return [round(first + i * step, decimals) + 0.0 for i in range(n + 1)]


@dataclass(frozen=True)
class Scale:
    """A linear map from a domain onto a range of coordinates."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: Number) -> float:
        if self.d1 == self.d0:
            return round((self.r0 + self.r1) / 2, 2)
        t = (float(value) - self.d0) / (self.d1 - self.d0)
        return round(self.r0 + t * (self.r1 - self.r0), 2)


def axis_ticks(
    low: float,
    high: float,
    fmt: TickFormatter,
    *,
    span: Callable[[list[str]], float],
    size: float,
    vertical: bool = False,
    whole: bool = False,
) -> tuple[list[float], list[str]]:
    """The most ticks (at most six) whose labels do not touch at the axis' length, which
    ``span`` gives for a set of labels (the margins depend on them)."""
    for count in (6, 5, 4, 3, 2, 1):
        values = nice_ticks(low, high, count, whole=whole)
        labels = fmt(values)
        need = size * LINE if vertical else max(text_width(t, size) for t in labels) + size
        if len(values) < 2 or span(labels) / (len(values) - 1) >= need:
            return values, labels
    # Even one step is too many: only the two ends.
    return [values[0], values[-1]], [labels[0], labels[-1]]


# --- shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    anchor: Anchor = "start"
    fill: str = INK
    bold: bool = False

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the estimated ink."""
        w = text_width(self.text, self.size) * (1.05 if self.bold else 1)
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return (left, self.y - ASCENT * self.size, left + w, self.y + DESCENT * self.size)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""
    role: str = "bar"  # "bar", "swatch", …: what the shape stands for, for tests and styles
    # White diagonal stripes, so that the series differ by more than colour.
    hatch: bool = False

    def box(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.w, self.y + self.h)

    def stripes(self, gap: float = 5) -> list[tuple[float, float, float, float]]:
        """The hatch's segments (x1, y1, x2, y2): lines x + y = c cut to the rectangle."""
        if not self.hatch or self.w < 3 or self.h < 3:
            return []
        x0, y0, x1, y1 = self.box()
        out = []
        c = x0 + y0 + gap
        while c < x1 + y1:
            xa, xb = max(x0, c - y1), min(x1, c - y0)
            if xb > xa:
                out.append((xa, c - xa, xb, c - xb))
            c += gap
        return out


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = INK
    width: float = 1
    dash: str = ""

    def box(self) -> tuple[float, float, float, float]:
        return (
            min(self.x1, self.x2),
            min(self.y1, self.y2),
            max(self.x1, self.x2),
            max(self.y1, self.y2),
        )


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2
    dash: str = ""

    def box(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str
    title: str = ""

    def box(self) -> tuple[float, float, float, float]:
        return (self.cx - self.r, self.cy - self.r, self.cx + self.r, self.cy + self.r)


Shape = Text | Rect | Line | Polyline | Circle


@dataclass(frozen=True)
class Table:
    """The chart's figures as a table: the first cell of each row heads the row."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Series:
    """One named row of values; ``None`` is a missing value (not drawn, "–" in the table)."""

    name: str
    values: Sequence[Number | None]
    colour: str = ""
    dash: str | None = None  # None: solid bars, and a dash pattern of its own for lines
    width: float = 2
    hatch: bool | None = None  # None: every second series of bars is hatched


@dataclass(frozen=True)
class Guide:
    """A labelled horizontal line across a line chart (a baseline, a target)."""

    value: Number
    label: str
    dash: str = "4 3"


_ids = itertools.count(1)


@dataclass
class Chart:
    """A laid-out chart: shapes in a ``width`` × ``height`` box, and its table."""

    title: str
    description: str
    width: float
    height: float
    shapes: list[Shape]
    table: Table
    legend: tuple[float, float, float, float] | None = None  # the legend band's box
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)
    origin: tuple[float, float] = (0, 0)
    uid: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    def view_box(self) -> tuple[float, float, float, float]:
        return (self.origin[0], self.origin[1], self.width, self.height)

    def fit(self) -> Chart:
        """Grow the box to anything drawn outside it: the last guard against clipping."""
        boxes = [s.box() for s in self.shapes] + [(0, 0, self.width, self.height)]
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        self.origin = (min(0, math.floor(left)), min(0, math.floor(top)))
        self.width = math.ceil(max(right, self.width) - self.origin[0])
        self.height = math.ceil(max(bottom, self.height) - self.origin[1])
        return self

    def svg(self) -> SafeString:
        """The chart as an SVG image with a title and a description for screen readers."""
        vx, vy, vw, vh = self.view_box()
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-kit" viewBox="{_n(vx)} {_n(vy)} '
            f'{_n(vw)} {_n(vh)}" role="img" aria-labelledby="{self.uid}-t {self.uid}-d" '
            f'focusable="false" font-family="{FONT_FAMILY}">',
            f'<title id="{self.uid}-t">{escape(self.title)}</title>',
            f'<desc id="{self.uid}-d">{escape(self.description)}</desc>',
        ]
        out += [_svg(shape) for shape in self.shapes]
        out.append("</svg>")
        # Every text and attribute above is a number or escaped.
        return mark_safe("".join(out))  # noqa: S308

    def __html__(self) -> str:
        return str(self.svg())

    def __str__(self) -> str:
        return str(self.svg())

    def drawing(self, *, font: str = "Helvetica", bold: str = "Helvetica-Bold") -> Any:
        """The chart as a reportlab Drawing (y upwards), for the PDFs."""
        from reportlab.graphics import shapes as rl
        from reportlab.lib import colors

        vx, vy, vw, vh = self.view_box()
        drawing = rl.Drawing(vw, vh)

        def y(value: float) -> float:
            return vh - (value - vy)

        def dash(pattern: str) -> list[float] | None:
            return [float(p) for p in pattern.split()] if pattern else None

        for s in self.shapes:
            if isinstance(s, Rect):
                drawing.add(
                    rl.Rect(
                        s.x - vx,
                        y(s.y + s.h),
                        s.w,
                        s.h,
                        fillColor=colors.HexColor(s.fill),
                        strokeColor=None,
                    )
                )
                for a, b, c, d in s.stripes():
                    drawing.add(
                        rl.Line(
                            a - vx, y(b), c - vx, y(d), strokeColor=colors.white, strokeWidth=0.9
                        )
                    )
            elif isinstance(s, Line):
                drawing.add(
                    rl.Line(
                        s.x1 - vx,
                        y(s.y1),
                        s.x2 - vx,
                        y(s.y2),
                        strokeColor=colors.HexColor(s.stroke),
                        strokeWidth=s.width * 0.75,
                        strokeDashArray=dash(s.dash),
                    )
                )
            elif isinstance(s, Polyline):
                drawing.add(
                    rl.PolyLine(
                        [c for px, py in s.points for c in (px - vx, y(py))],
                        strokeColor=colors.HexColor(s.stroke),
                        strokeWidth=s.width * 0.75,
                        strokeDashArray=dash(s.dash),
                    )
                )
            elif isinstance(s, Circle):
                drawing.add(
                    rl.Circle(
                        s.cx - vx,
                        y(s.cy),
                        s.r,
                        fillColor=colors.HexColor(s.fill),
                        strokeColor=None,
                    )
                )
            else:
                drawing.add(
                    rl.String(
                        s.x - vx,
                        y(s.y),
                        s.text,
                        fontName=bold if s.bold else font,
                        fontSize=s.size,
                        fillColor=colors.HexColor(s.fill),
                        textAnchor=s.anchor,
                    )
                )
        return drawing


def _n(value: float) -> str:
    """A coordinate: never localised, no needless decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _svg(s: Shape) -> str:
    if isinstance(s, Text):
        weight = ' font-weight="bold"' if s.bold else ""
        anchor = f' text-anchor="{s.anchor}"' if s.anchor != "start" else ""
        return (
            f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}" fill="{s.fill}"'
            f"{anchor}{weight}>{escape(str(s.text))}</text>"
        )
    if isinstance(s, Rect):
        title = f"<title>{escape(s.title)}</title>" if s.title else ""
        stripes = "".join(
            f'<line x1="{_n(a)}" y1="{_n(b)}" x2="{_n(c)}" y2="{_n(d)}" stroke="#ffffff" '
            f'stroke-width="1.2"/>'
            for a, b, c, d in s.stripes()
        )
        return (
            f'<rect class="ck-{s.role}" x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" '
            f'height="{_n(s.h)}" fill="{s.fill}">{title}</rect>{stripes}'
        )
    if isinstance(s, Line):
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        return (
            f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" '
            f'stroke="{s.stroke}" stroke-width="{_n(s.width)}"{dash}/>'
        )
    if isinstance(s, Polyline):
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
        return (
            f'<polyline points="{points}" fill="none" stroke="{s.stroke}" '
            f'stroke-width="{_n(s.width)}"{dash}/>'
        )
    title = f"<title>{escape(s.title)}</title>" if s.title else ""
    return f'<circle cx="{_n(s.cx)}" cy="{_n(s.cy)}" r="{_n(s.r)}" fill="{s.fill}">{title}</circle>'


# --- shared layout -----------------------------------------------------------------------

PAD = 6


@dataclass(frozen=True)
class _Key:
    """One legend entry: a bar swatch or a line sample."""

    name: str
    colour: str
    line: bool = False
    dash: str = ""
    hatch: bool = False


def _legend(
    keys: Sequence[_Key], *, left: float, top: float, width: float, size: float
) -> tuple[list[Shape], float]:
    """Legend entries left to right, wrapping to new rows; returns the shapes and the height."""
    shapes: list[Shape] = []
    if not keys:
        return shapes, 0
    row_h = size * LINE + 4
    swatch = size * 0.9
    x, row = left, 0
    for key in keys:
        sample = swatch * 2 if key.line else swatch
        label = shorten(key.name, width - sample - 4, size)
        item_w = sample + 4 + text_width(label, size)
        if x > left and x + item_w > left + width:
            x, row = left, row + 1
        base = top + row * row_h + size * ASCENT + 2
        if key.line:
            mid = base - size * 0.3
            shapes.append(Line(x, mid, x + sample, mid, key.colour, 2, key.dash))
        else:
            shapes.append(
                Rect(
                    x,
                    base - swatch * 0.9,
                    swatch,
                    swatch,
                    key.colour,
                    role="swatch",
                    hatch=key.hatch,
                )
            )
        shapes.append(Text(x + sample + 4, base, label, size))
        x += item_w + size * 1.5
    return shapes, (row + 1) * row_h


def _colour(series: Series, i: int) -> str:
    return series.colour or PALETTE[i % len(PALETTE)]


def _hatched(series: Series, i: int) -> bool:
    return i % 2 == 1 if series.hatch is None else series.hatch


def _dash(series: Series, i: int) -> str:
    return DASHES[i % len(DASHES)] if series.dash is None else series.dash


def _values(series: Sequence[Series]) -> list[float]:
    return [float(v) for s in series for v in s.values if v is not None]


# --- bar charts --------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    horizontal: bool = False,
    stacked: bool = False,
    lines: Sequence[Series] = (),
    width: float = 640,
    height: float = 280,
    size: float = 11,
    fmt: Formatter = number,
    ticks: TickFormatter = money_ticks,
    value_labels: bool | None = None,
    whole: bool = False,
    category_header: str = "",
    caption: str = "",
    table: Table | None = None,
) -> Chart:
    """Bars per category, one per series side by side (or ``stacked``); negative values go
    below (left of) zero. Vertical charts may add ``lines`` over the bars (one value per
    category). Horizontal charts grow downwards, one row per category (``height`` is then
    computed), and print each value at the end of its bar unless ``value_labels`` is False.
    ``whole`` keeps the axis on whole numbers, for counts."""
    if value_labels is None:
        value_labels = horizontal
    keys = [_Key(s.name, _colour(s, i), hatch=_hatched(s, i)) for i, s in enumerate(series)]
    keys += [
        _Key(s.name, _colour(s, i + len(series)), True, s.dash or "") for i, s in enumerate(lines)
    ]
    show_legend = len(keys) > 1
    rows = []
    for i, category in enumerate(categories):
        # The table gets the values as given: an exact Decimal stays exact.
        values = [s.values[i] if i < len(s.values) else None for s in [*series, *lines]]
        rows.append([category] + ["–" if v is None else fmt(v) for v in values])
    default_table = Table(
        caption or title, [category_header, *(s.name for s in [*series, *lines])], rows
    )
    description = "; ".join(
        f"{row[0]}: "
        + ", ".join(f"{h} {v}" for h, v in zip(default_table.headers[1:], row[1:], strict=True))
        for row in rows
    ) or _("Inga värden.")
    chart = Chart(title, description, width, height, [], table or default_table)
    if not categories:
        chart.height = size * 3
        chart.shapes.append(Text(PAD, size * 2, _("Inga värden."), size, fill=MUTED))
        return chart.fit()
    legend_shapes, legend_h = _legend(
        keys if show_legend else [], left=PAD, top=PAD, width=width - 2 * PAD, size=size
    )
    if legend_h:
        chart.legend = (PAD, PAD, width - PAD, PAD + legend_h)
    chart.shapes += legend_shapes
    top = PAD + legend_h + (size if legend_h else size * 0.6)
    low, high = _extent(series, lines, len(categories), stacked)
    if horizontal:
        mode: Mode = "stacked" if stacked else "grouped"
        _horizontal(
            chart,
            categories,
            series,
            mode,
            (low, high),
            ticks,
            top,
            size,
            fmt,
            value_labels,
            whole=whole,
        )
    else:
        _vertical(
            chart, categories, series, lines, stacked, (low, high), ticks, top, size, fmt, whole
        )
    return chart.fit()


def _at(values: Sequence[Number | None], i: int) -> float | None:
    value = values[i] if i < len(values) else None
    return None if value is None else float(value)


def _extent(
    series: Sequence[Series], lines: Sequence[Series], n: int, stacked: bool
) -> tuple[float, float]:
    if stacked:
        ups = [sum(max(0.0, _at(s.values, i) or 0) for s in series) for i in range(n)]
        downs = [sum(min(0.0, _at(s.values, i) or 0) for s in series) for i in range(n)]
        values = ups + downs + _values(lines)
    else:
        values = _values(series) + _values(lines)
    return min([0.0, *values]), max([0.0, *values])


Mode = Literal["grouped", "stacked", "overlay"]


def _segments(series: Sequence[Series], i: int, mode: Mode) -> list[tuple[int, float, float]]:
    """(series index, from, to) of each bar of category ``i``: side by side, stacked, or
    all from zero on one row, the longest drawn first so that every bar stays visible."""
    out, up, down = [], 0.0, 0.0
    for k, s in enumerate(series):
        value = _at(s.values, i)
        if value is None:
            continue
        if mode != "stacked":
            out.append((k, 0.0, value))
        elif value >= 0:
            out.append((k, up, up + value))
            up += value
        else:
            out.append((k, down, down + value))
            down += value
    if mode == "overlay":
        out.sort(key=lambda seg: -abs(seg[2]))
    return out


def _vertical(
    chart: Chart,
    categories: Sequence[str],
    series: Sequence[Series],
    lines: Sequence[Series],
    stacked: bool,
    domain: tuple[float, float],
    ticks: TickFormatter,
    top: float,
    size: float,
    fmt: Formatter,
    whole: bool = False,
) -> None:
    width, n = chart.width, len(categories)
    # The plot's height if the category labels take three lines, the most they may take.
    tick_values, labels = axis_ticks(
        *domain,
        ticks,
        span=lambda _labels: chart.height - PAD - 3 * size * LINE - top,
        size=size,
        vertical=True,
        whole=whole,
    )
    left = PAD + max(text_width(label, size) for label in labels) + PAD
    slot = (width - left - PAD) / n
    wrapped = [wrap(c, slot - 4, size, max_lines=3) for c in categories]
    # The outer category labels may reach past their slot: keep them inside the box.
    right = PAD + max(0.0, text_width(wrapped[-1][0], size) / 2 - slot / 2)
    slot = (width - left - right) / n
    line_count = max(len(w) for w in wrapped)
    bottom = chart.height - PAD - line_count * size * LINE
    y = Scale(tick_values[0], tick_values[-1], bottom, top)
    chart.plot = (left, top, width - right, bottom)
    for value, label in zip(tick_values, labels, strict=True):
        chart.shapes.append(Line(left, y(value), width - right, y(value), GRID))
        chart.shapes.append(Text(left - PAD, y(value) + size * 0.35, label, size, "end", MUTED))
    bars_per_slot = 1 if stacked else max(len(series), 1)
    group = slot * 0.72
    bar_w = group / bars_per_slot
    for i, category in enumerate(categories):
        x0 = left + i * slot + (slot - group) / 2
        for k, start, end in _segments(series, i, "stacked" if stacked else "grouped"):
            x = x0 + (0 if stacked else k * bar_w)
            y0, y1 = sorted((y(start), y(end)))
            chart.shapes.append(
                Rect(
                    x,
                    y0,
                    bar_w,
                    max(y1 - y0, 0.0),
                    _colour(series[k], k),
                    f"{category}, {series[k].name}: {fmt(end - start)}",
                    hatch=_hatched(series[k], k),
                )
            )
        for j, text in enumerate(wrapped[i]):
            base = bottom + PAD + size * ASCENT + j * size * LINE
            chart.shapes.append(Text(left + (i + 0.5) * slot, base, text, size, "middle"))
    chart.shapes.append(Line(left, y(0), width - right, y(0), INK))
    for k, s in enumerate(lines):
        colour = _colour(s, k + len(series))
        points = [
            (left + (i + 0.5) * slot, y(v)) for i in range(n) if (v := _at(s.values, i)) is not None
        ]
        if len(points) > 1:
            chart.shapes.append(Polyline(tuple(points), colour, s.width, s.dash or ""))
        for (px, py), i in zip(
            points, [i for i in range(n) if _at(s.values, i) is not None], strict=True
        ):
            chart.shapes.append(
                Circle(
                    px, py, 3, colour, f"{categories[i]}, {s.name}: {fmt(_at(s.values, i) or 0)}"
                )
            )


def _horizontal(
    chart: Chart,
    categories: Sequence[str],
    series: Sequence[Series],
    mode: Mode,
    domain: tuple[float, float],
    ticks: TickFormatter,
    top: float,
    size: float,
    fmt: Formatter,
    value_labels: bool,
    shift: float = 0.0,
    whole: bool = False,
) -> None:
    """Rows of bars; bar values are relative to ``shift`` (a tornado's base result), the
    axis shows ``domain`` in real values."""
    base = 0.0
    width = chart.width
    label_cap = width * 0.4
    wrapped = [wrap(c, label_cap, size) for c in categories]
    label_w = max(text_width(line, size) for w in wrapped for line in w)
    left = PAD + label_w + PAD
    bars_per_row = max(len(series), 1) if mode == "grouped" else 1
    value_labels = value_labels and mode != "stacked"
    bar_h = size * 1.3
    row_h = max(bars_per_row * (bar_h + 2) + 8, max(len(w) for w in wrapped) * size * LINE + 8)
    value_w = 0.0
    negative_w = 0.0
    if value_labels:
        for i in range(len(categories)):
            for _k, start, end in _segments(series, i, mode):
                text_w = text_width(fmt(end - start), size) + PAD
                if end >= base:
                    value_w = max(value_w, text_w)
                else:
                    negative_w = max(negative_w, text_w)
    if width - left - negative_w - value_w - PAD < width * 0.3:
        # No room for the bars beside their values: the values stay in the table only.
        value_labels, value_w, negative_w = False, 0.0, 0.0

    def margins(labels: list[str]) -> tuple[float, float]:
        right = PAD + max(value_w, text_width(labels[-1], size) / 2)
        # The plot starts past the widest label of a bar that reaches to the left.
        return max(left + negative_w, PAD + text_width(labels[0], size) / 2), right

    tick_values, labels = axis_ticks(
        *domain,
        ticks,
        span=lambda labels: width - sum(margins(labels)),
        size=size,
        whole=whole,
    )
    plot_left, right = margins(labels)
    tick_values = [t - shift for t in tick_values]
    bottom = top + row_h * len(categories)
    chart.height = bottom + PAD + size * (1 + DESCENT) + PAD
    x = Scale(tick_values[0], tick_values[-1], plot_left, width - right)
    chart.plot = (plot_left, top, width - right, bottom)
    for value, label in zip(tick_values, labels, strict=True):
        chart.shapes.append(Line(x(value), top, x(value), bottom, GRID))
        chart.shapes.append(Text(x(value), bottom + PAD + size, label, size, "middle", MUTED))
    for i, category in enumerate(categories):
        row_top = top + i * row_h
        lines = wrapped[i]
        first = row_top + row_h / 2 - (len(lines) * size * LINE) / 2 + size * ASCENT
        for j, text in enumerate(lines):
            chart.shapes.append(Text(left - PAD, first + j * size * LINE, text, size, "end"))
        block = bars_per_row * (bar_h + 2) - 2
        y0 = row_top + (row_h - block) / 2
        for k, start, end in _segments(series, i, mode):
            yy = y0 + (k * (bar_h + 2) if mode == "grouped" else 0)
            a, b = sorted((x(start), x(end)))
            chart.shapes.append(
                Rect(
                    a,
                    yy,
                    b - a,
                    bar_h,
                    _colour(series[k], k),
                    f"{category}, {series[k].name}: {fmt(end - start)}",
                    hatch=_hatched(series[k], k),
                )
            )
            if value_labels:
                text = fmt(end - start)
                baseline = yy + bar_h / 2 + size * 0.35
                if end >= base:
                    chart.shapes.append(Text(b + 4, baseline, text, size))
                else:
                    chart.shapes.append(Text(a - 4, baseline, text, size, "end"))
    chart.shapes.append(Line(x(base), top, x(base), bottom, INK))


# --- tornado -----------------------------------------------------------------------------


def tornado_chart(
    *,
    title: str,
    rows: Sequence[tuple[str, Number, Number]],
    base: Number,
    low_name: str,
    high_name: str,
    base_name: str,
    width: float = 640,
    size: float = 11,
    fmt: Formatter = number,
    ticks: TickFormatter = money_ticks,
    caption: str = "",
    table: Table | None = None,
) -> Chart:
    """One row per input: the result with the input at its low value and at its high value,
    drawn as bars from the ``base`` result; the widest swing first is the caller's order."""
    base = float(base)
    default_table = Table(
        caption or title,
        ["", low_name, high_name],
        [[label, fmt(float(low)), fmt(float(high))] for label, low, high in rows],
    )
    description = "; ".join(
        f"{label}: {low_name} {fmt(float(low))}, {high_name} {fmt(float(high))}"
        for label, low, high in rows
    )
    chart = Chart(
        title, f"{base_name} {fmt(base)}. {description}", width, 0, [], table or default_table
    )
    keys = [
        _Key(low_name, LOSS, hatch=True),
        _Key(high_name, GAIN),
        _Key(f"{base_name}: {fmt(base)}", INK, True),
    ]
    legend_shapes, legend_h = _legend(keys, left=PAD, top=PAD, width=width - 2 * PAD, size=size)
    chart.legend = (PAD, PAD, width - PAD, PAD + legend_h)
    chart.shapes += legend_shapes
    top = PAD + legend_h + size
    values = [base] + [float(v) for _, low, high in rows for v in (low, high)]
    # Each input is drawn as two bars from the base: one to its low, one to its high value.
    series = [
        Series(low_name, [float(low) - base for _, low, _ in rows], LOSS, hatch=True),
        Series(high_name, [float(high) - base for _, _, high in rows], GAIN, hatch=False),
    ]
    _horizontal(
        chart,
        [label for label, _, _ in rows],
        series,
        "overlay",
        (min(values), max(values)),
        ticks,
        top,
        size,
        lambda v: fmt(v + base),
        False,
        shift=base,
    )
    chart.table = table or default_table
    return chart.fit()


# --- line charts -------------------------------------------------------------------------


def line_chart(
    *,
    title: str,
    x: Sequence[float],
    x_labels: Sequence[str],
    series: Sequence[Series],
    guides: Sequence[Guide] = (),
    markers: bool = False,
    include_zero: bool = True,
    width: float = 640,
    height: float = 280,
    size: float = 11,
    fmt: Formatter = number,
    ticks: TickFormatter = money_ticks,
    x_header: str = "",
    caption: str = "",
    description: str = "",
    table: Table | None = None,
) -> Chart:
    """Lines over numeric ``x`` positions (years, day numbers) labelled by ``x_labels``;
    a series skips its missing values. ``guides`` are labelled horizontal lines."""
    rows = [
        [label] + [fmt(v) if (v := _at(s.values, i)) is not None else "–" for s in series]
        for i, label in enumerate(x_labels)
    ]
    default_table = Table(caption or title, [x_header, *(s.name for s in series)], rows)
    chart = Chart(title, description or title, width, height, [], table or default_table)
    values = _values(series) + [float(g.value) for g in guides]
    if not x or not values:
        chart.height = size * 3
        chart.shapes.append(Text(PAD, size * 2, _("Inga värden."), size, fill=MUTED))
        return chart.fit()
    keys = [_Key(s.name, _colour(s, i), True, _dash(s, i)) for i, s in enumerate(series)]
    keys += [_Key(g.label, MUTED, True, g.dash) for g in guides]
    legend_shapes, legend_h = _legend(
        keys if len(keys) > 1 else [], left=PAD, top=PAD, width=width - 2 * PAD, size=size
    )
    if legend_h:
        chart.legend = (PAD, PAD, width - PAD, PAD + legend_h)
    chart.shapes += legend_shapes
    top = PAD + legend_h + size
    bottom = height - PAD - size * LINE - PAD
    domain = values + ([0.0] if include_zero else [])
    tick_values, labels = axis_ticks(
        min(domain), max(domain), ticks, span=lambda _l: bottom - top, size=size, vertical=True
    )
    left = PAD + max(text_width(label, size) for label in labels) + PAD
    left = max(left, PAD + text_width(x_labels[0], size) / 2)
    right = PAD + text_width(x_labels[-1], size) / 2
    xs = [float(v) for v in x]
    sx = (
        Scale(min(xs), max(xs), left, width - right)
        if len(set(xs)) > 1
        else Scale(0, 0, left, width - right)
    )
    y = Scale(tick_values[0], tick_values[-1], bottom, top)
    chart.plot = (left, top, width - right, bottom)
    for value, label in zip(tick_values, labels, strict=True):
        chart.shapes.append(Line(left, y(value), width - right, y(value), GRID))
        chart.shapes.append(Text(left - PAD, y(value) + size * 0.35, label, size, "end", MUTED))
    if tick_values[0] <= 0 <= tick_values[-1]:
        chart.shapes.append(Line(left, y(0), width - right, y(0), INK))
    # X labels left to right, each only where it does not touch the one before; the last
    # one always shows, at the cost of the one before it.
    placed: list[Text] = []
    for xv, label in zip(xs, x_labels, strict=True):
        text = Text(sx(xv), bottom + PAD + size, label, size, "middle", MUTED)
        if not placed or text.box()[0] > placed[-1].box()[2] + size:
            placed.append(text)
    last = Text(sx(xs[-1]), bottom + PAD + size, x_labels[-1], size, "middle", MUTED)
    if placed[-1] != last:
        while placed and placed[-1].box()[2] + size > last.box()[0]:
            placed.pop()
        placed.append(last)
    chart.shapes += placed
    for g in guides:
        gy = y(g.value)
        chart.shapes.append(Line(left, gy, width - right, gy, MUTED, 1, g.dash))
    for k, s in enumerate(series):
        colour = _colour(s, k)
        points = tuple(
            (sx(xs[i]), y(v)) for i in range(len(xs)) if (v := _at(s.values, i)) is not None
        )
        if len(points) > 1:
            chart.shapes.append(Polyline(points, colour, s.width, _dash(s, k)))
        if markers or len(points) == 1:
            for i in range(len(xs)):
                if (v := _at(s.values, i)) is not None:
                    chart.shapes.append(
                        Circle(sx(xs[i]), y(v), 3.5, colour, f"{x_labels[i]}, {s.name}: {fmt(v)}")
                    )
    return chart.fit()


# --- histogram ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    start: float
    end: float
    count: int
    share: float


def bins_of(values: Sequence[float], bins: int = 24) -> list[Bin]:
    """Equal-width bins from the smallest to the largest value."""
    low, high = min(values), max(values)
    if high - low <= max(abs(low), abs(high), 1.0) * 1e-9:
        # As one value (as nice_ticks draws it): one bin holds them all.
        high = low + 1
    step = (high - low) / bins
    # The same arithmetic as int((v - low) / step) per value, at numpy's speed: a Monte
    # Carlo run has 10 000 values and the editor redraws it on every edit.
    slots = np.minimum(bins - 1, ((np.asarray(values, dtype=float) - low) / step).astype(int))
    counts = np.bincount(slots, minlength=bins).tolist()
    return [
        Bin(low + i * step, low + (i + 1) * step, c, c / len(values)) for i, c in enumerate(counts)
    ]


def histogram(
    *,
    title: str,
    values: Sequence[float],
    marks: Sequence[tuple[str, Number]] = (),
    bins: int = 24,
    loss_name: str = "",
    gain_name: str = "",
    width: float = 640,
    height: float = 300,
    size: float = 11,
    fmt: Formatter = number,
    ticks: TickFormatter = money_ticks,
    caption: str = "",
    headers: Sequence[str] = ("", "", "", ""),
    table: Table | None = None,
) -> Chart | None:
    """The distribution of ``values``: bars left of zero in the loss colour, the rest in the
    gain colour; ``marks`` (P5, P50, …) are dashed lines labelled above the plot."""
    values = [float(v) for v in values]
    if len(values) < 2:
        return None
    counts = bins_of(values, bins)
    default_table = Table(
        caption or title,
        list(headers),
        [[fmt(b.start), fmt(b.end), str(b.count), number(b.share * 100, 1) + " %"] for b in counts],
    )
    chart = Chart(title, caption or title, width, height, [], table or default_table)
    keys = [
        _Key(name, colour, hatch=colour == LOSS)
        for name, colour in ((loss_name, LOSS), (gain_name, GAIN))
        if name
    ]
    legend_shapes, legend_h = _legend(keys, left=PAD, top=PAD, width=width - 2 * PAD, size=size)
    if legend_h:
        chart.legend = (PAD, PAD, width - PAD, PAD + legend_h)
    chart.shapes += legend_shapes
    bottom = height - PAD - size * LINE - PAD
    count_ticks, count_labels = axis_ticks(
        0,
        max(b.count for b in counts),
        number_ticks,
        span=lambda _l: (bottom - PAD - legend_h) * 0.7,
        size=size,
        vertical=True,
        whole=True,
    )
    left = PAD + max(text_width(t, size) for t in count_labels) + PAD

    def margins(labels: list[str]) -> tuple[float, float]:
        return (
            max(left, PAD + text_width(labels[0], size) / 2),
            PAD + text_width(labels[-1], size) / 2,
        )

    tick_values, labels = axis_ticks(
        min(values), max(values), ticks, span=lambda marks: width - sum(margins(marks)), size=size
    )
    left, right = margins(labels)
    x = Scale(tick_values[0], tick_values[-1], left, width - right)
    # Mark labels sit in rows above the plot; a label that would touch the one before it
    # moves up a row, and none reaches past the box's edges.
    mark_texts: list[tuple[Text, int]] = []
    rows_end: list[float] = []
    band_top = PAD + legend_h + (size * 0.5 if legend_h else 0)
    for label, value in sorted(marks, key=lambda m: float(m[1])):
        mx = x(float(value))
        w = text_width(label, size)
        cx = min(max(mx, PAD + w / 2), width - PAD - w / 2)
        row = next(
            (r for r, end in enumerate(rows_end) if cx - w / 2 > end + size * 0.5), len(rows_end)
        )
        if row == len(rows_end):
            rows_end.append(cx + w / 2)
        else:
            rows_end[row] = cx + w / 2
        mark_texts.append((Text(cx, 0, label, size, "middle", INK), row))
    band_h = len(rows_end) * size * LINE
    top = band_top + band_h + size * 0.6
    for text, row in mark_texts:
        base = top - size * 0.5 - row * size * LINE - size * DESCENT
        chart.shapes.append(replace(text, y=base))
    y = Scale(count_ticks[0], count_ticks[-1], bottom, top)
    chart.plot = (left, top, width - right, bottom)
    for value, label in zip(count_ticks, count_labels, strict=True):
        chart.shapes.append(Line(left, y(value), width - right, y(value), GRID))
        chart.shapes.append(Text(left - PAD, y(value) + size * 0.35, label, size, "end", MUTED))
    for b in counts:
        x0, x1 = x(b.start), x(b.end)
        chart.shapes.append(
            Rect(
                x0,
                y(b.count),
                max(0.5, x1 - x0 - 1),
                y(0) - y(b.count),
                LOSS if b.end <= 0 else GAIN,
                f"{fmt(b.start)} – {fmt(b.end)}: {b.count}",
                hatch=b.end <= 0,
            )
        )
    chart.shapes.append(Line(left, bottom, width - right, bottom, INK))
    for value, label in zip(tick_values, labels, strict=True):
        chart.shapes.append(Text(x(value), bottom + PAD + size, label, size, "middle", MUTED))
    if tick_values[0] < 0 < tick_values[-1]:
        chart.shapes.append(Line(x(0), top, x(0), bottom, INK, 1.5))
    for _label, value in marks:
        mx = x(float(value))
        chart.shapes.append(Line(mx, top - size * 0.4, mx, bottom, INK, 1, "3 3"))
    return chart.fit()
