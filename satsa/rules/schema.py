"""The rulebook schema: one organisation's guideline (*riktlinje*) as validated data.

Every parameter of DOMAIN.md §4 has a field here; presets in ``presets/*.toml`` fill them
in for Örebro, Uppsala and Region Gävleborg. Models are frozen pydantic models that
forbid unknown keys, so a typo in a TOML file is an error rather than a silently
ignored rule. Role and party-type codes are the same strings the Django side uses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from satsa.rules.problems import CrossCheckError, Loc, Problem

__all__ = [
    "GUARDS",
    "PARTY_TYPES",
    "PARTY_TYPE_NAMES",
    "ROLES",
    "ROLE_NAMES",
    "ApplicantRule",
    "ApplicationRule",
    "ApprovalRule",
    "Attachment",
    "CoFinancingRule",
    "ConsortiumClause",
    "ConsortiumRule",
    "Criteria",
    "CriteriaList",
    "Criterion",
    "DurationRule",
    "EvaluationRule",
    "GrantLimit",
    "GuardCode",
    "IdeaStage",
    "IntakeRound",
    "IntakeRule",
    "MonthDay",
    "PartyType",
    "PaymentRule",
    "ProjectLeaderRule",
    "RepaymentRule",
    "ReportingPeriod",
    "ReportingRule",
    "Role",
    "Rulebook",
    "ScoreScale",
    "Section",
    "Source",
    "Stage",
    "split_citation",
]

Role = Literal[
    "coordinator",
    "economist",
    "preparation_group",
    "management_group",
    "steering_group",
    "decision_recorder",
    "department_head",
    "project_leader",
    "applicant",
    "board_secretary",
    "finance_officer",
    "viewer",
]
#: Role codes, shared with ``satsa.orgs.roles.Role`` on the Django side.
ROLES: tuple[str, ...] = get_args(Role)

#: Display names of the roles (Swedish, English), for texts made outside Django.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "coordinator": ("Processledare", "Fund coordinator"),
    "economist": ("Ekonom/utvärderare", "Economist/evaluator"),
    "preparation_group": ("Beredningsgrupp", "Preparation group"),
    "management_group": ("Ledningsgrupp", "Management group"),
    "steering_group": ("Styrgrupp", "Steering group"),
    "decision_recorder": ("Beslutsregistrator (KS-sekreterare)", "Decision recorder"),
    "department_head": ("Förvaltningschef", "Department head"),
    "project_leader": ("Projektledare", "Project leader"),
    "applicant": ("Sökande", "Applicant"),
    "board_secretary": ("Nämndsekreterare", "Board secretary"),
    "finance_officer": ("Ekonomihandläggare", "Finance officer"),
    "viewer": ("Läsbehörighet", "Viewer"),
}

PartyType = Literal[
    "board",
    "civil_society",
    "municipal_company",
    "other_public",
    "company",
    "contracted_operator",
]
#: Kinds of party in a case. ``board`` is one of the organisation's own boards
#: (nämnder/verksamheter); the rest match ``ExternalParty.Kind`` on the Django side, plus
#: ``contracted_operator`` (an operator under contract with the region or a
#: municipality, which Region Gävleborg names among those who may apply).
PARTY_TYPES: tuple[str, ...] = get_args(PartyType)

#: Display names of the party types (Swedish, English).
PARTY_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "board": ("nämnd", "board"),
    "civil_society": ("aktör från civilsamhället", "civil-society actor"),
    "municipal_company": ("kommunalt bolag", "municipal company"),
    "other_public": ("annan offentlig aktör", "other public actor"),
    "company": ("vinstdrivande företag", "profit-making company"),
    "contracted_operator": ("verksamhet med avtal", "contracted operator"),
}

GuardCode = Literal[
    "idea_criteria_checked",
    "idea_answered",
    "boards_informed",
    "boards_back_idea",
    "application_complete",
    "eligibility_holds",
    "basic_criteria_met",
    "first_meeting_held",
    "economic_calculation_checked",
    "evaluation_schema_attached",
    "assessment_points_scored",
    "comments_considered",
    "department_heads_signed",
    "partner_managers_signed",
    "prioritised",
    "within_yearly_grant_limit",
    "submitted_before_deadline",
    "decision_recorded",
    "payment_plan_approved",
    "repayment_plan_approved",
]

#: What each guard code means, in Swedish and English. The Django side decides whether a
#: guard holds for a case; the rulebook only says which guards a stage needs.
GUARDS: dict[str, tuple[str, str]] = {
    "idea_criteria_checked": (
        "Idén är prövad mot kriterierna för idéprövning.",
        "The idea has been checked against the idea criteria.",
    ),
    "idea_answered": (
        "De sökande har fått svar på sin idébeskrivning.",
        "The applicants have had an answer to their idea description.",
    ),
    "boards_informed": (
        "Berörda nämnder har informerats och fått lämna synpunkter.",
        "The boards concerned have been informed and could comment.",
    ),
    "boards_back_idea": (
        "Berörda nämnder ställer sig bakom idén.",
        "The boards concerned back the idea.",
    ),
    "application_complete": (
        "Ansökan är komplett med alla obligatoriska avsnitt och bilagor.",
        "The application is complete with every required section and attachment.",
    ),
    "eligibility_holds": (
        "Ingen regel i behörighetsprövningen är underkänd.",
        "No rule of the eligibility check fails.",
    ),
    "basic_criteria_met": (
        "Alla grundkriterier är uppfyllda.",
        "Every basic criterion holds.",
    ),
    "first_meeting_held": (
        "Ett första möte om ansökans reella förutsättningar har hållits.",
        "A first meeting on the application's real prospects has been held.",
    ),
    "economic_calculation_checked": (
        "Den ekonomiska kalkylen är granskad av utvärderingsteamet.",
        "The economic calculation has been checked by the evaluation team.",
    ),
    "evaluation_schema_attached": (
        "Utvärderingsschemat är klart, med basvärde för varje mått.",
        "The evaluation schema is complete, with a baseline for every measure.",
    ),
    "assessment_points_scored": (
        "Ansökan är bedömd mot bedömningspunkterna.",
        "The application has been assessed against the assessment points.",
    ),
    "comments_considered": (
        "Nämndernas synpunkter är beaktade.",
        "The boards' comments have been considered.",
    ),
    "department_heads_signed": (
        "Alla berörda förvaltningschefer har undertecknat ansökan.",
        "Every department head concerned has signed the application.",
    ),
    "partner_managers_signed": (
        "Cheferna för medverkande civilsamhällesaktörer och andra offentliga aktörer har "
        "undertecknat ansökan.",
        "The managers of taking-part civil-society and other public actors have signed "
        "the application.",
    ),
    "prioritised": (
        "Ansökan är prioriterad mot andra ansökningar när medel eller kapacitet inte räcker.",
        "The application has been prioritised against others where money or capacity is short.",
    ),
    "within_yearly_grant_limit": (
        "Beviljandet ryms inom högsta antalet nya satsningar per år.",
        "The grant fits within the maximum number of new grants per year.",
    ),
    "submitted_before_deadline": (
        "Ansökan kom in före ansökningsomgångens sista dag.",
        "The application arrived before the round's deadline.",
    ),
    "decision_recorded": (
        "Beslutet är protokollfört.",
        "The decision has been minuted.",
    ),
    "payment_plan_approved": (
        "Utbetalningsplanen är godkänd av styrgruppen.",
        "The payment plan has been approved by the steering group.",
    ),
    "repayment_plan_approved": (
        "Återbetalningsplanen är godkänd av styrgruppen.",
        "The repayment plan has been approved by the steering group.",
    ),
}

# Identifiers of list items (criteria, sections, stages …) stay stable across versions so
# that scores and diffs can refer to them.
ItemId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
RulebookId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=50)]
Text = Annotated[str, Field(min_length=1)]
Share = Annotated[float, Field(ge=0, le=1)]
Years = Annotated[float, Field(ge=0, le=100)]
# "source-id: section words", e.g. "riktlinjer-2020: Vem kan ansöka?"; several are
# joined with "; ".
Citation = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*: \S.*$")]
_NEXT_CITATION = re.compile(r";\s+(?=[a-z][a-z0-9-]*: )")


def split_citation(cite: str) -> list[tuple[str, str]]:
    """A ``cite`` value as (source id, section words) pairs.

    >>> split_citation("riktlinjer-2020: Steg 3 – Ansökan; Genomförande; temarapport-2018: Ekonomi")
    [('riktlinjer-2020', 'Steg 3 – Ansökan; Genomförande'), ('temarapport-2018', 'Ekonomi')]
    """
    pairs = []
    for part in _NEXT_CITATION.split(cite):
        source, _, where = part.partition(":")
        pairs.append((source.strip(), where.strip()))
    return pairs


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _unique_ids(items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} occurs more than once")
        seen.add(item.id)


class Source(_Model):
    """A document the rulebook encodes; rules cite it as ``"<id>: <section words>"``."""

    id: RulebookId
    title: Text
    publisher: Text
    date: dt.date | None = None
    seed: str | None = Field(None, description="file name under shared/seeds/")
    url: str | None = None


class MonthDay(_Model):
    """A recurring day of the year, e.g. 30 November."""

    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]

    @model_validator(mode="after")
    def _real_day(self) -> MonthDay:
        # 2000 is a leap year, so 29 February is accepted.
        try:
            dt.date(2000, self.month, self.day)
        except ValueError:
            raise ValueError(f"{self.day}/{self.month} is not a day of the year") from None
        return self

    def in_year(self, year: int) -> dt.date:
        """The date in ``year`` (29 February falls back to the 28th in common years).

        >>> MonthDay(month=11, day=30).in_year(2018)
        datetime.date(2018, 11, 30)
        """
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return dt.date(year, self.month, self.day - 1)


class ApplicantRule(_Model):
    """Who may apply or take part, and which kinds of party are refused outright."""

    allowed: Annotated[list[PartyType], Field(min_length=1)]
    excluded: list[PartyType] = []
    # A party whose type is in neither list: "review" leaves it to the coordinator.
    other: Literal["review", "fails"] = "review"
    # Types that may take part only together with at least one of the organisation's boards.
    requires_board: list[PartyType] = []
    civil_society_forms: list[str] = [
        "forening",
        "stiftelse",
        "kooperativ",
        "valgorenhetsorganisation",
    ]
    # A municipal company counts only when the municipality owns strictly more than this
    # share (0.5 = majority-owned); None accepts any municipal company.
    municipal_company_ownership_above: Share | None = None
    text_sv: Text
    text_en: Text
    cite: Citation | None = None

    @model_validator(mode="after")
    def _disjoint(self) -> ApplicantRule:
        both = sorted(set(self.allowed) & set(self.excluded))
        if both:
            raise ValueError(f"party types both allowed and excluded: {', '.join(both)}")
        return self


class ConsortiumClause(_Model):
    """One way to satisfy the consortium rule; every minimum in it must be met."""

    id: ItemId
    text_sv: Text
    text_en: Text
    min_boards: Annotated[int, Field(ge=0)] = 0
    # Count boards by distinct area of operation rather than one by one.
    boards_from_distinct_areas: bool = False
    min_civil_society: Annotated[int, Field(ge=0)] = 0
    # Distinct taking-part organisations of any allowed type.
    min_organisations: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _some_minimum(self) -> ConsortiumClause:
        if not (self.min_boards or self.min_civil_society or self.min_organisations):
            raise ValueError("a consortium clause needs at least one minimum above 0")
        return self


class ConsortiumRule(_Model):
    """Who must take part together: the rule holds when any one clause holds."""

    any_of: Annotated[list[ConsortiumClause], Field(min_length=1)]
    signatures: Literal["none", "department_heads", "department_heads_and_partner_managers"] = (
        "department_heads"
    )
    text_sv: Text
    text_en: Text
    cite: Citation | None = None

    @field_validator("any_of")
    @classmethod
    def _ids(cls, value: list[ConsortiumClause]) -> list[ConsortiumClause]:
        _unique_ids(value, "consortium clause")
        return value


class DurationRule(_Model):
    """How long an intervention may run, in years."""

    min_years: Years | None = None
    max_years: Years | None = None
    typical_years: Years | None = None
    must_be_stated: bool = False
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None

    @model_validator(mode="after")
    def _order(self) -> DurationRule:
        if (
            self.min_years is not None
            and self.max_years is not None
            and self.min_years > self.max_years
        ):
            raise ValueError(
                f"min_years ({self.min_years:g}) is greater than max_years ({self.max_years:g})"
            )
        return self


class CoFinancingRule(_Model):
    """The least share of the total cost the applicants must finance themselves."""

    min_share: Share | None = None
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class IntakeRound(_Model):
    """One application round with a fixed deadline; the id is often the year, e.g. "2018"."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
    name_sv: Text
    name_en: Text
    opens: dt.date | None = None
    deadline: dt.date

    @model_validator(mode="after")
    def _order(self) -> IntakeRound:
        if self.opens is not None and self.opens > self.deadline:
            raise ValueError(f"round {self.id!r} opens after its deadline")
        return self


