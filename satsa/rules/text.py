"""Rulebooks and eligibility results as readable text, in Swedish or English.

Used by ``satsa rules show`` and ``satsa rules eligibility``; the web application renders
its own templates from the same models.
"""

from __future__ import annotations

from satsa.rules import numbers
from satsa.rules.eligibility import EligibilityResult
from satsa.rules.schema import (
    GUARDS,
    PARTY_TYPE_NAMES,
    CriteriaList,
    Rulebook,
    Section,
)

__all__ = ["render_result", "render_rulebook"]

_STATUS = {
    "holds": ("UPPFYLLD", "HOLDS"),
    "fails": ("EJ UPPFYLLD", "FAILS"),
    "review": ("GRANSKAS", "REVIEW"),
}


def _pct(share: float, lang: str) -> str:
    return numbers.percent(share, lang=lang, decimals=numbers.AUTO)


def _num(value: float, lang: str) -> str:
    return numbers.number(value, lang=lang, decimals=numbers.AUTO)


class _Out:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.lines: list[str] = []

    def t(self, sv: str, en: str) -> str:
        return en if self.lang == "en" else sv

    def heading(self, sv: str, en: str) -> None:
        self.lines += ["", self.t(sv, en)]

    def line(self, text: str, indent: int = 1) -> None:
        if text:
            self.lines.append("  " * indent + text)

    def cite(self, cite: str | None, indent: int = 1) -> None:
        if cite:
            self.line(self.t("Källa: ", "Source: ") + cite, indent)


def _kind(kind: str, lang: str) -> str:
    sv, en = PARTY_TYPE_NAMES[kind]
    return en if lang == "en" else sv


def _sections(out: _Out, sections: list[Section]) -> None:
    for section in sections:
        mark = "" if section.required else out.t(" (frivilligt)", " (optional)")
        out.line(f"- {out.t(section.title_sv, section.title_en)}{mark}", 2)
        out.line(out.t(section.guidance_sv, section.guidance_en), 3)


def _criteria(out: _Out, name: str, criteria: CriteriaList) -> None:
    use = {
        "tick": out.t("kryssas ja/nej", "ticked yes/no"),
        "all_must_hold": out.t("alla måste vara uppfyllda", "all must hold"),
        "score": out.t("poängsätts", "scored"),
    }[criteria.use]
    if criteria.scale is not None:
        use += f" {criteria.scale.min}–{criteria.scale.max}"
        if criteria.use == "score":
            use += ", " + (
                out.t("viktade", "weighted")
                if criteria.weighted
                else out.t("inte viktade", "unweighted")
            )
    out.line(f"{out.t(criteria.title_sv, criteria.title_en)} [{name}] ({use})")
    out.line(out.t(criteria.question_sv, criteria.question_en), 2)
    for item in criteria.items:
        weight = f" (vikt {_num(item.weight, out.lang)})" if item.weight is not None else ""
        text = item.text_en if out.lang == "en" and item.text_en else item.text_sv
        out.line(f"- {item.id}: {text}{weight}", 2)
    out.cite(criteria.cite, 2)


