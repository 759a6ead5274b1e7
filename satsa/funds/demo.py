"""Demo money: Örebro's fund as the sources tell it, and its 2014–2019 portfolio paid in
arrears. Both loaders are idempotent (every posting carries a fixed idempotency key).

Figures the sources do not give are ASSUMPTIONS, marked as such here and in the events'
data: the dates of the council decisions, how the 22 MSEK of 2015–2016 was split, when
the fund reached 100 MSEK, and that each intervention spent its grant evenly over its
period (claimed at delår 2 and helår, approved and paid within a month).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from satsa.cases.models import Case
from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import Kind, RepaymentPlan, Transaction
from satsa.funds.repayment import allocate
from satsa.orgs.models import Organisation
from satsa.rules.schema import ReportingPeriod

# date, amount, reference, assumption (None when the source states it)
DEPOSITS: list[tuple[dt.date, Decimal, str, str | None]] = [
    (
        dt.date(2013, 5, 31),
        Decimal("65000000"),
        "KF maj 2013: reservation i eget kapital ur 2012 års resultat",
        "Beslutsdagen i maj 2013 är antagen (källan anger månaden).",
    ),
    (
        dt.date(2015, 4, 30),
        Decimal("10000000"),
        "KF 2015: höjning efter 2014 års resultat",
        "Antagande: källan anger två höjningar till totalt 87 MSEK; fördelningen "
        "10 + 12 MSEK och beslutsdagarna är antagna.",
    ),
    (
        dt.date(2016, 4, 30),
        Decimal("12000000"),
        "KF 2016: höjning efter 2015 års resultat",
        "Antagande: andra höjningen (12 MSEK) till totalt 87 MSEK; beslutsdagen är antagen.",
    ),
    (
        dt.date(2019, 4, 30),
        Decimal("13000000"),
        "KF 2019: höjning till 100 MSEK",
        "Antagande: källan anger 100 MSEK år 2019; beslutsdagen är antagen.",
    ),
]

CLAIM_ASSUMPTION = (
    "Demo – antagande: källorna anger inga utbetalda belopp; kostnaderna antas ha upparbetats "
    "jämnt över projekttiden och begärts vid delår 2 och helår."
)
SUBMIT_AFTER, APPROVE_AFTER, PAY_AFTER = (
    dt.timedelta(days=10),
    dt.timedelta(days=20),
    dt.timedelta(days=30),
)


# Uppsala: a yearly budget line to the executive board from Mål och budget 2016 (seed 002);
# Region Gävleborg: funds set aside for its regional social investment fund (seed 004).
# Neither source gives an amount: the amounts and dates are ASSUMPTIONS, said in the text.
UPPSALA_YEARLY = Decimal("10000000")
UPPSALA_FIRST_YEAR = 2016
GAVLEBORG_DEPOSITS = [
    (
        dt.date(2018, 1, 31),
        Decimal("15000000"),
        "Demo – antagande: avsatta medel till regionala sociala investeringsmedel "
        "(beloppet och dagen är antagna)",
    ),
]


def _deposits_for(org: Organisation) -> list[tuple[dt.date, Decimal, str, str | None]]:
    if org.slug == "orebro":
        return DEPOSITS
    if org.slug == "uppsala":
        return [
            (
                dt.date(year, 1, 15),
                UPPSALA_YEARLY,
                f"Demo – antagande: Mål och budget {year}, medel till kommunstyrelsen för "
                "sociala investeringar (beloppet är antaget)",
                "Källan anger en årlig budget men inte beloppet.",
            )
            for year in range(UPPSALA_FIRST_YEAR, timezone.localdate().year + 1)
        ]
    if org.slug == "gavleborg":
        return [(day, amount, text, text) for day, amount, text in GAVLEBORG_DEPOSITS]
    return []


def load_deposits() -> None:
    for org in Organisation.objects.filter(slug__in=["orebro", "uppsala", "gavleborg"]):
        for n, (day, amount, reference, assumption) in enumerate(_deposits_for(org), 1):
            services.deposit_create(
                organisation=org,
                amount=amount,
                booked_on=day,
                reference=reference,
                actor=system_actor(),
                idempotency_key=f"demo-deposit-{n}"
                if org.slug == "orebro"
                else f"demo-deposit-{org.slug}-{day.isoformat()}",
                data={"demo": True, "assumption": assumption},
            )


def _reporting_points(
    start: dt.date, end: dt.date, periods: list[ReportingPeriod]
) -> list[tuple[str, dt.date]]:
    """Every reporting point from the case's start up to the first one on or after its end."""
    points = []
    for year in range(start.year, end.year + 2):
        for period in periods:
            day = period.in_year(year)
            if day < start:
                continue
            points.append((period.code, day))
            if day >= end:
                return points
    return points