class IntakeRule(_Model):
    """Continuous intake, or rounds with deadlines (a yearly one and/or dated rounds)."""

    mode: Literal["continuous", "rounds"]
    yearly_deadline: MonthDay | None = None
    rounds: list[IntakeRound] = []
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IntakeRule:
        if self.mode == "rounds" and self.yearly_deadline is None and not self.rounds:
            raise ValueError("intake by rounds needs a yearly_deadline or at least one round")
        if self.mode == "continuous" and (self.yearly_deadline is not None or self.rounds):
            raise ValueError("continuous intake has no deadlines; use mode = 'rounds'")
        _unique_ids(self.rounds, "round")
        return self

    def round_for(self, day: dt.date) -> str | None:
        """The round an application handed in on ``day`` belongs to: the listed round open
        then, else the first listed one still ahead, else the year whose yearly deadline is
        the next; with listed rounds only and all of them past, the last one (so that a
        late application is refused, not waved through). None for continuous intake.

        >>> rule = IntakeRule(mode="rounds", yearly_deadline=MonthDay(month=11, day=30))
        >>> rule.round_for(dt.date(2027, 10, 1)), rule.round_for(dt.date(2027, 12, 3))
        ('2027', '2028')
        """
        if self.mode == "continuous":
            return None
        ahead = sorted((r for r in self.rounds if r.deadline >= day), key=lambda r: r.deadline)
        for rnd in ahead:
            if rnd.opens is None or rnd.opens <= day:
                return rnd.id
        if self.yearly_deadline is not None:
            deadline = self.yearly_deadline.in_year(day.year)
            return str(day.year if day <= deadline else day.year + 1)
        if ahead:
            return ahead[0].id
        return max(self.rounds, key=lambda r: r.deadline).id if self.rounds else None

    def deadline_for(self, round_id: str) -> dt.date | None:
        """The deadline of round ``round_id``: a listed round, or a year of the yearly deadline.

        >>> rule = IntakeRule(mode="rounds", yearly_deadline=MonthDay(month=11, day=30))
        >>> rule.deadline_for("2018")
        datetime.date(2018, 11, 30)
        >>> rule.deadline_for("spring") is None
        True
        """
        for rnd in self.rounds:
            if rnd.id == round_id:
                return rnd.deadline
        if self.yearly_deadline is not None and round_id.isdigit() and len(round_id) == 4:
            return self.yearly_deadline.in_year(int(round_id))
        return None


