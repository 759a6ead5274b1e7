"""The portfolio's documents as PDF: the decision basis for the executive board, the
periodic and final reports, and the yearly consolidated evaluation.

Text is set in DejaVu Sans, embedded, so that å, ä and ö (and the minus sign and dashes)
come out right and can be searched and extracted; without the font file we fall back to
Helvetica, whose WinAnsi encoding still covers å, ä and ö.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache, wraps
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from satsa.calculations.selectors import calculation_of_record, realisation_summary
from satsa.cases.models import Case
from satsa.core import charts as kit
from satsa.core.money import kr, mkr, number, percent, tkr
from satsa.portfolio import selectors
from satsa.rulebooks.selectors import rulebook_for

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ACCENT = colors.HexColor("#005a8c")
# The text width between the page margins, in points.
CHART_WIDTH = 170 * mm


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans when it is installed."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


class _Doc:
    """A small story builder: headings, paragraphs, key–value and plain tables, charts."""

    def __init__(self, title: str, subject: str) -> None:
        self.title, self.subject = title, subject
        regular, bold = fonts()
        self.regular, self.bold = regular, bold
        base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=14, alignment=TA_LEFT)
        self.styles = {
            "p": base,
            "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
            "h1": ParagraphStyle(
                "h1", parent=base, fontName=bold, fontSize=18, leading=23, spaceAfter=6
            ),
            "h2": ParagraphStyle(
                "h2",
                parent=base,
                fontName=bold,
                fontSize=13,
                leading=17,
                spaceBefore=10,
                spaceAfter=4,
                textColor=ACCENT,
            ),
            "h3": ParagraphStyle(
                "h3",
                parent=base,
                fontName=bold,
                fontSize=11,
                leading=14,
                spaceBefore=6,
                spaceAfter=2,
            ),
            "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
            "cellb": ParagraphStyle("cellb", parent=base, fontName=bold, fontSize=9, leading=11.5),
        }
        self.story: list[Any] = []

    def _para(self, text: str, style: str = "p") -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), self.styles[style])

    def h1(self, text: str) -> None:
        self.story.append(self._para(text, "h1"))

    def h2(self, text: str) -> None:
        self.story.append(self._para(text, "h2"))

    def h3(self, text: str) -> None:
        self.story.append(self._para(text, "h3"))

    def p(self, text: str, style: str = "p") -> None:
        if text:
            self.story.append(self._para(text, style))

    def kv(self, rows: Sequence[tuple[str, str]]) -> None:
        data = [[self._para(k, "cellb"), self._para(v, "cell")] for k, v in rows]
        table = Table(data, colWidths=[50 * mm, 120 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ]
            )
        )
        self.story.append(table)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
    ) -> None:
        if not rows:
            self.p("–")
            return
        data = [[self._para(h, "cellb") for h in header]]
        for row in rows:
            data.append([self._para(c, "cell") for c in row])
        table = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ]
        style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def bar_chart(
        self,
        title: str,
        labels: Sequence[str],
        series: Sequence[Sequence[Decimal | float]],
        names: Sequence[str] = (),
        horizontal: bool = True,
    ) -> None:
        """A bar chart laid out by the chart kit; the same figures are always printed in a
        table next to it."""
        chart = self.chart(title, labels, series, names, horizontal)
        if chart is None:
            return
        heading = Paragraph(escape(title), self.styles["cellb"])
        drawing = chart.drawing(font=self.regular, bold=self.bold)
        self.story.append(KeepTogether([Spacer(1, 4), heading, drawing]))

    def chart(
        self,
        title: str,
        labels: Sequence[str],
        series: Sequence[Sequence[Decimal | float]],
        names: Sequence[str] = (),
        horizontal: bool = True,
    ) -> kit.Chart | None:
        if not labels:
            return None
        return kit.bar_chart(
            title=title,
            categories=list(labels),
            series=[
                kit.Series(names[i] if i < len(names) else title, list(values))
                for i, values in enumerate(series)
            ],
            horizontal=horizontal,
            width=CHART_WIDTH,
            height=170,
            size=7.5,
            fmt=kr,
        )

    def space(self, height: float = 4) -> None:
        self.story.append(Spacer(1, height * mm))

    def render(self, footer: str) -> bytes:
        buffer = io.BytesIO()
        regular = self.regular

        def page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(regular, 8)
            canvas.setFillColor(colors.grey)
            canvas.drawString(20 * mm, 10 * mm, footer)
            canvas.drawRightString(190 * mm, 10 * mm, f"Sida {doc.page}")
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=self.title,
            subject=self.subject,
            author="Satsa",
            lang="sv-SE",
        )
        doc.build(self.story, onFirstPage=page, onLaterPages=page)
        return buffer.getvalue()


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def _swedish[**P](render: Callable[P, bytes]) -> Callable[P, bytes]:
    """The documents are written in Swedish, so their amounts are too, whatever language
    the person who asked for them has chosen."""

    @wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with translation.override("sv"):
            return render(*args, **kwargs)

    return wrapper


def _period(case: Case) -> str:
    return case.period_text or "–"


def _names(items: Any) -> str:
    return ", ".join(sorted(x.name for x in items.all())) or "–"


def _case_facts(doc: _Doc, case: Case, *, amount_label: str = "Beviljat belopp") -> None:
    doc.kv(
        [
            ("Organisation", case.organisation.name),
            ("Diarienummer", case.diarienummer or "–"),
            ("Målgrupp", case.target_group_text or "–"),
            ("Period", _period(case)),
            ("Förvaltningar", _names(case.departments)),
            ("Berörda nämnder", _names(case.boards)),
            ("Externa parter", _names(case.parties)),
            (amount_label, kr(case.granted_amount)),
            ("Regelbok", case.rulebook_key),
        ]
    )


PERSPECTIVE_SV = {
    "organisation": "Organisationen",
    "other_public": "Annan offentlig aktör",
    "individual": "Individen",
    "society": "Samhället i övrigt",
}
SNAPSHOT_SV = {"submitted": "när ansökan lämnades in", "decided": "vid beslutet"}


def _calculation(doc: _Doc, case: Case) -> None:
    # The calculation the case is judged on: its snapshot at submission or decision.
    result, snapshot = calculation_of_record(case)
    figures = selectors.calculation_figures_from(result)
    doc.h2("Ekonomisk kalkyl")
    if figures is None or result is None:
        doc.p("Ärendet har ingen beräknad kalkyl.")
        return
    if snapshot is not None:
        when = SNAPSHOT_SV.get(snapshot.reason, snapshot.reason)
        doc.p(f"Kalkylen som den såg ut {when} ({iso(timezone.localdate(snapshot.created_at))}).")
    bcr = number(figures.bcr, decimals=2)
    headline: list[tuple[str, str]] = []
    chance = (result.get("monte_carlo") or {}).get("p_npv_nonnegative")
    if isinstance(chance, int | float):
        draws = result["monte_carlo"].get("draws")
        headline.append(
            (
                "Chans att nyttan täcker kostnaden",
                f"{percent(chance, decimals=0)} (Monte Carlo, {kr(draws, unit=False)} dragningar)",
            )
        )
    doc.kv(
        [
            *headline,
            ("Kostnad (nuvärde)", kr(figures.pv_cost)),
            ("Besparingar (nuvärde)", kr(figures.pv_savings)),
            ("Nettonuvärde", kr(figures.npv)),
            ("Nyttokostnadskvot", bcr),
        ]
    )
    _approval_and_cash(doc, result)
    _realisation(doc, result)
    if figures.pv_savings_by_actor:
        doc.h3("Förväntade besparingar per aktör")
        doc.bar_chart(
            "Besparingar per aktör, nuvärde",
            [a for a, _ in figures.pv_savings_by_actor],
            [[v for _, v in figures.pv_savings_by_actor]],
        )
        nominal = dict(figures.savings_by_actor)
        doc.table(
            ["Aktör", "Besparing", "Besparing (nuvärde)"],
            [[a, kr(nominal.get(a)), kr(v)] for a, v in figures.pv_savings_by_actor],
            widths=[90, 40, 40],
            numeric=[1, 2],
        )
    if figures.flows:
        doc.h3("Kostnader och besparingar per år")
        doc.bar_chart(
            "Kostnader och besparingar per år",
            [str(y) for y, _, _ in figures.flows],
            [[c for _, c, _ in figures.flows], [s for _, _, s in figures.flows]],
            names=["Kostnad", "Besparing"],
            horizontal=False,
        )
        doc.table(
            ["År", "Kostnad", "Besparing"],
            [[str(y), kr(c), kr(s)] for y, c, s in figures.flows],
            widths=[30, 60, 60],
            numeric=[1, 2],
        )


def _approval_and_cash(doc: _Doc, result: dict[str, Any]) -> None:
    """The approval rule with the perspectives it counts, cash- and capacity-releasing
    savings, and who pays, who saves (docs/economics.md)."""
    approval = result.get("approval") or {}
    totals = result.get("totals") or {}
    rows: list[tuple[str, str]] = []
    if "holds" in approval:
        verdict = "uppfylld" if approval["holds"] else "inte uppfylld"
        basis = "diskonterat" if approval.get("basis") == "discounted" else "nominellt"
        rows.append(
            (
                "Beslutsregeln",
                f"{verdict.capitalize()} ({basis}, t.o.m. {approval.get('horizon_end')}): "
                f"besparingar {kr(approval.get('savings'))} mot kostnad {kr(approval.get('cost'))}, "
                f"marginal {kr(approval.get('margin'))}.",
            )
        )
    if approval.get("perspective"):
        names = ", ".join(PERSPECTIVE_SV.get(p, p) for p in approval["perspective"])
        rows.append(("Regeln räknar besparingar för", names))
        rows.append(("Besparingar som inte räknas", kr(approval.get("savings_not_counted"))))
    if "savings_cashable" in totals:
        rows.append(("Besparingar som frigör pengar", kr(totals["savings_cashable"])))
        rows.append(("Besparingar som bara frigör kapacitet", kr(totals["savings_non_cashable"])))
    if rows:
        doc.kv(rows)
    for warning in result.get("warnings") or []:
        if warning.get("path") == "horizon_years_after_end":
            doc.p(str(warning.get("sv", "")), "small")
    parties = result.get("flows_by_actor") or []
    if not parties:
        return
    doc.h3("Vem betalar, vem sparar")
    doc.table(
        ["Part", "Perspektiv", "Kostnad", "Besparing", "Netto"],
        [
            [
                "Fonden" if p["party"] == "fund" else p["party"],
                PERSPECTIVE_SV.get(p.get("perspective") or "", "–"),
                kr(p["cost"]),
                kr(p["savings"]),
                kr(p["net"]),
            ]
            for p in parties
        ],
        widths=[45, 35, 30, 30, 30],
        numeric=[2, 3, 4],
    )
    years = [row["year"] for row in result.get("flows") or []]
    # one column a year does not fit a page past about ten years: the rest go below
    for start in range(0, len(years), 8):
        chunk = years[start : start + 8]
        rows_by_year: list[list[str]] = []
        for p in parties:
            name = "Fonden" if p["party"] == "fund" else p["party"]
            cells = {y["year"]: y for y in p["years"]}
            rows_by_year.append(
                [f"{name}, netto"] + [tkr(cells[y]["net"]) if y in cells else "–" for y in chunk]
            )
        doc.table(
            ["Netto per år", *[str(y) for y in chunk]],
            rows_by_year,
            widths=[50] + [15] * len(chunk),
            numeric=list(range(1, len(chunk) + 1)),
        )


def _realisation(doc: _Doc, result: dict[str, Any]) -> None:
    """The realisation plan (effekthemtagningsplan) beside the boards' cash-releasing
    savings, when the calculation has one."""
    summary = realisation_summary(result, "sv")
    if summary is None:
        return
    doc.h3("Effekthemtagningsplan")
    doc.kv(
        [
            ("Planerat att ta hem", kr(summary["planned"])),
            ("Besparingar som frigör pengar", kr(summary["cashable_savings"])),
            ("Inte planerat", kr(summary["unplanned"])),
        ]
    )
    doc.table(
        ["Nämnd", "År", "Åtgärd", "Planerat", "Frigör pengar"],
        [
            [
                row["board"],
                str(row["year"]),
                ", ".join(f"{label} ({kr(amount)})" for label, amount in row["measures"]) or "–",
                kr(row["planned"]),
                kr(row["cashable_savings"]),
            ]
            for row in summary["rows"]
        ],
        widths=[40, 15, 55, 30, 30],
        numeric=[3, 4],
    )
    for warning in summary["warnings"]:
        doc.p(warning, "small")


# satsa.rules' finding statuses.
STATUS_SV = {"holds": "Uppfyllt", "fails": "Uppfylls inte", "review": "Bedöms manuellt"}


@_swedish
def decision_basis_pdf(case: Case) -> bytes:
    """Beslutsunderlag: what the executive board decides on."""
    doc = _Doc(f"Beslutsunderlag: {case.title}", "Beslutsunderlag till kommunstyrelsen")
    doc.p(f"{case.organisation.name} · Beslutsunderlag till kommunstyrelsen", "small")
    doc.h1(case.title)
    doc.h2("Sammanfattning")
    _case_facts(doc, case, amount_label="Sökt/beviljat belopp")
    for title, text in selectors.application_summary(case):
        doc.h3(title)
        doc.p(text)
    doc.h2("Prövning mot regelboken")
    findings = selectors.eligibility_findings(case)
    doc.table(
        ["Bedömning", "Villkor"],
        [[STATUS_SV.get(f.status, f.status), f.text] for f in findings],
        widths=[30, 140],
    )
    _calculation(doc, case)
    doc.h2("Nämndernas synpunkter")
    comments = selectors.board_comments(case)
    doc.table(
        ["Nämnd", "Skede", "Ställer sig bakom", "Yttrande"],
        [
            [
                c.board,
                c.phase,
                {True: "Ja", False: "Nej", None: "Inget svar"}[c.backs],
                c.comment or "–",
            ]
            for c in comments
        ],
        widths=[40, 20, 25, 85],
    )
    if case.priority_rank is not None:
        doc.h2("Styrgruppens prioritering")
        if case.priority_reason:
            how = "ordningen satt av styrgruppen"
        elif rulebook_for(case).criteria.selection is not None:
            how = "efter urvalskriterierna"
        else:
            how = "i den ordning ansökningarna kom in; regelboken har inga urvalskriterier"
        doc.p(f"Plats {case.priority_rank} ({how}).")
        if case.priority_reason:
            doc.p(f"Skäl: {case.priority_reason}")
    doc.h2("Underskrifter")
    doc.table(
        ["Namn", "Undertecknar som", "För", "Datum"],
        [
            [s.name, s.capacity, s.on_behalf_of, iso(s.signed_on)]
            for s in selectors.signatures(case)
        ],
        widths=[45, 40, 60, 25],
    )
    return doc.render(f"{case.organisation.name} · {case.title} · {iso(timezone.localdate())}")


def _report_body(doc: _Doc, report: selectors.ReportContent) -> None:
    doc.kv(
        [
            ("Period", report.period_name),
            ("Periodens slut", iso(report.period_end)),
            ("Status", report.status_label),
            ("Inlämnad", iso(report.submitted_on)),
            ("Förbrukat hittills", kr(report.spent_to_date)),
            ("Begärd utbetalning", kr(report.claim_amount)),
        ]
    )
    for title, text in (
        ("Genomförda aktiviteter", report.activities),
        ("Arbetssätt", report.ways_of_working),
        ("Uppnådda effekter", report.effects),
        ("Avvikelser", report.deviations),
    ):
        if text:
            doc.h3(title)
            doc.p(text)
    if report.measures:
        doc.h3("Mått")
        doc.table(
            ["Mått", "Basvärde", "Mål", "Senast"],
            [
                [
                    str(m.get("name", "")),
                    str(m.get("baseline") or "–"),
                    str(m.get("target") or "–"),
                    str(m.get("latest_treatment") or "–"),
                ]
                for m in report.measures
            ],
            widths=[80, 30, 30, 30],
            numeric=[1, 2, 3],
        )


@_swedish
def periodic_report_pdf(case: Case, report: selectors.ReportContent) -> bytes:
    """Lägesrapport: one report of the implementation phase."""
    doc = _Doc(f"Lägesrapport {report.period_name}: {case.title}", "Lägesrapport")
    doc.p(f"{case.organisation.name} · Lägesrapport", "small")
    doc.h1(f"{case.title} – {report.period_name}")
    _case_facts(doc, case)
    doc.h2("Rapport")
    _report_body(doc, report)
    return doc.render(f"{case.organisation.name} · {case.title} · {report.period_name}")


@_swedish
def final_report_pdf(case: Case, *, summary: str = "") -> bytes:
    """Slutrapport: the implementation, the effect evaluation and the economic outcome."""
    doc = _Doc(f"Slutrapport: {case.title}", "Slutrapport")
    doc.p(f"{case.organisation.name} · Slutrapport", "small")
    doc.h1(case.title)
    _case_facts(doc, case)
    if summary:
        doc.h2("Sammanfattning")
        doc.p(summary)
    finals = selectors.reports_of(case, "final")
    if finals:
        doc.h2("Genomförande")
        _report_body(doc, finals[-1])
    effect = selectors.effect_summary(case)
    doc.h2("Effekter och ekonomi")
    if effect is None:
        doc.p("Ingen effektutvärdering är registrerad.")
    else:
        doc.p(effect.conclusion)
        if effect.estimates:
            doc.table(*_estimate_table(effect.estimates), widths=[62, 26, 40, 42], numeric=[1])
            doc.p(_MARYLAND, "small")
        boards = sorted(set(effect.expected) | set(effect.realised))
        doc.bar_chart(
            "Förväntade och realiserade besparingar per nämnd",
            boards,
            [
                [effect.expected.get(b, 0) for b in boards],
                [effect.realised.get(b, 0) for b in boards],
            ],
            names=["Förväntat", "Realiserat"],
        )
        doc.table(
            ["Nämnd", "Förväntat", "Realiserat"],
            [[b, kr(effect.expected.get(b)), kr(effect.realised.get(b))] for b in boards],
            widths=[90, 40, 40],
            numeric=[1, 2],
        )
    _calculation(doc, case)
    return doc.render(f"{case.organisation.name} · {case.title} · Slutrapport")


@_swedish
def consolidated_evaluation_pdf(data: dict[str, Any]) -> bytes:
    """Den samlade utvärderingen of the whole portfolio, drawn from its stored snapshot
    (see :func:`satsa.portfolio.selectors.evaluation_figures`)."""
    org, year = data["organisation"], data["year"]
    deep = data["depth"] == "deep"
    label = "Fördjupad samlad utvärdering" if deep else "Samlad utvärdering"
    doc = _Doc(f"{label} {year}: {org}", label)
    doc.p(f"{org} · Fonden för sociala investeringar", "small")
    doc.h1(f"{label} av portföljen {year}")
    doc.p(
        f"Underlaget togs fram {data['generated_on']} inför budgetarbetet och omfattar de "
        f"{data['totals']['count']} satsningar som beviljats till och med {year}."
    )
    doc.h2("Översikt")
    totals = data["totals"]
    doc.kv(
        [
            ("Beviljade satsningar", str(totals["count"])),
            ("Beviljat totalt", kr(Decimal(totals["granted"]))),
            (f"Pågående under {year}", str(totals["active"])),
            (f"Nya beslut {year}", str(totals["new"])),
            (f"Avslutade {year}", str(totals["ended"])),
            ("Förväntade besparingar", kr(Decimal(totals["expected"]))),
            ("Realiserade besparingar", kr(Decimal(totals["realised"]))),
        ]
    )
    if data.get("fund"):
        doc.h2("Fonden")
        f = data["fund"]
        doc.kv(
            [
                ("Insatt", kr(Decimal(f["deposited"]))),
                ("Beviljat (åtaganden)", kr(Decimal(f["committed"]))),
                ("Utbetalt", kr(Decimal(f["paid"]))),
                ("Återfört", kr(Decimal(f["repaid"]))),
                ("Avgifter", kr(Decimal(f["fees"]))),
                ("Fritt att bevilja", kr(Decimal(f["free"]))),
            ]
        )
    doc.h2("Genomförande")
    doc.table(
        ["Satsning", "Period", "Beviljat", "Skede", "Läge"],
        [
            [
                c["name"],
                f"{c['start_date'] or '–'} – {c['end_date'] or '–'}",
                kr(_dec(c["granted"])),
                c["stage"],
                c["status"],
            ]
            for c in data["cases"]
        ],
        widths=[55, 40, 27, 23, 25],
        numeric=[2],
    )
    doc.bar_chart(
        "Beviljat per satsning",
        [c["name"] for c in data["cases"]],
        [[_dec(c["granted"]) or 0 for c in data["cases"]]],
    )
    doc.h2("Resultat och ekonomiska effekter per nämnd")
    boards = data["boards"]
    doc.bar_chart(
        "Förväntade och realiserade besparingar per nämnd",
        [b["board"] for b in boards],
        [[Decimal(b["expected"]) for b in boards], [Decimal(b["realised"]) for b in boards]],
        names=["Förväntat", "Realiserat"],
    )
    doc.table(
        ["Nämnd", "Förväntat", "Realiserat"],
        [[b["board"], kr(Decimal(b["expected"])), kr(Decimal(b["realised"]))] for b in boards],
        widths=[90, 40, 40],
        numeric=[1, 2],
    )
    estimates = [(c["name"], e) for c in data["cases"] for e in c.get("estimates") or []]
    if estimates:
        doc.h2("Effektskattningar och deras tillförlitlighet")
        header, rows = _estimate_table([e for _, e in estimates])
        doc.table(
            ["Satsning", *header],
            [[name, *row] for (name, _), row in zip(estimates, rows, strict=True)],
            widths=[40, 45, 22, 33, 30],
            numeric=[2],
        )
        doc.p(_MARYLAND, "small")
    if deep:
        doc.h2("Satsning för satsning")
        for c in data["cases"]:
            doc.h3(c["name"])
            doc.kv(
                [
                    ("Målgrupp", c.get("target_group") or "–"),
                    ("Nettonuvärde (kalkyl)", kr(_dec(c.get("npv")))),
                    ("Förväntade besparingar", kr(_dec(c.get("expected")))),
                    ("Realiserade besparingar", kr(_dec(c.get("realised")))),
                    ("Rapporter", str(c.get("reports", 0))),
                ]
            )
            if c.get("conclusion"):
                doc.p(c["conclusion"])
            for reason in c.get("reasons", []):
                doc.p(f"• {reason}", "small")
    return doc.render(f"{org} · {label} {year} · {mkr(Decimal(totals['granted']))} beviljat")


_MARYLAND = (
    "Tillförlitlighet enligt Maryland-skalan (1–5) följer av utvärderingens upplägg: "
    "2 före och efter utan jämförelsegrupp, 3 med jämförelsegrupp, 4 dessutom justerad "
    "för skillnader mellan grupperna eller med förskjutna starter, 5 lottade grupper."
)


def _estimate_table(estimates: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Each evaluated measure's main estimate with its interval and Maryland level."""

    def number(x: Any) -> str:
        return "–" if x is None else f"{x:.2f}".replace(".", ",").replace("-", "−")

    rows = []
    for e in estimates:
        what = {"did": "skillnad-i-skillnader", "level": "nivåförändring"}.get(
            e.get("what", ""), "förändring"
        )
        if e.get("estimate") is None:
            value, interval = "visas inte (liten grupp)", "–"
        else:
            value = f"{number(e['estimate'])} ({what})"
            interval = (
                "bara punktskattning"
                if e.get("ci_low") is None
                else f"[{number(e['ci_low'])}; {number(e['ci_high'])}]"
            )
        level = e.get("level")
        rows.append(
            [e.get("name", ""), value, interval, "–" if level is None else f"nivå {level} av 5"]
        )
    return ["Mått", "Skattning", "95 % konfidensintervall", "Tillförlitlighet"], rows


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def today() -> dt.date:
    return timezone.localdate()
