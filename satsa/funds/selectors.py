"""Reading the fund's money: positions at a date, per-case figures, payment and repayment
plans, forecasts.

Every figure is a named sum over the journal (``Coalesce(Sum(...), 0)``), so the
position at any past date is the same query with ``booked_on <= date``. A reversal counts
in the figure of what it reverses (a reversed deposit lowers ``deposited``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from satsa.calculations.models import Calculation
from satsa.cases.models import Case
from satsa.funds.models import (
    Account,
    Claim,
    Entry,
    Kind,
    PaymentPlan,
    PaymentPlanLine,
    PlanApproval,
    RepaymentLine,
    RepaymentPlan,
    Transaction,
)
from satsa.orgs.models import Organisation

ZERO = Decimal("0.00")
ORE = Decimal("0.01")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def money(value: Any) -> Decimal:
    """An amount in öre precision (half up), from a Decimal, int or numeric string."""
    return Decimal(str(value)).quantize(ORE, rounding=ROUND_HALF_UP)


def counts_as(kind: str) -> Q:
    """Entries of transactions of ``kind`` and of the reversals of such transactions."""
    return Q(transaction__kind=kind) | Q(
        transaction__kind=Kind.REVERSAL, transaction__reverses__kind=kind
    )


def total(filter_q: Q) -> Sum | Coalesce:
    return Coalesce(Sum("amount", filter=filter_q), Value(ZERO), output_field=_MONEY)


def sums_of(queryset: QuerySet[Any], **named: Any) -> dict[str, Decimal]:
    """Named sums, each in öre. SQLite adds decimals as binary floats, so the sums are
    rounded back to öre here; PostgreSQL's numeric sums are exact already."""
    return {name: money(value) for name, value in queryset.aggregate(**named).items()}


def entries_of(organisation: Organisation, on: dt.date | None = None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(transaction__organisation=organisation)
    if on is not None:
        entries = entries.filter(transaction__booked_on__lte=on)
    return entries


@dataclass(frozen=True)
class FundPosition:
    """The fund at the end of ``on``. All amounts are Decimal kronor in öre.

    ``free = deposited − withdrawn − committed + released + repaid`` (what may still be
    granted); ``capital = free + outstanding + payable + fee_reserve`` equals
    ``deposited − withdrawn − paid + repaid + fees`` (the reservation's book value).
    """

    on: dt.date
    deposited: Decimal
    withdrawn: Decimal
    committed: Decimal
    released: Decimal
    # Claims submitted but not yet approved (not booked; shown for information).
    claimed: Decimal
    approved: Decimal
    paid: Decimal
    repaid: Decimal
    fees: Decimal
    free: Decimal
    # Committed to cases and not yet approved for payment.
    outstanding: Decimal
    # Approved claims not yet paid.
    payable: Decimal
    fee_reserve: Decimal
    capital: Decimal

    def as_strings(self) -> dict[str, str]:
        return {
            name: value.isoformat() if isinstance(value, dt.date) else f"{value:.2f}"
            for name, value in self.__dict__.items()
        }


def fund_position(*, organisation: Organisation, on: dt.date | None = None) -> FundPosition:
    """The fund's position at the end of ``on`` (today when None)."""
    on = on or timezone.localdate()
    sums = sums_of(
        entries_of(organisation, on),
        deposited=total(Q(account=Account.FREE) & counts_as(Kind.DEPOSIT)),
        withdrawn=total(Q(account=Account.FREE) & counts_as(Kind.WITHDRAWAL)),
        committed=total(Q(account=Account.FREE) & counts_as(Kind.COMMITMENT)),
        released=total(Q(account=Account.FREE) & counts_as(Kind.RELEASE)),
        approved=total(Q(account=Account.COMMITTED) & counts_as(Kind.APPROVAL)),
        paid=total(Q(account=Account.TREASURY) & counts_as(Kind.PAYMENT)),
        repaid=total(Q(account=Account.FREE) & counts_as(Kind.REPAYMENT)),
        free=total(Q(account=Account.FREE)),
        outstanding=total(Q(account=Account.COMMITTED)),
        payable=total(Q(account=Account.PAYABLE)),
        fee_reserve=total(Q(account=Account.FEE_RESERVE)),
    )
    pending = Claim.objects.filter(
        organisation=organisation,
        status=Claim.Status.SUBMITTED,
        submitted_at__date__lte=on,
    )
    claimed = money(
        pending.aggregate(s=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY))["s"]
    )
    # Credits are negative in the journal; the position shows each figure as positive.
    free, outstanding = -sums["free"], -sums["outstanding"]
    payable, fee_reserve = -sums["payable"], -sums["fee_reserve"]
    return FundPosition(
        on=on,
        deposited=-sums["deposited"],
        withdrawn=sums["withdrawn"],
        committed=sums["committed"],
        released=-sums["released"],
        claimed=claimed,
        approved=sums["approved"],
        paid=-sums["paid"],
        repaid=-sums["repaid"],
        fees=fee_reserve,
        free=free,
        outstanding=outstanding,
        payable=payable,
        fee_reserve=fee_reserve,
        capital=free + outstanding + payable + fee_reserve,
    )