class GrantLimit(_Model):
    """The most new interventions the fund takes on per calendar year."""

    max_new_per_year: Annotated[int, Field(ge=1)] | None = None
    # True when the guideline does not restate the limit and the value is carried over as
    # an editable default.
    assumed: bool = False
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class ReportingPeriod(_Model):
    """A reporting point in the year, e.g. delår 2 at 31 August."""

    code: ItemId
    name_sv: Text
    name_en: Text
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]

    @model_validator(mode="after")
    def _real_day(self) -> ReportingPeriod:
        MonthDay(month=self.month, day=self.day)
        return self

    def in_year(self, year: int) -> dt.date:
        """The reporting date in ``year``.

        >>> ReportingPeriod(code="helar", name_sv="Helår", name_en="Full year",
        ...                 month=12, day=31).in_year(2026)
        datetime.date(2026, 12, 31)
        """
        return MonthDay(month=self.month, day=self.day).in_year(year)


class ReportingRule(_Model):
    """When the project reports during implementation (and, usually, is paid)."""

    periods: list[ReportingPeriod] = []
    contents_sv: str = ""
    contents_en: str = ""
    cite: Citation | None = None

    @field_validator("periods")
    @classmethod
    def _ordered(cls, value: list[ReportingPeriod]) -> list[ReportingPeriod]:
        codes = [p.code for p in value]
        if len(set(codes)) != len(codes):
            raise ValueError("reporting period codes must be unique")
        days = [(p.month, p.day) for p in value]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError("reporting periods must be in calendar order, one per day")
        return value

    @property
    def per_year(self) -> int:
        """The number of reports a year."""
        return len(self.periods)