def _even_share(
    granted: Decimal, case_start: dt.date, case_end: dt.date, start: dt.date, end: dt.date
) -> Decimal:
    total_days = (case_end - case_start).days + 1
    days = (min(end, case_end) - max(start, case_start)).days + 1
    return sel.money(granted * Decimal(max(days, 0)) / Decimal(total_days))


def _pay_case(case: Case, today: dt.date) -> None:
    periods = services.reporting_periods(case)
    start, end, granted = case.start_date, case.end_date, case.granted_amount
    if not periods or start is None or end is None or granted is None:
        return
    points = _reporting_points(start, end, periods)
    previous = start - dt.timedelta(days=1)
    claimed = Decimal(0)
    for i, (code, day) in enumerate(points):
        last = i == len(points) - 1
        amount = (
            granted - claimed
            if last
            else _even_share(granted, start, end, previous + dt.timedelta(days=1), day)
        )
        previous = day
        if amount <= 0:
            continue
        claimed += amount
        if day + PAY_AFTER > today:
            break
        key = f"demo-{case.pk}-{code}-{day.isoformat()}"
        claim = services.claim_submit(
            case=case,
            period_code=code,
            period_end=day,
            amount=amount,
            actor=system_actor(),
            idempotency_key=key,
            description=CLAIM_ASSUMPTION,
            submitted_on=day + SUBMIT_AFTER,
        )
        if claim.status == claim.Status.SUBMITTED:
            services.claim_approve(
                claim=claim,
                actor=system_actor(),
                idempotency_key=f"{key}-approve",
                approved_on=day + APPROVE_AFTER,
            )
            claim.refresh_from_db()
        if claim.status == claim.Status.APPROVED:
            services.payment_book(
                claim=claim,
                booked_on=day + PAY_AFTER,
                actor=system_actor(),
                idempotency_key=f"{key}-pay",
            )


def load_payments() -> None:
    """Pay Örebro's decided portfolio in arrears. Cases the cases demo could not commit
    (decided before the fund had money) are committed here first, or skipped."""
    org = Organisation.objects.filter(slug="orebro").first()
    if org is None:
        return
    today = timezone.localdate()
    cases = Case.objects.filter(
        organisation=org, rulebook_key="orebro-2016", granted_amount__isnull=False
    ).order_by("decided_on", "pk")
    for case in cases:
        with transaction.atomic():
            committed = Transaction.objects.filter(case=case, kind=Kind.COMMITMENT).exists()
            granted, decided_on = case.granted_amount, case.decided_on
            if not committed and decided_on is not None and granted is not None:
                free = sel.fund_position(organisation=org, on=decided_on).free
                if free < granted:
                    continue
                services.commitment_create(
                    case=case,
                    amount=granted,
                    booked_on=decided_on,
                    reference=case.diarienummer or "",
                    actor=system_actor(),
                )
            _pay_case(case, today)


# --- repayments of the 2014–2019 portfolio ----------------------------------------------