# --- one case ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseMoney:
    """A case's money: what was granted, claimed, paid, what remains, what comes back."""

    granted: Decimal | None
    committed: Decimal
    released: Decimal
    claimed: Decimal  # submitted, awaiting approval
    approved: Decimal
    paid: Decimal
    outstanding: Decimal  # committed, not yet approved
    payable: Decimal  # approved, not yet paid
    claimable: Decimal  # outstanding less what is already claimed
    repayment_due: Decimal
    fee_due: Decimal
    repaid: Decimal
    fees_received: Decimal
    repayment_left: Decimal


def case_journal(case: Any, on: dt.date | None = None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(case=case)
    if on is not None:
        entries = entries.filter(transaction__booked_on__lte=on)
    return entries


def case_outstanding(case: Any) -> Decimal:
    """Committed to ``case`` and not yet approved for payment (the claimable ceiling)."""
    loaded = getattr(case, "_money", None)
    if loaded is not None:
        return loaded["outstanding"]
    return -sums_of(case_journal(case), s=total(Q(account=Account.COMMITTED)))["s"]


def case_claims_pending(case: Any) -> Decimal:
    return sums_of(
        Claim.objects.filter(case=case, status=Claim.Status.SUBMITTED),
        s=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
    )["s"]


def _case_sums(on: dt.date | None) -> dict[str, Any]:
    return dict(
        committed=total(Q(account=Account.COMMITTED) & counts_as(Kind.COMMITMENT)),
        released=total(Q(account=Account.COMMITTED) & counts_as(Kind.RELEASE)),
        approved=total(Q(account=Account.COMMITTED) & counts_as(Kind.APPROVAL)),
        paid=total(Q(account=Account.TREASURY) & counts_as(Kind.PAYMENT)),
        outstanding=total(Q(account=Account.COMMITTED)),
        payable=total(Q(account=Account.PAYABLE)),
        repaid=total(Q(account=Account.FREE) & counts_as(Kind.REPAYMENT)),
        fees=total(Q(account=Account.FEE_RESERVE) & counts_as(Kind.REPAYMENT)),
    )


def prefetch_money(cases: Iterable[Any], on: dt.date | None = None) -> list[Any]:
    """Load what the money, forecast and repayment figures of ``cases`` read, in a fixed
    number of queries for any number of cases; ``case_money``, ``case_outstanding``,
    ``plan_in_force``, ``payment_plan_in_force`` and ``expected_repayments`` then read it
    from the cases instead of asking the database once per case. Returns the cases."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    if not ids:
        return cases
    by_case: dict[int, dict[str, Decimal]] = defaultdict(dict)
    entries = Entry.objects.filter(case_id__in=ids)
    if on is not None:
        entries = entries.filter(transaction__booked_on__lte=on)
    for row in entries.order_by().values("case_id").annotate(**_case_sums(on)):
        values: dict[str, Any] = dict(row)
        by_case[values.pop("case_id")] = {name: money(v) for name, v in values.items()}
    outstanding = dict(
        Entry.objects.filter(case_id__in=ids)
        .order_by()
        .values("case_id")
        .annotate(s=total(Q(account=Account.COMMITTED)))
        .values_list("case_id", "s")
    )
    pending = dict(
        Claim.objects.filter(case_id__in=ids, status=Claim.Status.SUBMITTED)
        .order_by()
        .values("case_id")
        .annotate(s=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY))
        .values_list("case_id", "s")
    )
    # Only each case's newest plan and its lines (older versions are never read).
    plans: dict[int, RepaymentPlan] = {
        plan.case_id: plan for plan in _plans_in_force(ids).prefetch_related("lines__board")
    }
    payment_plans = payment_plans_in_force(ids)
    repayments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _repayments_received(ids, on):
        repayments[row["case_id"]].append(dict(row))
    empty = {name: ZERO for name in _case_sums(on)}
    for case in cases:
        case._money = {
            "on": on,
            "sums": by_case.get(case.pk, empty),
            "outstanding": -money(outstanding.get(case.pk, ZERO)),
            "claimed": money(pending.get(case.pk, ZERO)),
            "plan": plans.get(case.pk),
            "payment_plan": payment_plans.get(case.pk),
            "repayments": repayments.get(case.pk, []),
        }
    return cases


def _plans_in_force(case_ids: list[int]) -> QuerySet[RepaymentPlan]:
    """:func:`plan_in_force` of many cases: each case's newest repayment plan."""
    return _newest_per_case(
        RepaymentPlan.objects.filter(case_id__in=case_ids), F("created_at").desc(), F("id").desc()
    )


def _repayments_received(case_ids: list[int], on: dt.date | None) -> QuerySet[Entry, Any]:
    """The repayments and fees received for each of the cases, per board and account, as
    rows of ``case_id``, ``board_id``, ``account`` and the sum ``s`` (credits negative)."""
    received = Entry.objects.filter(case_id__in=case_ids).filter(counts_as(Kind.REPAYMENT))
    if on is not None:
        received = received.filter(transaction__booked_on__lte=on)
    return received.order_by().values("case_id", "board_id", "account").annotate(s=total(Q()))


def _newest_per_case(rows: QuerySet[Any], *order: Any) -> QuerySet[Any]:
    """The first of ``rows`` in ``order`` for each case, in one query."""
    return rows.annotate(
        place=Window(RowNumber(), partition_by=[F("case_id")], order_by=list(order))
    ).filter(place=1)


def _prefetched(case: Any, on: dt.date | None = None) -> dict[str, Any] | None:
    """What ``prefetch_money`` loaded for ``case`` (for the same date), or None."""
    loaded = getattr(case, "_money", None)
    if loaded is None or (on is not None and loaded["on"] != on):
        return None
    return loaded


def case_money(case: Any, on: dt.date | None = None) -> CaseMoney:
    loaded = _prefetched(case, on)
    if loaded is not None and loaded["on"] == on:
        sums, claimed, plan = loaded["sums"], loaded["claimed"], loaded["plan"]
    else:
        sums = sums_of(case_journal(case, on), **_case_sums(on))
        claimed = case_claims_pending(case)
        plan = plan_in_force(case)
    due = sum((line.principal for line in plan.lines.all()), ZERO) if plan else ZERO
    fee_due = sum((line.fee for line in plan.lines.all()), ZERO) if plan else ZERO
    repaid, fees = -sums["repaid"], -sums["fees"]
    return CaseMoney(
        granted=case.granted_amount,
        committed=-sums["committed"],
        released=sums["released"],
        claimed=claimed,
        approved=sums["approved"],
        paid=-sums["paid"],
        outstanding=-sums["outstanding"],
        payable=-sums["payable"],
        claimable=-sums["outstanding"] - claimed,
        repayment_due=due,
        fee_due=fee_due,
        repaid=repaid,
        fees_received=fees,
        repayment_left=due + fee_due - repaid - fees,
    )


def case_paid(case: Any) -> Decimal:
    """What the fund has paid out to ``case`` (C in the settlement)."""
    return -sums_of(
        case_journal(case), s=total(Q(account=Account.TREASURY) & counts_as(Kind.PAYMENT))
    )["s"]


def case_transactions(case: Any) -> QuerySet[Transaction]:
    # The case's transactions and those with an entry on the case (a grouped payment),
    # each found through its own index (transaction.case, entry.case); an OR across the
    # join would read the whole country's ledger.
    ids = (
        Transaction.objects.filter(case=case)
        .values("pk")
        .union(Entry.objects.filter(case=case).values("transaction_id"))
    )
    return (
        Transaction.objects.filter(pk__in=ids)
        .select_related("claim", "reverses", "created_by")
        .prefetch_related("entries")
    )


def claims_of(case: Any) -> QuerySet[Claim]:
    return Claim.objects.filter(case=case).prefetch_related("approvals", "transactions")


def open_claims(organisation: Organisation) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(
            organisation=organisation, status__in=[Claim.Status.SUBMITTED, Claim.Status.APPROVED]
        )
        .select_related("case", "submitted_by")
        .prefetch_related("approvals")
    )


