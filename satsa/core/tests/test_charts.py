"""The chart kit: nice ticks, labels that fit at every size we draw, escaping, the table
alternative, a legend beside the bars, and the same layout in the PDFs."""

from __future__ import annotations

import io
import math
import random
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import String
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from satsa.core import charts as kit
from satsa.testing.charts import FONT, clipped_texts, overlapping_texts

LONG = "Socialnämnden – Individ- och familjeomsorg"
LONGER = "Färre placeringar i familjehem för barn och unga: volym per år efter projektet"
# (width, font size): the pages, the measure page, and the PDFs (170 mm at 7.5 pt).
SIZES = [(640, 11), (560, 11), (170 * 72 / 25.4, 7.5)]


def kr(value: float) -> str:
    return kit.number(value) + "\u00a0kr"


def parsed(chart: kit.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))


def assert_fits(chart: kit.Chart) -> None:
    svg = parsed(chart)
    assert clipped_texts(svg) == []
    assert overlapping_texts(svg) == []
    # Laid out to fit, not rescued by the last guard that grows the box.
    assert svg.get("viewBox", "").split()[:2] == ["0", "0"]


def boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def bars(chart: kit.Chart) -> list[kit.Rect]:
    return [s for s in chart.shapes if isinstance(s, kit.Rect) and s.role == "bar"]


def texts(chart: kit.Chart) -> list[str]:
    return [s.text for s in chart.shapes if isinstance(s, kit.Text)]


# --- ticks and numbers --------------------------------------------------------------------


def test_nice_ticks_of_known_ranges() -> None:
    assert kit.nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert kit.nice_ticks(-130, 870) == [-200, 0, 200, 400, 600, 800, 1000]
    assert kit.nice_ticks(0, 1_230_000, 4) == [0, 500_000, 1_000_000, 1_500_000]
    assert kit.nice_ticks(5, 5) == [0, 2, 4, 6, 8, 10]
    assert kit.nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert kit.nice_ticks(0, 1, whole=True) == [0, 1]
    assert kit.nice_ticks(0, 12, 4, whole=True) == [0, 5, 10, 15]


def test_counts_are_drawn_on_whole_numbers() -> None:
    chart = kit.bar_chart(
        title="Ärenden per skede",
        categories=["Idéprövning", "Ansökan"],
        series=[kit.Series("Antal", [1, 0])],
        horizontal=True,
        fmt=kit.number,
        ticks=kit.number_ticks,
        whole=True,
    )
    ticks = [s.text for s in chart.shapes if isinstance(s, kit.Text) and s.fill == kit.MUTED]
    assert ticks == ["0", "1"]


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e10, 1e10, allow_nan=False),
    st.floats(0.001, 1e10, allow_nan=False),
    st.integers(1, 8),
)
def test_nice_ticks_cover_the_range_in_round_steps(low: float, span: float, count: int) -> None:
    # Below this a float cannot tell the ticks' steps apart.
    assume(span > abs(low) * 1e-6)
    ticks = kit.nice_ticks(low, low + span, count)
    step = ticks[1] - ticks[0]
    assert ticks[0] <= low + step * 1e-6 and ticks[-1] >= low + span - step * 1e-6
    assert all(
        math.isclose(b - a, step, rel_tol=1e-6) for a, b in zip(ticks, ticks[1:], strict=False)
    )
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
    assert len(ticks) <= 2 * count + 2


def test_money_ticks_share_one_unit_and_enough_decimals() -> None:
    assert kit.money_ticks([-1_000_000, 0, 1_000_000, 2_000_000]) == [
        "−1\u00a0mnkr",
        "0",
        "1\u00a0mnkr",
        "2\u00a0mnkr",
    ]
    assert kit.money_ticks([0, 250_000, 500_000]) == ["0", "250\u00a0tkr", "500\u00a0tkr"]
    assert kit.money_ticks([0, 2_500_000, 5_000_000]) == ["0", "2,5\u00a0mnkr", "5,0\u00a0mnkr"]
    assert kit.money_ticks([0, 500, 1000]) == ["0", "500\u00a0kr", "1\u00a0000\u00a0kr"]