# All were decided under the repayment model (DOMAIN.md §6, seed 001), but the sources give
# neither the plans' amounts nor the realised savings. ASSUMPTIONS, said on screen: each
# plan shares the cost evenly among the case's boards over the three years after the
# project; the realised savings (as a share of what was paid) are illustrative values
# chosen to show the risk sharing both above and below the 30 % floor.
PLAN_REASON = (
    "Demo – antagande: beslutad med återföringsmodellen (Örebro 2016) före Satsa; källan "
    "anger inte planens belopp, så kostnaden antas återföras av de berörda nämnderna i "
    "lika delar de tre åren efter projektet."
)
REALISED_SHARE = {
    "El Sistema": Decimal("0.50"),
    "Team Oxhagen": Decimal("0.90"),
    "Specialpedagogisk kompetensutveckling": Decimal("0.40"),
    "Neuropsykiatrisk resurs och samverkan": Decimal("0.60"),
    "Skolfam": Decimal("1.10"),
    "Utomhuspedagogikens inverkan på lärande": Decimal("0.20"),
    "Brobyggare i Vivalla och Baronbackarna": Decimal("0.70"),
    "Bryggan – från destruktiv frånvaro till måluppfyllelse": Decimal("0.80"),
}
SETTLEMENT_REFERENCE = (
    "Demo – antagande: realiserade besparingar är illustrativa demovärden, inte "
    "utvärderingens resultat"
)
RECEIPT_REFERENCE = "Demo – antagande: återfört enligt avräkningen i november"
SETTLE_AFTER = dt.timedelta(days=150)


def _manual_plan(case: Case) -> None:
    boards = list(case.boards.order_by("name"))
    if not boards or case.granted_amount is None or case.end_date is None:
        return
    years = [case.end_date.year + n for n in (1, 2, 3)]
    keys = [(board, year) for year in years for board in boards]
    parts = allocate(Decimal(case.granted_amount), dict.fromkeys(keys, Decimal(1)))
    services.repayment_plan_manual(
        case=case,
        lines=[services.ManualLine(board=b, year=y, amount=parts[(b, y)]) for b, y in keys],
        reason=PLAN_REASON,
        decided_on=case.decided_on or case.start_date or case.end_date,
        reference=case.diarienummer or "",
        actor=system_actor(),
    )


def _settle(case: Case, today: dt.date) -> None:
    share = REALISED_SHARE.get(case.title)
    paid = sel.case_paid(case)
    settled_on = (case.end_date or today) + SETTLE_AFTER
    if share is None or paid <= 0 or settled_on > today:
        return
    plan = sel.plan_in_force(case)
    boards = sorted({line.board for line in plan.lines.all()}, key=lambda b: b.name) if plan else []
    if not boards:
        return
    savings = allocate(paid * share, dict.fromkeys(boards, Decimal(1)))
    services.repayment_settle(
        case=case,
        realised_savings=savings,
        settled_on=settled_on,
        reference=SETTLEMENT_REFERENCE,
        actor=system_actor(),
    )


def _receive(case: Case, today: dt.date) -> None:
    plan = sel.plan_in_force(case)
    if plan is None:
        return
    for line in plan.lines.all():
        day = dt.date(line.year, 11, 30)
        if day > today or line.principal + line.fee <= 0:
            continue
        services.repayment_receive(
            case=case,
            board=line.board,
            principal=line.principal,
            fee=line.fee,
            received_on=day,
            reference=RECEIPT_REFERENCE,
            actor=system_actor(),
            idempotency_key=f"demo-repaid-{case.pk}-{line.board_id}-{line.year}",
        )


def load_repayments() -> None:
    """Örebro's 2014–2019 portfolio under the 2016 rulebook: a (manual) repayment plan per
    case, the settlement after the project, and the boards' repayments so far. Safe to
    re-run: a case with a plan gets none again, a settled case is not settled again, and
    every receipt carries a fixed idempotency key."""
    org = Organisation.objects.filter(slug="orebro").first()
    if org is None:
        return
    today = timezone.localdate()
    cases = Case.objects.filter(
        organisation=org, rulebook_key="orebro-2016", granted_amount__isnull=False
    ).order_by("decided_on", "pk")
    for case in cases:
        if services.repayment_applicability(case).applies is not True:
            continue
        with transaction.atomic():
            plans = RepaymentPlan.objects.filter(case=case)
            if not plans.exists():
                _manual_plan(case)
            if not plans.filter(kind=RepaymentPlan.Kind.SETTLEMENT).exists():
                _settle(case, today)
            _receive(case, today)