def _with_money(organisation: Organisation) -> QuerySet[Case]:
    """Cases with any money in the journal (an EXISTS, not a join made DISTINCT over the
    cases' and calculations' whole rows)."""
    return Case.objects.filter(organisation=organisation).filter(
        Exists(Transaction.objects.filter(case=OuterRef("pk")))
    )


def funded_cases(organisation: Organisation) -> QuerySet[Case]:
    """Cases with any money in the journal, oldest decision first."""
    return (
        _with_money(organisation)
        .select_related("calculation")
        # the forecast reads the calculation's costs, never its (large) engine result
        .defer(
            "calculation__result", "calculation__effect_sources", "calculation__alternative_sources"
        )
        .order_by("decided_on", "title", "pk")
    )


# --- repayments -------------------------------------------------------------------------


def plan_in_force(case: Any) -> RepaymentPlan | None:
    """The newest plan of the case: the settlement when there is one, else the plan."""
    loaded = getattr(case, "_money", None)
    if loaded is not None:
        return loaded["plan"]
    return (
        RepaymentPlan.objects.filter(case=case)
        .order_by("-created_at", "-id")
        .prefetch_related("lines__board")
        .first()
    )


def repayments_received(case: Any, on: dt.date | None = None) -> dict[int, Decimal]:
    """Principal plus fee received so far, per board id."""
    rows = (
        case_journal(case, on)
        .filter(counts_as(Kind.REPAYMENT), account__in=[Account.FREE, Account.FEE_RESERVE])
        .values("board_id")
        .annotate(s=total(Q()))
    )
    return {row["board_id"]: -money(row["s"]) for row in rows}