def test_numbers_are_written_the_swedish_way() -> None:
    assert kit.number(-1234567.5, 1) == "−1\u00a0234\u00a0567,5"
    assert kit.number(Decimal("-0.001")) == "0"
    assert kit.number(None) == "–"


@pytest.mark.parametrize("text", [LONG, LONGER, "−12 345 678 kr", "ÅÄÖ åäö <script>", "P50"])
def test_the_width_estimate_is_the_width_of_dejavu_sans(text: str) -> None:
    pdfmetrics.registerFont(TTFont("DejaVuCheck", FONT))
    assert kit.text_width(text, 11) == pytest.approx(
        pdfmetrics.stringWidth(text, "DejaVuCheck", 11), rel=0.01
    )


def contrast(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("colour", [*kit.PALETTE, kit.LOSS, kit.GAIN, kit.MUTED])
def test_every_colour_stands_out_against_white(colour: str) -> None:
    assert contrast(colour) >= 3


# --- every chart type fits at every size -------------------------------------------------


def horizontal(width: float, size: float) -> kit.Chart:
    return kit.bar_chart(
        title="Besparingar",
        categories=[LONG, "Kort", LONGER, "Regionen"],
        series=[
            kit.Series("Förväntat", [12_345_678, -3_400_000, 250_000, 0]),
            kit.Series("Realiserat", [-987_654_321, 2_000_000, None, 45]),
        ],
        horizontal=True,
        width=width,
        size=size,
        fmt=kr,
    )


def vertical(width: float, size: float) -> kit.Chart:
    years = [str(y) for y in range(2024, 2036)]
    return kit.bar_chart(
        title="Prognos",
        categories=[*years, LONG],
        series=[
            kit.Series("Utbetalningar", [-5_000_000 * (i % 3) for i in range(13)]),
            kit.Series("Återföringar och avgifter", [1_234_567 * i for i in range(13)]),
        ],
        lines=[kit.Series("Fondens kapital vid årets slut", [20e6 - 1e6 * i for i in range(13)])],
        width=width,
        size=size,
        fmt=kr,
    )


def tornado(width: float, size: float) -> kit.Chart:
    return kit.tornado_chart(
        title="Känslighet",
        rows=[
            (f"{LONG}: dödvikt (andel)", -123_456_789, 3_400_000),
            (LONGER, 500_000, 2_000_000),
            ("x", 900_000, 1_100_000),
        ],
        base=1_000_000,
        low_name="lägsta värdet",
        high_name="högsta värdet",
        base_name="Kalkylens nuvärde",
        width=width,
        size=size,
        fmt=kr,
    )


def histogram(width: float, size: float) -> kit.Chart:
    rng = random.Random(7)
    chart = kit.histogram(
        title="Fördelning",
        values=[rng.gauss(-30_000_000, 9_000_000) for _ in range(1000)],
        # P50 and P90 close together, P5 near the left edge: the labels must move apart.
        marks=[
            ("P5", -45_000_000),
            ("P10", -44_000_000),
            ("P50", -30_000_000),
            ("P90", -29_500_000),
        ],
        loss_name="Kostnaden täcks inte",
        gain_name="Kostnaden täcks",
        width=width,
        size=size,
        fmt=kr,
    )
    assert chart is not None
    return chart


def line(width: float, size: float) -> kit.Chart:
    years = list(range(2020, 2041))
    return kit.line_chart(
        title="Ackumulerat",
        x=years,
        x_labels=[str(y) for y in years],
        series=[
            kit.Series(LONG, [-1_234_567.0 * i for i in range(len(years))]),
            kit.Series("Regionen", [300_000.0 * i for i in range(len(years))]),
            kit.Series("Totalt", [-900_000.0 * i for i in range(len(years))], kit.INK, "", 3),
        ],
        guides=[kit.Guide(1_000_000, "mål")],
        width=width,
        size=size,
        fmt=kr,
    )


def dated(width: float, size: float) -> kit.Chart:
    days = [730_000 + d for d in (0, 3, 5, 90, 91, 400)]
    return kit.line_chart(
        title="Mått",
        x=days,
        x_labels=[f"2020-01-{i + 10:02d}" for i in range(len(days))],
        series=[kit.Series("Målgrupp", [1.5, None, 2, 3.25, None, -0.5])],
        guides=[kit.Guide(2, "basvärde"), kit.Guide(4, "mål")],
        markers=True,
        width=width,
        size=size,
        fmt=lambda v: f"{v:g}".replace(".", ",").replace("-", "−"),
        ticks=kit.number_ticks,
    )


CHARTS: dict[str, Callable[[float, float], kit.Chart]] = {
    "horizontal bars": horizontal,
    "vertical bars with a line": vertical,
    "tornado": tornado,
    "histogram with marks": histogram,
    "lines": line,
    "lines over dates": dated,
}


@pytest.mark.parametrize("width,size", SIZES)
@pytest.mark.parametrize("kind", CHARTS)
def test_every_label_lies_inside_the_picture_and_apart(
    kind: str, width: float, size: float
) -> None:
    assert_fits(CHARTS[kind](width, size))


def test_the_marker_labels_are_all_drawn() -> None:
    chart = histogram(640, 11)
    assert {"P5", "P10", "P50", "P90"} <= set(texts(chart))


def test_a_long_category_label_wraps_before_it_is_shortened() -> None:
    chart = horizontal(640, 11)
    assert "Socialnämnden – Individ- och familjeomsorg" in texts(chart)
    narrow = horizontal(360, 11)
    assert "Socialnämnden – Individ-" in texts(narrow)
    assert "och familjeomsorg" in texts(narrow)
    # Too long even for two lines: shortened, and whole in the table and the bar's title.
    assert "Färre placeringar i" in texts(narrow)
    assert any(t.endswith("…") for t in texts(narrow))
    assert narrow.table.rows[2][0] == LONGER
    assert any(bar.title.startswith(LONGER) for bar in bars(narrow))


def test_tick_labels_thin_out_rather_than_touch() -> None:
    narrow = kit.bar_chart(
        title="t",
        categories=["a"],
        series=[kit.Series("s", [-987_654_321])],
        horizontal=True,
        width=220,
        fmt=kr,
    )
    assert_fits(narrow)
    ticks = [s for s in narrow.shapes if isinstance(s, kit.Text) and s.fill == kit.MUTED]
    assert [t.text for t in ticks] == ["−1\u00a0000\u00a0mnkr", "0"]


alphabet = st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöÅÄÖ –-:()<>&\"'0123456789MW")