class PaymentRule(_Model):
    """How granted money is paid out."""

    in_arrears: bool
    basis: Literal["actual_costs", "plan"] = "actual_costs"
    at_reporting_periods: bool = True
    payment_plan_required: bool = False
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class ApprovalRule(_Model):
    """The economic rule a grant rests on."""

    # savings_cover_cost: expected savings >= cost, counted within the horizon.
    # judgement: the guideline states an aim that reviewers weigh (no formula).
    rule: Literal["savings_cover_cost", "judgement"]
    horizon_years_after_end: Annotated[int, Field(ge=0, le=100)] | None = None
    basis: Literal["nominal", "discounted"] = "nominal"
    # Real discount rate for the discounted figures (ECONOMICS.md §1). The approval rule
    # uses it only when basis = "discounted"; otherwise the figures are shown beside it.
    discount_rate: Annotated[float, Field(ge=0, le=0.5)] = 0.0
    # Whose savings the rule counts (ECONOMICS.md §2, Perspectives): the fund's own
    # organisation unless the guideline names more; the others are shown beside it.
    perspectives: Annotated[
        list[Literal["organisation", "other_public", "individual", "society"]],
        Field(min_length=1),
    ] = ["organisation"]
    # Whether savings that arise while the project runs count towards the rule.
    project_savings: bool = True
    # The decision rests on a computed calculation: a grant without one is refused
    # unless an exemption from the approval rule is recorded with its reason.
    calculation_required: bool = False
    text_sv: Text
    text_en: Text
    cite: Citation | None = None

    @model_validator(mode="after")
    def _rate(self) -> ApprovalRule:
        if self.basis == "discounted" and self.discount_rate <= 0:
            raise ValueError("a discounted approval rule needs a discount_rate above 0")
        return self