@dataclass(frozen=True)
class RepaymentRow:
    board: Any
    year: int
    principal: Decimal
    fee: Decimal
    received: Decimal  # of principal + fee, allocated to the earliest years first
    left: Decimal


def repayment_schedule(case: Any, on: dt.date | None = None) -> list[RepaymentRow]:
    """The plan in force per board and year, with what has been received against it."""
    plan = plan_in_force(case)
    if plan is None:
        return []
    received = dict(repayments_received(case, on))
    rows = []
    for line in sorted(plan.lines.all(), key=lambda line: (line.board.name, line.year)):
        due = line.principal + line.fee
        got = min(due, received.get(line.board_id, ZERO))
        received[line.board_id] = received.get(line.board_id, ZERO) - got
        rows.append(RepaymentRow(line.board, line.year, line.principal, line.fee, got, due - got))
    return rows


def board_repayment_left(case: Any, board_id: int) -> tuple[Decimal, Decimal]:
    """(principal left, fee left) for one board under the plan in force."""
    plan = plan_in_force(case)
    if plan is None:
        return ZERO, ZERO
    lines = [line for line in plan.lines.all() if line.board_id == board_id]
    due_principal = sum((line.principal for line in lines), ZERO)
    due_fee = sum((line.fee for line in lines), ZERO)
    sums = sums_of(
        case_journal(case).filter(board_id=board_id),
        p=total(Q(account=Account.FREE) & counts_as(Kind.REPAYMENT)),
        f=total(Q(account=Account.FEE_RESERVE) & counts_as(Kind.REPAYMENT)),
    )
    return due_principal + sums["p"], due_fee + sums["f"]