def render_rulebook(rulebook: Rulebook, lang: str = "sv") -> str:
    """The whole rulebook as text, Swedish by default (``lang="en"`` for English).

    >>> from satsa.rules import get_preset
    >>> print(render_rulebook(get_preset("gavleborg-2018")).splitlines()[0])
    gavleborg-2018 – Regionala sociala investeringsmedel (2018)
    """
    rb = rulebook
    out = _Out(lang)
    t = out.t
    out.lines.append(f"{rb.id} – {rb.title}")
    meta = [rb.organisation_name, f"version {rb.version}", t("gäller från ", "valid from ")]
    meta[-1] += rb.valid_from.isoformat()
    if rb.valid_until:
        meta.append(t("till och med ", "until ") + rb.valid_until.isoformat())
    if rb.supersedes:
        meta.append(t("ersätter ", "supersedes ") + rb.supersedes)
    out.line(" · ".join(meta), 0)
    summary = t(rb.summary_sv, rb.summary_en)
    if summary:
        out.lines += ["", summary]

    out.heading("Källor", "Sources")
    for source in rb.sources:
        details = ", ".join(
            x for x in (source.publisher, source.date and source.date.isoformat()) if x
        )
        seed = f" [{source.seed}]" if source.seed else ""
        out.line(f"{source.id}: {source.title} ({details}){seed}")

    app = rb.applicants
    out.heading("Vem får delta", "Who may take part")
    allowed = []
    for kind in app.allowed:
        name = _kind(kind, lang)
        if kind == "municipal_company" and app.municipal_company_ownership_above is not None:
            share = _pct(app.municipal_company_ownership_above, lang)
            name += t(f" (ägt till mer än {share})", f" (more than {share} owned)")
        if kind in app.requires_board:
            name += t(" (bara med minst en nämnd)", " (only with at least one board)")
        allowed.append(name)
    out.line(t("Får delta: ", "Allowed: ") + ", ".join(allowed))
    if app.excluded:
        excluded = ", ".join(_kind(k, lang) for k in app.excluded)
        out.line(t("Utesluts: ", "Excluded: ") + excluded)
    out.line(t(app.text_sv, app.text_en))
    out.cite(app.cite)

    cons = rb.consortium
    out.heading("Konsortieregel", "Consortium rule")
    out.line(t("Minst ett av:", "At least one of:"))
    for clause in cons.any_of:
        out.line(f"- {t(clause.text_sv, clause.text_en)}", 2)
    signatures = {
        "none": t("inga krav", "none required"),
        "department_heads": t("berörda förvaltningschefer", "department heads concerned"),
        "department_heads_and_partner_managers": t(
            "berörda förvaltningschefer och chefer för medverkande aktörer",
            "department heads concerned and managers of partners",
        ),
    }[cons.signatures]
    out.line(t("Undertecknas av: ", "Signed by: ") + signatures)
    out.line(t(cons.text_sv, cons.text_en))
    out.cite(cons.cite)

    out.heading("Villkor", "Conditions")
    dur = rb.duration
    years = []
    if dur.min_years is not None:
        years.append(t("minst ", "at least ") + _num(dur.min_years, lang))
    if dur.max_years is not None:
        years.append(t("högst ", "at most ") + _num(dur.max_years, lang))
    if dur.typical_years is not None:
        years.append(t("vanligen ", "typically ") + _num(dur.typical_years, lang))
    if years:
        out.line(t("Tid: ", "Duration: ") + ", ".join(years) + t(" år", " years"))
    elif dur.must_be_stated:
        out.line(t("Tid: anges i ansökan", "Duration: stated in the application"))
    out.cite(dur.cite, 2)
    if rb.co_financing.min_share is not None:
        share = _pct(rb.co_financing.min_share, lang)
        out.line(t(f"Samfinansiering: minst {share}", f"Co-financing: at least {share}"))
        out.cite(rb.co_financing.cite, 2)
    intake = rb.intake
    if intake.mode == "continuous":
        out.line(t("Intag: löpande", "Intake: continuous"))
    else:
        parts = []
        if intake.yearly_deadline is not None:
            day = f"{intake.yearly_deadline.day}/{intake.yearly_deadline.month}"
            parts.append(t(f"sista dag {day} varje år", f"deadline {day} each year"))
        parts += [f"{t(r.name_sv, r.name_en)} ({r.deadline})" for r in intake.rounds]
        out.line(t("Intag: ansökningsomgångar – ", "Intake: rounds – ") + "; ".join(parts))
    out.cite(intake.cite, 2)
    grants = rb.grants
    if grants.max_new_per_year is not None:
        note = t(" (förvalt värde)", " (default)") if grants.assumed else ""
        out.line(
            t("Högst nya satsningar per år: ", "Most new grants per year: ")
            + f"{grants.max_new_per_year}{note}"
        )
        out.cite(grants.cite, 2)
    if rb.project_leader is not None:
        share = _pct(rb.project_leader.min_post_share, lang)
        out.line(
            t(f"Projektledare: minst {share} av en heltid", f"Project leader: at least {share}")
        )
        out.cite(rb.project_leader.cite, 2)

    out.heading("Rapportering och utbetalning", "Reporting and payment")
    if rb.reporting.periods:
        periods = ", ".join(
            f"{t(p.name_sv, p.name_en)} ({p.day}/{p.month})" for p in rb.reporting.periods
        )
        out.line(
            t(f"{rb.reporting.per_year} rapporter per år: ", f"{rb.reporting.per_year} a year: ")
            + periods
        )
        out.cite(rb.reporting.cite, 2)
    else:
        out.line(t("Inga rapporteringstillfällen angivna", "No reporting points given"))
    if rb.payment is not None:
        out.line(t(rb.payment.text_sv, rb.payment.text_en))
        out.cite(rb.payment.cite, 2)

    out.heading("Beslutsregel och återföring", "Approval rule and repayment")
    approval = rb.approval
    if approval.rule == "savings_cover_cost":
        horizon = approval.horizon_years_after_end
        within = t(f" inom {horizon} år efter avslut", f" within {horizon} years after the end")
        basis = t("nominellt", "nominal")
        if approval.basis == "discounted":
            basis = t("diskonterat", "discounted")
        rate = _pct(approval.discount_rate, lang)
        out.line(
            t("Besparingar ≥ kostnad", "Savings ≥ cost")
            + (within if horizon is not None else "")
            + f" ({basis}; {t('diskonteringsränta', 'discount rate')} {rate})"
        )
    out.line(t(approval.text_sv, approval.text_en))
    out.cite(approval.cite, 2)
    rep = rb.repayment
    model = {
        "off": t("ingen återföring", "no repayment"),
        "to_fund": t("återföring till fonden", "repayment to the fund"),
        "budget_frame": t("minskad budgetram (kommunbidrag)", "reduced budget frame"),
    }[rep.model]
    if rep.model != "off":
        model += t(
            f", golv {_pct(rep.floor_share, lang)}, avgift {_pct(rep.fee_share, lang)}",
            f", floor {_pct(rep.floor_share, lang)}, fee {_pct(rep.fee_share, lang)}",
        )
    out.line(t("Återföring: ", "Repayment: ") + model)
    out.line(t(rep.text_sv, rep.text_en))
    out.cite(rep.cite, 2)

    idea = rb.idea
    if idea.answer_within_days is not None or idea.sections or idea.text_sv:
        out.heading("Idéprövning", "Idea test")
        if idea.answer_within_days is not None:
            days = idea.answer_within_days
            out.line(t(f"Svar inom {days} dagar", f"Answered within {days} days"))
        out.line(t(idea.text_sv, idea.text_en))
        _sections(out, idea.sections)
        out.cite(idea.cite)

    out.heading("Ansökan", "Application")
    out.line(t("Avsnitt:", "Sections:"))
    _sections(out, rb.application.sections)
    if rb.application.attachments:
        out.line(t("Bilagor:", "Attachments:"))
        _sections(
            out,
            [Section(**a.model_dump(exclude={"built_in"})) for a in rb.application.attachments],
        )
    out.cite(rb.application.cite)

    out.heading("Kriterier", "Criteria")
    for name, criteria in rb.criteria.lists():
        _criteria(out, name, criteria)

    out.heading("Beslutskedja", "Decision chain")
    for number, stage in enumerate(rb.decision_chain, start=1):
        role = rb.role_name(stage.role, lang)
        deadline = t(f", inom {stage.deadline_days} dagar", f", within {stage.deadline_days} days")
        out.line(
            f"{number}. {t(stage.name_sv, stage.name_en)} – {role}"
            + (deadline if stage.deadline_days else "")
        )
        for guard in stage.guards:
            sv, en = GUARDS[guard]
            out.line(f"✓ {t(sv, en)}", 3)

    described = [(code, text) for code, text in rb.roles.items() if text.text_sv or text.text_en]
    if described:
        out.heading("Roller", "Roles")
        for code, text in described:
            out.line(f"{rb.role_name(code, lang)}: {t(text.text_sv, text.text_en)}")
            out.cite(text.cite, 2)

    if rb.evaluation is not None:
        out.heading("Uppföljning och utvärdering", "Follow-up and evaluation")
        out.line(t(rb.evaluation.text_sv, rb.evaluation.text_en))
        out.cite(rb.evaluation.cite)
    return "\n".join(out.lines) + "\n"