class RepaymentRule(_Model):
    """The repayment model (återföring), DOMAIN.md §6 and ECONOMICS.md §3.

    With total cost C and realised savings S the amount due is
    ``max(floor_share·C, min(C, S)) + fee_share·C``; a floor of 1.0 means the whole
    cost is repaid whatever the savings (no risk sharing).
    """

    model: Literal["off", "to_fund", "budget_frame"]
    floor_share: Share = 0.0
    fee_share: Share = 0.0
    plan_required: bool = False
    shared_by: Literal["plan", "realised_savings"] = "plan"
    # Which projects the model applies to, by the project's START date (Örebro 2020: the
    # model was applied to interventions started before 2019 and is not applied to those
    # starting from 2020). A start between the two dates is the guideline's gap: the
    # coordinator decides, and the choice is recorded. None: no limit on that side.
    applies_to_starts_before: dt.date | None = None
    not_for_starts_from: dt.date | None = None
    starts_cite: Citation | None = None
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None

    def applicability(self, start: dt.date | None) -> Literal["yes", "no", "choice", "unknown"]:
        """Whether the model applies to a project starting on ``start``.

        >>> rule = RepaymentRule(model="to_fund", applies_to_starts_before=dt.date(2019, 1, 1),
        ...                      not_for_starts_from=dt.date(2020, 1, 1))
        >>> [rule.applicability(dt.date(y, 6, 1)) for y in (2018, 2019, 2020)]
        ['yes', 'choice', 'no']
        >>> rule.applicability(None), RepaymentRule(model="off").applicability(None)
        ('unknown', 'no')
        """
        if self.model == "off":
            return "no"
        limited = self.applies_to_starts_before is not None or self.not_for_starts_from is not None
        if not limited:
            return "yes"
        if start is None:
            return "unknown"
        if self.not_for_starts_from is not None and start >= self.not_for_starts_from:
            return "no"
        if self.applies_to_starts_before is None or start < self.applies_to_starts_before:
            return "yes"
        return "choice"

    @model_validator(mode="after")
    def _off_means_off(self) -> RepaymentRule:
        if self.model == "off" and (self.floor_share or self.fee_share or self.plan_required):
            raise ValueError(
                "repayment model 'off' takes no floor_share, fee_share or plan_required"
            )
        return self


