"""Test helpers for charts: parse rendered SVG and check that no label is clipped.

Text boxes are measured with the real advance widths of DejaVu Sans (the font the charts ask
for first and the PDFs embed), independently of the chart kit's own estimate.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SVG = "{http://www.w3.org/2000/svg}"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@cache
def _font() -> str:
    pdfmetrics.registerFont(TTFont("ChartTestDejaVu", FONT))
    return "ChartTestDejaVu"


def text_box(element: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of an SVG <text> element."""
    size = float(element.get("font-size", "16"))
    width = pdfmetrics.stringWidth("".join(element.itertext()), _font(), size)
    if element.get("font-weight") == "bold":
        width *= 1.1
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    anchor = element.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - 0.76 * size, left + width, y + 0.24 * size)


def svgs_in(html: str) -> list[ET.Element]:
    """Every chart-kit SVG in a page, parsed."""
    return [
        ET.fromstring(match)
        for match in re.findall(r'<svg [^>]*class="chart-kit".*?</svg>', html, re.S)
    ]


def clipped_texts(svg: ET.Element) -> list[str]:
    """The texts whose box reaches outside the SVG's viewBox."""
    vx, vy, vw, vh = (float(v) for v in svg.get("viewBox", "").split())
    clipped = []
    for element in svg.iter(f"{SVG}text"):
        left, top, right, bottom = text_box(element)
        if left < vx - 0.01 or top < vy - 0.01 or right > vx + vw + 0.01 or bottom > vy + vh + 0.01:
            clipped.append("".join(element.itertext()))
    return clipped


def overlapping_texts(svg: ET.Element) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap."""
    boxes = [("".join(e.itertext()), text_box(e)) for e in svg.iter(f"{SVG}text")]
    pairs = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1 :]:
            if ba[0] < bb[2] and bb[0] < ba[2] and ba[1] < bb[3] and bb[1] < ba[3]:
                pairs.append((a, b))
    return pairs


def assert_charts_fit(html: str) -> int:
    """Every chart in ``html`` shows each of its labels whole and apart; returns how many
    charts were checked."""
    svgs = svgs_in(html)
    for svg in svgs:
        assert clipped_texts(svg) == []
        assert overlapping_texts(svg) == []
    return len(svgs)