# --- plans the steering group approves ---------------------------------------------------


def approval_of(plan: PaymentPlan | RepaymentPlan | None) -> PlanApproval | None:
    """The steering group's approval of ``plan``, if it has one."""
    return getattr(plan, "approval", None) if plan is not None else None


def payment_plans_of(case: Any) -> list[PaymentPlan]:
    """Every version of the case's payment plan, newest first, with lines and approval."""
    return list(
        PaymentPlan.objects.filter(case=case)
        .order_by("-version")
        .select_related("approval__approved_by", "created_by")
        .prefetch_related("lines")
    )


def payment_plan_newest(case: Any) -> PaymentPlan | None:
    return (
        PaymentPlan.objects.filter(case=case)
        .order_by("-version")
        .select_related("approval")
        .first()
    )


def payment_plan_in_force(case: Any) -> PaymentPlan | None:
    """The newest approved version: the plan that claims are held to. A newer version
    waiting for approval does not stop payments under the one approved before it."""
    loaded = getattr(case, "_money", None)
    if loaded is not None:
        return loaded["payment_plan"]
    return payment_plans_in_force([case.pk]).get(case.pk)


def payment_plans_in_force(case_ids: Iterable[int]) -> dict[int, PaymentPlan]:
    """:func:`payment_plan_in_force` of many cases by case id, with its lines, in a fixed
    number of queries."""
    return {
        plan.case_id: plan for plan in _payment_plans_in_force(case_ids).prefetch_related("lines")
    }


def _payment_plans_in_force(case_ids: Iterable[int]) -> QuerySet[PaymentPlan]:
    return _newest_per_case(
        PaymentPlan.objects.filter(case_id__in=list(case_ids), approval__isnull=False),
        F("version").desc(),
    )


def payment_plan_is_approved(case: Any) -> bool:
    """The case's newest payment plan version is approved (the guard
    ``payment_plan_approved``)."""
    return approval_of(payment_plan_newest(case)) is not None


def repayment_plan_newest(case: Any) -> RepaymentPlan | None:
    """The newest repayment plan decided with the grant (a settlement is not a plan)."""
    return (
        RepaymentPlan.objects.filter(case=case, kind=RepaymentPlan.Kind.PLAN)
        .order_by("-created_at", "-id")
        .select_related("approval__approved_by")
        .first()
    )


def repayment_plan_is_approved(case: Any) -> bool:
    """The case's newest repayment plan is approved (the guard ``repayment_plan_approved``)."""
    return approval_of(repayment_plan_newest(case)) is not None


def planned_to(plan: PaymentPlan, on: dt.date) -> Decimal:
    """What ``plan`` pays out for the reporting periods ending on or before ``on``."""
    return sum((line.amount for line in plan.lines.all() if line.period_end <= on), ZERO)


CLAIMS_COUNTED = (Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID)


def claimed_to(case: Any, on: dt.date) -> Decimal:
    """What the case has claimed, been approved or been paid for periods ending on or
    before ``on`` (rejected and reversed claims do not count)."""
    return sums_of(
        Claim.objects.filter(case=case, status__in=CLAIMS_COUNTED, period_end__lte=on),
        s=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
    )["s"]


def claim_over_plan(claim: Claim) -> Decimal:
    """How far a submitted claim takes the payments up to its period past the approved
    payment plan (zero when it keeps to the plan or the case has none)."""
    return claims_over_plan([claim])[claim.pk]