class ProjectLeaderRule(_Model):
    """Staffing rules for the project leader."""

    min_post_share: Share
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class Section(_Model):
    """A part of a form (idea description or application) the applicants fill in."""

    id: ItemId
    title_sv: Text
    title_en: Text
    guidance_sv: str = ""
    guidance_en: str = ""
    required: bool = True
    cite: Citation | None = None


class RoleText(_Model):
    """A role as an organisation names and describes it."""

    name_sv: Text
    name_en: Text
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class Attachment(_Model):
    """A document that goes with the application.

    ``built_in`` names the part of Satsa that holds it instead of a file: the economic
    calculation built in the calculation editor, or the evaluation schema (with its
    baselines) built in follow-up. Such an attachment is not uploaded; the application
    links to it, and it is there when the built part is."""

    id: ItemId
    title_sv: Text
    title_en: Text
    guidance_sv: str = ""
    guidance_en: str = ""
    required: bool = True
    cite: Citation | None = None
    built_in: Literal["calculation", "evaluation_schema"] | None = None


class IdeaStage(_Model):
    """The idea test (idéprövning / idébeskrivning) before a full application."""

    answer_within_days: Annotated[int, Field(ge=1)] | None = None
    sections: list[Section] = []
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None

    @field_validator("sections")
    @classmethod
    def _ids(cls, value: list[Section]) -> list[Section]:
        _unique_ids(value, "section")
        return value


class ApplicationRule(_Model):
    """What a complete application contains."""

    sections: list[Section] = []
    attachments: list[Attachment] = []
    cite: Citation | None = None

    @model_validator(mode="after")
    def _ids(self) -> ApplicationRule:
        _unique_ids([*self.sections, *self.attachments], "section/attachment")
        return self


class ScoreScale(_Model):
    """The scale reviewers score a criterion on, e.g. 1–5."""

    min: int
    max: int
    labels_sv: dict[str, str] = {}
    labels_en: dict[str, str] = {}

    @model_validator(mode="after")
    def _order(self) -> ScoreScale:
        if self.min >= self.max:
            raise ValueError(f"scale min ({self.min}) must be below max ({self.max})")
        return self


class Criterion(_Model):
    """One criterion, ticked or scored by reviewers."""

    id: ItemId
    text_sv: Text
    text_en: str = ""
    guidance_sv: str = ""
    weight: Annotated[float, Field(gt=0)] | None = None
    cite: Citation | None = None


class CriteriaList(_Model):
    """A list of criteria and how reviewers use it."""

    title_sv: Text
    title_en: Text
    # tick: each item is answered yes/no; all_must_hold: every item must be ticked yes;
    # score: each item is scored on ``scale`` (weighted or not) to rank applications.
    use: Literal["tick", "all_must_hold", "score"]
    weighted: bool = False
    scale: ScoreScale | None = None
    question_sv: str = ""
    question_en: str = ""
    items: Annotated[list[Criterion], Field(min_length=1)]
    cite: Citation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CriteriaList:
        _unique_ids(self.items, "criterion")
        if self.use == "score" and self.scale is None:
            raise ValueError("criteria that are scored need a scale")
        if self.weighted and self.use != "score":
            raise ValueError("only scored criteria can be weighted")
        for item in self.items:
            if self.weighted and item.weight is None:
                raise ValueError(f"weighted criteria: {item.id!r} has no weight")
            if not self.weighted and item.weight is not None:
                raise ValueError(f"unweighted criteria: {item.id!r} must not have a weight")
        return self