@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(st.text(alphabet, min_size=1, max_size=90), min_size=1, max_size=6),
    values=st.lists(st.integers(-(10**10), 10**10), min_size=6, max_size=6),
    size=st.sampled_from(SIZES),
)
def test_any_labels_and_amounts_fit(labels: list[str], values: list[int], size: tuple) -> None:
    width, font = size
    chart = kit.bar_chart(
        title="t",
        categories=labels,
        series=[kit.Series("Förväntat", values[: len(labels)])],
        horizontal=True,
        width=width,
        size=font,
        fmt=kr,
    )
    svg = parsed(chart)
    assert clipped_texts(svg) == []


# --- escaping, the table, the legend ------------------------------------------------------


def test_labels_are_escaped_and_stay_text() -> None:
    chart = kit.bar_chart(
        title='A & B "<b>"',
        categories=["<script>alert(1)</script>", "Barn & unga"],
        series=[kit.Series("<i>Förväntat</i>", [1, 2]), kit.Series("Realiserat", [3, 4])],
        horizontal=True,
    )
    markup = str(chart.svg())
    assert "<script>" not in markup and "<i>" not in markup
    svg = ET.fromstring(markup)
    shown = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script>" in shown and "Barn & unga" in shown
    assert "<i>Förväntat</i>" in shown
    assert svg.find("{http://www.w3.org/2000/svg}title").text == 'A & B "<b>"'


def test_the_table_carries_the_figures_of_the_picture() -> None:
    chart = horizontal(640, 11)
    assert chart.table.headers == ["", "Förväntat", "Realiserat"]
    assert chart.table.rows[0] == [LONG, kr(12_345_678), kr(-987_654_321)]
    assert chart.table.rows[2] == [LONGER, kr(250_000), "–"]
    # The value printed at the end of each bar is the one in the table.
    assert kr(-987_654_321) in texts(chart) and kr(2_000_000) in texts(chart)
    assert len(bars(chart)) == 7