def claims_over_plan(claims: Iterable[Claim]) -> dict[int, Decimal]:
    """:func:`claim_over_plan` of each of ``claims`` by claim id, in a fixed number of
    queries for any number of claims (for the fund's list of open claims)."""
    claims = list(claims)
    case_ids = {claim.case_id for claim in claims}
    plans = payment_plans_in_force(case_ids)
    counted: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for case_id, period_end, amount in Claim.objects.filter(
        case_id__in=case_ids, status__in=CLAIMS_COUNTED
    ).values_list("case_id", "period_end", "amount"):
        counted[case_id].append((period_end, amount))
    over = {}
    for claim in claims:
        in_force = plans.get(claim.case_id)
        if in_force is None or claim.status != Claim.Status.SUBMITTED:
            over[claim.pk] = ZERO
            continue
        claimed = money(
            sum((a for end, a in counted[claim.case_id] if end <= claim.period_end), ZERO)
        )
        over[claim.pk] = max(ZERO, claimed - planned_to(in_force, claim.period_end))
    return over


@dataclass(frozen=True)
class PlanRow:
    """One line of a payment plan beside what was actually claimed up to its period."""

    line: Any
    label: str  # the period's name and year, e.g. "Tertial 1 2017"
    cumulative: Decimal
    claimed: Decimal  # cumulative claims to the period's end

    @property
    def over(self) -> Decimal:
        return max(ZERO, self.claimed - self.cumulative)


def payment_plan_rows(plan: PaymentPlan, names: dict[str, str] | None = None) -> list[PlanRow]:
    """The plan's lines with their cumulative amounts beside the cumulative claims;
    ``names`` maps the rulebook's period codes to their names."""
    names = names or {}
    rows, cumulative = [], ZERO
    claims = list(
        Claim.objects.filter(case_id=plan.case_id, status__in=CLAIMS_COUNTED).values_list(
            "period_end", "amount"
        )
    )
    for line in plan.lines.all():
        cumulative += line.amount
        claimed = sum((a for end, a in claims if end <= line.period_end), ZERO)
        label = f"{names.get(line.period_code, line.period_code)} {line.year}"
        rows.append(PlanRow(line, label, cumulative, money(claimed)))
    return rows


# --- forecast ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastYear:
    """One year of the forecast: what is expected to be paid and repaid, and the result."""

    year: int
    payments: Decimal
    repayments: Decimal
    fees: Decimal
    # At the end of the year, if everything goes as expected and nothing new is granted.
    free: Decimal
    capital: Decimal
    basis: dict[str, str] = field(default_factory=dict, compare=False)


def _fund_costs_by_year(case: Any) -> dict[int, Decimal]:
    """The fund's share of the case's budget per year, from its calculation when present."""
    calculation = getattr(case, "calculation", None)
    return _fund_costs_of((getattr(calculation, "data", None) or {}).get("costs"))


def _fund_costs_of(costs: Any) -> dict[int, Decimal]:
    """The fund's share per year of a calculation's cost lines (its ``costs``)."""
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for cost in costs or []:
        try:
            if str(cost.get("financier", "fund")).lower() == "fund":
                by_year[int(cost["year"])] += money(cost["amount"])
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue
    return dict(by_year)


def _planned_by_year(case: Any) -> dict[int, Decimal]:
    """The approved payment plan's amounts per year, if the case has one."""
    plan = payment_plan_in_force(case)
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in plan.lines.all() if plan else []:
        by_year[line.period_end.year] += line.amount
    return dict(by_year)