class Criteria(_Model):
    """The criteria lists of the guideline; a list the guideline lacks is left out."""

    idea: CriteriaList | None = None
    basic: CriteriaList | None = None
    selection: CriteriaList | None = None
    assessment: CriteriaList | None = None
    # Conditions that must go on holding during implementation (else consider termination).
    continuation: CriteriaList | None = None

    def lists(self) -> Iterator[tuple[str, CriteriaList]]:
        """The lists present, as (name, list), in a fixed order."""
        for name in ("idea", "basic", "selection", "assessment", "continuation"):
            value = getattr(self, name)
            if value is not None:
                yield name, value


class Stage(_Model):
    """One step of the decision chain; its guards must hold before the case moves on."""

    id: ItemId
    name_sv: Text
    name_en: Text
    role: Role
    guards: list[GuardCode] = []
    deadline_days: Annotated[int, Field(ge=1)] | None = None
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None

    @field_validator("guards")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a guard is listed more than once")
        return value


class EvaluationRule(_Model):
    """How interventions are followed up and evaluated."""

    baseline_required: bool = True
    control_group: Literal["required", "where_possible", "not_required"] = "where_possible"
    yearly: bool = False
    at_end: bool = True
    follow_up_years_after_end: tuple[int, int] | None = None
    fidelity_check: bool = False
    portfolio_yearly: bool = False
    text_sv: str = ""
    text_en: str = ""
    cite: Citation | None = None