def test_the_histogram_table_counts_every_value() -> None:
    chart = histogram(640, 11)
    assert sum(int(row[2]) for row in chart.table.rows) == 1000
    assert len(chart.table.rows) == len(bars(chart)) == 24


def test_a_line_table_marks_missing_values() -> None:
    chart = dated(640, 11)
    assert [row[1] for row in chart.table.rows] == ["1,5", "–", "2", "3,25", "–", "−0,5"]


@pytest.mark.parametrize("width,size", SIZES)
@pytest.mark.parametrize(
    "kind", ["horizontal bars", "vertical bars with a line", "tornado", "histogram with marks"]
)
def test_the_legend_sits_beside_the_bars_never_over_them(
    kind: str, width: float, size: float
) -> None:
    chart = CHARTS[kind](width, size)
    assert chart.legend is not None
    legend_shapes = [
        s
        for s in chart.shapes
        if (isinstance(s, kit.Rect) and s.role == "swatch")
        or (isinstance(s, kit.Text) and boxes_overlap(s.box(), chart.legend))
    ]
    assert legend_shapes
    for shape in legend_shapes:
        assert all(not boxes_overlap(shape.box(), bar.box()) for bar in bars(chart))
    assert all(bar.y >= chart.legend[3] for bar in bars(chart))
    left, top, right, bottom = chart.plot
    assert all(
        left - 0.01 <= bar.x and bar.x + bar.w <= right + 0.01 and top - 0.01 <= bar.y
        for bar in bars(chart)
    )
    assert all(bar.y + bar.h <= bottom + 0.01 for bar in bars(chart))


def test_the_tornado_draws_both_sides_from_the_base() -> None:
    chart = tornado(640, 11)
    base_x = [s for s in chart.shapes if isinstance(s, kit.Line) and s.x1 == s.x2 and s.width == 1]
    rows = bars(chart)
    assert len(rows) == 6
    low, high = rows[0], rows[1]  # the longest bar first so the other stays visible
    assert {low.fill, high.fill} == {kit.LOSS, kit.GAIN}
    assert base_x


def test_an_empty_chart_says_so_and_still_has_its_table() -> None:
    chart = kit.bar_chart(title="t", categories=[], series=[kit.Series("s", [])])
    assert texts(chart) == ["Inga värden."]
    assert chart.table.rows == []
    assert kit.histogram(title="t", values=[1.0]) is None


def test_the_last_guard_grows_the_box_around_a_stray_label() -> None:
    chart = kit.Chart("t", "d", 100, 50, [kit.Text(-20, 60, "utanför", 11)], kit.Table("t", [], []))
    chart.fit()
    assert clipped_texts(parsed(chart)) == []
    assert chart.view_box()[:2] == (-20, 0)


# --- the same layout in a PDF -------------------------------------------------------------


def test_the_pdf_drawing_keeps_every_label_inside_and_extractable() -> None:
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    chart = horizontal(*SIZES[2])
    drawing = chart.drawing(font="DejaVuSans", bold="DejaVuSans")
    strings = [s for s in drawing.contents if isinstance(s, String)]
    assert len(strings) == len(texts(chart))
    for s in strings:
        w = pdfmetrics.stringWidth(s.text, s.fontName, s.fontSize)
        left = {"start": s.x, "middle": s.x - w / 2, "end": s.x - w}[s.textAnchor]
        assert left >= 0 and left + w <= drawing.width
        assert s.y - 0.24 * s.fontSize >= 0 and s.y + 0.76 * s.fontSize <= drawing.height
    text = PdfReader(io.BytesIO(renderPDF.drawToString(drawing))).pages[0].extract_text()
    for label in ("Förväntat", "Realiserat", "Socialnämnden", "−987"):
        assert label in text


@pytest.mark.parametrize(
    "kind", ["horizontal bars", "vertical bars with a line", "tornado", "histogram with marks"]
)
def test_series_of_bars_differ_by_more_than_colour(kind: str) -> None:
    chart = CHARTS[kind](640, 11)
    swatches = [s for s in chart.shapes if isinstance(s, kit.Rect) and s.role == "swatch"]
    assert [bool(s.stripes()) for s in swatches].count(True) == 1
    hatched_fill = next(s.fill for s in swatches if s.stripes())
    # Every wide enough bar of the hatched series is striped, and no other bar is.
    for bar in bars(chart):
        if bar.w >= 3 and bar.h >= 3:
            assert bool(bar.stripes()) == (bar.fill == hatched_fill)
    markup = str(chart.svg())
    assert markup.count('stroke="#ffffff"') == sum(
        len(s.stripes()) for s in chart.shapes if isinstance(s, kit.Rect)
    )