def render_result(result: EligibilityResult, rulebook: Rulebook, lang: str = "sv") -> str:
    """An eligibility result as text, one finding per line.

    >>> from satsa.rules import check_eligibility, get_preset
    >>> rb = get_preset("gavleborg-2018")
    >>> print(render_result(check_eligibility(rb, {"co_financing_share": 0.4}), rb, "en"))
    ... # doctest: +ELLIPSIS
    Rulebook: gavleborg-2018 (Region Gävleborg)
    Eligible: no
    ...
      FAILS   co_financing: The co-financing is 40% but the rulebook requires at least 50%.
    ...
    """
    out = _Out(lang)
    t = out.t
    out.lines.append(
        t("Regelbok: ", "Rulebook: ") + f"{rulebook.id} ({rulebook.organisation_name})"
    )
    verdict = t("ja", "yes") if result.eligible else t("nej", "no")
    out.lines.append(t("Behörig: ", "Eligible: ") + verdict)
    column = 1 if lang == "en" else 0
    width = max(len(labels[column]) for labels in _STATUS.values())
    for finding in result.findings:
        label = _STATUS[finding.status][column]
        message = t(finding.message_sv, finding.message_en)
        out.line(f"{label:<{width}}  {finding.rule}: {message}")
    return "\n".join(out.lines)