def _spread_by_months(amount: Decimal, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Split ``amount`` evenly over the months from ``start``'s to ``end``'s, by year."""
    if end < start:
        return {start.year: amount}
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    shares: dict[int, Decimal] = {}
    left = amount
    for year in range(start.year, end.year + 1):
        first = start.month if year == start.year else 1
        last = end.month if year == end.year else 12
        share = money(amount * (last - first + 1) / months) if year < end.year else left
        shares[year] = share
        left -= share
    return shares


def _budget_in_project_years(case: Any) -> dict[int, Decimal]:
    """The calculation's fund costs by year, when they lie within the project's years (a
    calculation drafted with other years says nothing about when the money is claimed)."""
    return _in_project_years(_fund_costs_by_year(case), case.start_date, case.end_date)


def _in_project_years(
    by_year: dict[int, Decimal], start: dt.date | None, end: dt.date | None
) -> dict[int, Decimal]:
    if not by_year or start is None or end is None:
        return by_year if start is None and end is None else {}
    years = range(start.year, end.year + 1)
    return by_year if all(y in years for y in by_year) else {}


def expected_claims(case: Any, on: dt.date) -> dict[int, Decimal]:
    """What ``case`` is expected to claim per year from ``on``: its remaining commitment
    laid over its approved payment plan, or its budget's fund costs where they fall in
    the project's years, or else evenly over the months the project has left."""
    remaining = case_outstanding(case)
    if remaining <= 0:
        return {}
    by_year = _planned_by_year(case) or _budget_in_project_years(case)
    return _claims_by_year(remaining, by_year, case.start_date, case.end_date, on)


def _claims_by_year(
    remaining: Decimal,
    by_year: dict[int, Decimal],
    start_date: dt.date | None,
    end_date: dt.date | None,
    on: dt.date,
) -> dict[int, Decimal]:
    """:func:`expected_claims` of a case with ``remaining`` outstanding, its plan's or
    budget's amounts ``by_year`` and its project's dates."""
    if remaining <= 0:
        return {}
    budget = {y: a for y, a in by_year.items() if y >= on.year}
    result: dict[int, Decimal] = {}
    if budget:
        for year in sorted(budget):
            take = min(remaining, budget[year])
            if take > 0:
                result[year] = take
                remaining -= take
    if remaining > 0:
        start = max(on, start_date or on)
        end = end_date or dt.date(start.year, 12, 31)
        # Claims are paid in arrears, so nothing falls before the project's start.
        for year, amount in _spread_by_months(remaining, start, max(start, end)).items():
            result[year] = result.get(year, ZERO) + amount
    return result


def expected_repayments(case: Any, on: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(principal, fee) still expected per year; arrears fall in ``on``'s year."""
    plan = plan_in_force(case)
    if plan is None:
        return {}
    loaded = _prefetched(case, on)
    rows = (
        loaded["repayments"]
        if loaded is not None
        else case_journal(case, on)
        .filter(counts_as(Kind.REPAYMENT))
        .values("board_id", "account")
        .annotate(s=total(Q()))
    )
    lines = [(line.board_id, line.year, line.principal, line.fee) for line in plan.lines.all()]
    return _repayments_by_year(lines, rows, on)


def _repayments_by_year(
    lines: list[tuple[int, int, Decimal, Decimal]], rows: Iterable[Any], on: dt.date
) -> dict[int, tuple[Decimal, Decimal]]:
    """:func:`expected_repayments` of a plan's ``lines`` (board id, year, principal, fee)
    and the ``rows`` received (``board_id``, ``account``, sum ``s``)."""
    received_p: dict[int, Decimal] = defaultdict(lambda: ZERO)
    received_f: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row["account"] == Account.FREE:
            received_p[row["board_id"]] -= money(row["s"])
        elif row["account"] == Account.FEE_RESERVE:
            received_f[row["board_id"]] -= money(row["s"])
    result: dict[int, tuple[Decimal, Decimal]] = {}
    for board_id, line_year, principal, fee in sorted(lines, key=lambda line: line[1]):
        p = max(ZERO, principal - received_p[board_id])
        received_p[board_id] = max(ZERO, received_p[board_id] - principal)
        f = max(ZERO, fee - received_f[board_id])
        received_f[board_id] = max(ZERO, received_f[board_id] - fee)
        year = max(line_year, on.year)
        if p or f:
            old = result.get(year, (ZERO, ZERO))
            result[year] = (old[0] + p, old[1] + f)
    return result


def fund_forecast(
    *,
    organisation: Organisation,
    on: dt.date | None = None,
    years: int | None = None,
    position: FundPosition | None = None,
) -> list[ForecastYear]:
    """The fund by year from ``on``'s year: expected claims from the cases' budgets and
    expected repayments from their plans, with the free capital and the capital they leave.
    ``position``: the fund's position on ``on`` when the caller has it already.
    """
    on = on or timezone.localdate()
    position = position or fund_position(organisation=organisation, on=on)
    payments: dict[int, Decimal] = defaultdict(lambda: ZERO)
    repayments: dict[int, Decimal] = defaultdict(lambda: ZERO)
    fees: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for claims, repaid in _expected_of_cases(organisation, on):
        for year, amount in claims.items():
            payments[year] += amount
        for year, (principal, fee) in repaid.items():
            repayments[year] += principal
            fees[year] += fee
    # Approved claims not yet paid are paid in the current year.
    payments[on.year] += position.payable
    last = max([on.year, *payments, *repayments])
    if years is not None:
        last = max(last, on.year + years - 1)
    free, capital = position.free, position.capital
    rows = []
    for year in range(on.year, last + 1):
        free += repayments[year]
        capital += repayments[year] + fees[year] - payments[year]
        rows.append(
            ForecastYear(
                year=year,
                payments=payments[year],
                repayments=repayments[year],
                fees=fees[year],
                free=free,
                capital=capital,
            )
        )
    return rows


def _expected_of_cases(
    organisation: Organisation, on: dt.date
) -> list[tuple[dict[int, Decimal], dict[int, tuple[Decimal, Decimal]]]]:
    """:func:`expected_claims` and :func:`expected_repayments` of every case with money in
    ``organisation``'s journal, in a fixed number of queries that read only the figures
    they need (each plan's lines and each calculation's cost lines as plain values, not as
    objects with the whole calculation), for a forecast over thousands of cases."""
    cases = list(_with_money(organisation).order_by().values_list("id", "start_date", "end_date"))
    ids = [pk for pk, _start, _end in cases]
    if not ids:
        return []
    outstanding = dict(
        Entry.objects.filter(case_id__in=ids)
        .order_by()
        .values("case_id")
        .annotate(s=total(Q(account=Account.COMMITTED)))
        .values_list("case_id", "s")
    )
    planned: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for case_id, period_end, amount in PaymentPlanLine.objects.filter(
        plan__in=_payment_plans_in_force(ids).values("pk")
    ).values_list("plan__case_id", "period_end", "amount"):
        planned[case_id][period_end.year] += amount
    # The cost lines only of the cases that still have money to claim and no payment plan
    # (a calculation's JSON is the costly read); the query runs even when none has, so that
    # the count does not depend on the data (an empty IN would skip it).
    unplanned = [pk for pk in ids if pk not in planned and -money(outstanding.get(pk, ZERO)) > 0]
    costs = dict(
        Calculation.objects.filter(case_id__in=unplanned or [0]).values_list(
            "case_id", "data__costs"
        )
    )
    lines: dict[int, list[tuple[int, int, Decimal, Decimal]]] = defaultdict(list)
    for case_id, board_id, year, principal, fee in RepaymentLine.objects.filter(
        plan__in=_plans_in_force(ids).values("pk")
    ).values_list("plan__case_id", "board_id", "year", "principal", "fee"):
        lines[case_id].append((board_id, year, principal, fee))
    received: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _repayments_received(ids, on):
        received[row["case_id"]].append(row)
    out = []
    for pk, start, end in cases:
        remaining = -money(outstanding.get(pk, ZERO))
        claims: dict[int, Decimal] = {}
        if remaining > 0:
            by_year = dict(planned.get(pk) or {}) or _in_project_years(
                _fund_costs_of(costs.get(pk)), start, end
            )
            claims = _claims_by_year(remaining, by_year, start, end, on)
        out.append((claims, _repayments_by_year(lines.get(pk, []), received.get(pk, []), on)))
    return out


def journal(
    organisation: Organisation, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Transaction]:
    txs = Transaction.objects.filter(organisation=organisation)
    if start is not None:
        txs = txs.filter(booked_on__gte=start)
    if end is not None:
        txs = txs.filter(booked_on__lte=end)
    # The entries with their board's and case's names in one query, whichever they name
    # (only the names: a journal of thousands of entries would read each case whole).
    entries = Entry.objects.select_related("board", "case").only(
        "transaction", "account", "amount", "case__title", "board__name"
    )
    return txs.select_related("case", "claim", "reverses", "created_by").prefetch_related(
        Prefetch("entries", queryset=entries)
    )