class Rulebook(_Model):
    """One version of one organisation's guideline.

    Examples
    --------
    >>> from satsa.rules import get_preset
    >>> rb = get_preset("orebro-2020")
    >>> rb.organisation, rb.duration.min_years, rb.duration.max_years
    ('orebro', 2.0, 4.0)
    >>> [p.code for p in rb.reporting.periods]
    ['delar2', 'helar']
    >>> rb.repayment.model
    'off'
    >>> [s.role for s in rb.decision_chain][-1]
    'decision_recorder'
    """

    id: RulebookId
    organisation: Slug
    organisation_name: Text
    title: Text
    version: Annotated[int, Field(ge=1)]
    valid_from: dt.date
    valid_until: dt.date | None = None
    supersedes: RulebookId | None = None
    summary_sv: str = ""
    summary_en: str = ""
    sources: Annotated[list[Source], Field(min_length=1)]

    applicants: ApplicantRule
    consortium: ConsortiumRule
    duration: DurationRule = DurationRule()
    co_financing: CoFinancingRule = CoFinancingRule()
    intake: IntakeRule = IntakeRule(mode="continuous")
    grants: GrantLimit = GrantLimit()
    reporting: ReportingRule = ReportingRule()
    payment: PaymentRule | None = None
    approval: ApprovalRule
    repayment: RepaymentRule = RepaymentRule(model="off")
    project_leader: ProjectLeaderRule | None = None
    idea: IdeaStage = IdeaStage()
    application: ApplicationRule = ApplicationRule()
    criteria: Criteria = Criteria()
    decision_chain: Annotated[list[Stage], Field(min_length=1)]
    evaluation: EvaluationRule | None = None
    # What a role is called in this organisation and who holds it (e.g. Örebro's political
    # steering group, Uppsala's steering group of officials); the general name otherwise.
    roles: dict[Role, RoleText] = {}

    @model_validator(mode="after")
    def _cross_checks(self) -> Rulebook:
        problems = _cross_check(self)
        if problems:
            raise CrossCheckError(problems)
        return self

    def role_name(self, role: str, lang: str = "sv") -> str:
        """The role's name under this rulebook.

        >>> from satsa.rules import get_preset
        >>> get_preset("uppsala-2016").role_name("steering_group")
        'Styrgrupp (tjänstepersoner)'
        >>> get_preset("orebro-2020").role_name("steering_group")
        'Politisk styrgrupp'
        """
        own = self.roles.get(role)  # type: ignore[call-overload]
        if own is not None:
            return str(own.name_en if lang == "en" else own.name_sv)
        sv, en = ROLE_NAMES[role]
        return en if lang == "en" else sv

    def stage(self, stage_id: str) -> Stage:
        """The decision-chain stage ``stage_id`` (KeyError if there is none)."""
        for stage in self.decision_chain:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def next_stage(self, stage_id: str) -> Stage | None:
        """The stage after ``stage_id``, or None after the last one.

        >>> from satsa.rules import get_preset
        >>> get_preset("uppsala-2016").next_stage("idea_description").id
        'application'
        """
        ids = [s.id for s in self.decision_chain]
        index = ids.index(self.stage(stage_id).id)
        return self.decision_chain[index + 1] if index + 1 < len(ids) else None

    def source(self, source_id: str) -> Source:
        """The source document ``source_id`` (KeyError if it is not listed)."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


def _citations(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, str]]:
    for name in type(model).model_fields:
        value: Any = getattr(model, name)
        if name == "cite" and isinstance(value, str):
            yield (*loc, name), value
        elif isinstance(value, BaseModel):
            yield from _citations(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _citations(item, (*loc, name, index))


def _cross_check(rulebook: Rulebook) -> list[Problem]:
    """Checks between parts: citations name listed sources, guards fit the rules, …"""
    problems: list[Problem] = []

    def add(loc: Loc, message: str) -> None:
        problems.append(Problem(loc, message))

    source_ids = [s.id for s in rulebook.sources]
    for index, source_id in enumerate(source_ids):
        if source_ids.index(source_id) != index:
            add(("sources", index, "id"), f"source id {source_id!r} occurs more than once")
    for loc, cite in _citations(rulebook, ()):
        for source_id, _where in split_citation(cite):
            if source_id not in source_ids:
                known = ", ".join(source_ids)
                add(loc, f"cites {source_id!r}, which is not among the sources ({known})")

    if rulebook.valid_until is not None and rulebook.valid_until <= rulebook.valid_from:
        add(("valid_until",), "valid_until must come after valid_from")
    if rulebook.supersedes == rulebook.id:
        add(("supersedes",), "a rulebook cannot supersede itself")

    applicants = rulebook.applicants
    for index, kind in enumerate(applicants.requires_board):
        if kind not in applicants.allowed:
            add(("applicants", "requires_board", index), f"{kind!r} is not an allowed type")
    for index, clause in enumerate(rulebook.consortium.any_of):
        if clause.min_civil_society and "civil_society" not in applicants.allowed:
            add(
                ("consortium", "any_of", index, "min_civil_society"),
                "needs civil society, which applicants.allowed does not include",
            )
        if clause.min_boards and "board" not in applicants.allowed:
            add(
                ("consortium", "any_of", index, "min_boards"),
                "needs boards, which applicants.allowed does not include",
            )

    stage_ids = [s.id for s in rulebook.decision_chain]
    for index, stage in enumerate(rulebook.decision_chain):
        if stage_ids.index(stage.id) != index:
            add(("decision_chain", index, "id"), f"stage id {stage.id!r} occurs more than once")
        for g, guard in enumerate(stage.guards):
            reason = _guard_mismatch(rulebook, guard)
            if reason:
                add(("decision_chain", index, "guards", g), f"guard {guard!r}: {reason}")
    return problems


def _guard_mismatch(rulebook: Rulebook, guard: str) -> str | None:
    if guard == "within_yearly_grant_limit" and rulebook.grants.max_new_per_year is None:
        return "the rulebook sets no grants.max_new_per_year"
    if guard == "submitted_before_deadline" and rulebook.intake.mode != "rounds":
        return "intake is continuous, so there is no deadline"
    if guard == "repayment_plan_approved" and rulebook.repayment.model == "off":
        return "the repayment model is off"
    if guard == "payment_plan_approved" and not (
        rulebook.payment and rulebook.payment.payment_plan_required
    ):
        return "payment.payment_plan_required is not set"
    if guard == "idea_criteria_checked" and rulebook.criteria.idea is None:
        return "the rulebook has no criteria.idea"
    if guard == "basic_criteria_met" and rulebook.criteria.basic is None:
        return "the rulebook has no criteria.basic"
    if guard == "assessment_points_scored" and rulebook.criteria.assessment is None:
        return "the rulebook has no criteria.assessment"
    return None