def test_stripes_stay_inside_their_bar() -> None:
    bar = kit.Rect(10, 20, 30, 12, kit.LOSS, hatch=True)
    stripes = bar.stripes()
    assert len(stripes) >= 5
    for x1, y1, x2, y2 in stripes:
        assert min(x1, x2) >= 10 and max(x1, x2) <= 40 and min(y1, y2) >= 20 and max(y1, y2) <= 32
        assert x1 + y1 == pytest.approx(x2 + y2)


amounts = st.floats(-1e10, 1e10, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.text(alphabet, min_size=1, max_size=90), amounts, amounts),
        min_size=1,
        max_size=5,
    ),
    base=amounts,
    size=st.sampled_from(SIZES),
)
def test_any_tornado_fits(rows: list[tuple[str, float, float]], base: float, size: tuple) -> None:
    chart = kit.tornado_chart(
        title="t",
        rows=rows,
        base=base,
        low_name="lägsta värdet",
        high_name="högsta värdet",
        base_name="Kalkylens nuvärde",
        width=size[0],
        size=size[1],
        fmt=kr,
    )
    svg = parsed(chart)
    assert clipped_texts(svg) == [] and overlapping_texts(svg) == []


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(amounts, min_size=2, max_size=300),
    marks=st.lists(
        st.tuples(st.sampled_from(["P5", "P10", "P50", "P90", "P95"]), amounts), max_size=5
    ),
    size=st.sampled_from(SIZES),
)
def test_any_histogram_fits(
    values: list[float], marks: list[tuple[str, float]], size: tuple
) -> None:
    # The marks are percentiles: inside the values' range.
    low, high = min(values), max(values)
    marks = [(label, min(max(v, low), high)) for label, v in marks]
    chart = kit.histogram(title="h", values=values, marks=marks, width=size[0], size=size[1])
    assert chart is not None
    svg = parsed(chart)
    assert clipped_texts(svg) == [] and overlapping_texts(svg) == []


@settings(max_examples=30, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(1990, 2100), amounts),
        min_size=1,
        max_size=30,
        unique_by=lambda p: p[0],
    ),
    name=st.text(alphabet, min_size=1, max_size=60),
    size=st.sampled_from(SIZES),
)
def test_any_line_chart_fits(points: list[tuple[int, float]], name: str, size: tuple) -> None:
    points.sort()
    chart = kit.line_chart(
        title="l",
        x=[p[0] for p in points],
        x_labels=[str(p[0]) for p in points],
        series=[
            kit.Series(name, [p[1] for p in points]),
            kit.Series("Totalt", [-p[1] for p in points]),
        ],
        guides=[kit.Guide(points[0][1], "mål")],
        width=size[0],
        size=size[1],
    )
    svg = parsed(chart)
    assert clipped_texts(svg) == [] and overlapping_texts(svg) == []


@settings(max_examples=30, deadline=None)
@given(
    columns=st.lists(
        st.tuples(st.text(alphabet, min_size=1, max_size=50), amounts, amounts, amounts),
        min_size=1,
        max_size=15,
    ),
    stacked=st.booleans(),
    size=st.sampled_from(SIZES),
)
def test_any_vertical_bar_chart_fits(
    columns: list[tuple[str, float, float, float]], stacked: bool, size: tuple
) -> None:
    chart = kit.bar_chart(
        title="v",
        categories=[c[0] for c in columns],
        series=[
            kit.Series("Utbetalningar", [c[1] for c in columns]),
            kit.Series("Återföringar och avgifter", [c[2] for c in columns]),
        ],
        lines=[kit.Series("Fondens kapital vid årets slut", [c[3] for c in columns])],
        stacked=stacked,
        width=size[0],
        size=size[1],
    )
    svg = parsed(chart)
    assert clipped_texts(svg) == [] and overlapping_texts(svg) == []
