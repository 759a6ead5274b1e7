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
from satsa.funds.models import Kind, Transaction
from satsa.orgs.models import Organisation
from satsa.rules.schema import ReportingPeriod

# date, amount, reference, assumption (None when the source states it)
DEPOSITS = [
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


def load_deposits() -> None:
    org = Organisation.objects.filter(slug="orebro").first()
    if org is None:
        return
    for n, (day, amount, reference, assumption) in enumerate(DEPOSITS, 1):
        services.deposit_create(
            organisation=org,
            amount=amount,
            booked_on=day,
            reference=reference,
            actor=system_actor(),
            idempotency_key=f"demo-deposit-{n}",
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
