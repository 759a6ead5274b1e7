"""Changes to the fund's money. Each validates (Swedish ValidationError), then books one
balanced transaction atomically and records an event.

Locking (CONVENTIONS #8): what a posting reads to decide, it locks first, always in the
order organisation row → case row, so two postings never wait on each other crosswise.
The organisation row guards the free capital (deposits, withdrawals, commitments,
releases, repayments, reversals); the case row guards the case's remaining commitment
(claims, approvals, payments). Every change names its actor: a person, checked against
the permission table and the case's people (satsa.cases.access), or the named system
actor (``satsa.events.actors.system_actor``) for demo data, commands and consequences
of decisions; there is no unchecked path.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.cases import access, lifecycle
from satsa.cases.access import Action
from satsa.cases.models import Case, Stage
from satsa.core.money import AUTO, kr, percent
from satsa.events.actors import is_system
from satsa.events.services import event_record
from satsa.funds import selectors as sel
from satsa.funds.models import (
    Account,
    Claim,
    ClaimApproval,
    Entry,
    Kind,
    PaymentPlan,
    PaymentPlanLine,
    PlanApproval,
    RepaymentChoice,
    RepaymentLine,
    RepaymentPlan,
    Transaction,
)
from satsa.funds.repayment import allocate, settlement_amounts
from satsa.orgs.models import Board, Organisation
from satsa.orgs.permissions import NotPermitted, require_perm
from satsa.orgs.roles import Perm
from satsa.rulebooks.selectors import rulebook_for
from satsa.rules.schema import ReportingPeriod
from satsa.types import Actor

ZERO = sel.ZERO

# (account, signed amount, case, board); debit > 0 > credit.
Leg = tuple[str, Decimal, Any, Board | None]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# --- helpers ----------------------------------------------------------------------------


def _require(ok: bool, message: str, field: str | None = None) -> None:
    if not ok:
        raise ValidationError({field: [message]} if field else message)


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: [_("Ange ett belopp i kronor.")]}) from None
    _require(amount.is_finite(), _("Ange ett belopp i kronor."), field)
    _require(amount == sel.money(amount), _("Beloppet kan ha högst två decimaler (öre)."), field)
    _require(amount > 0, _("Beloppet ska vara större än noll."), field)
    _require(amount < Decimal("1e12"), _("Beloppet är orimligt stort."), field)
    return sel.money(amount)


def _permit(actor: Actor, organisation: Organisation, perm: str, message: str) -> None:
    require_perm(actor, organisation, perm, message=message)


def _lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _replayed(organisation: Organisation, key: str | None, kind: str) -> Transaction | None:
    """The transaction a request with this key already booked (a retry), if any."""
    if not key:
        return None
    done = Transaction.objects.filter(organisation=organisation, idempotency_key=key).first()
    if done is not None and done.kind != kind:
        raise ValidationError(_("Begäran har redan använts för en annan bokföring."))
    return done


def _post(
    *,
    organisation: Organisation,
    kind: str,
    booked_on: dt.date,
    legs: Iterable[Leg],
    actor: Actor,
    case: Case | None = None,
    claim: Claim | None = None,
    reverses: Transaction | None = None,
    reference: str = "",
    description: str = "",
    idempotency_key: str | None = None,
    override_reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> Transaction:
    """Book one balanced transaction. Callers validate and lock first."""
    legs = [(account, sel.money(amount), c, b) for account, amount, c, b in legs if amount]
    if sum((amount for _a, amount, _c, _b in legs), ZERO) != 0 or len(legs) < 2:
        raise ValueError(f"unbalanced transaction {kind}: {legs}")
    tx = Transaction.objects.create(
        organisation=organisation,
        kind=kind,
        booked_on=booked_on,
        case=case,
        claim=claim,
        reverses=reverses,
        reference=reference[:200],
        description=description[:300],
        idempotency_key=idempotency_key or None,
        override_reason=override_reason,
        data=dict(data or {}),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Entry.objects.bulk_create(
        Entry(transaction=tx, account=account, amount=amount, case=c, board=b)
        for account, amount, c, b in legs
    )
    return tx


def _event(verb: str, tx: Transaction, actor: Actor, **data: Any) -> None:
    event_record(
        actor=actor,
        verb=verb,
        target=tx,
        organisation=tx.organisation,
        data={
            "transaction": tx.pk,
            "kind": tx.kind,
            "booked_on": tx.booked_on,
            "reference": tx.reference,
            "case": tx.case_id,
            **data,
        },
    )


# --- deposits and withdrawals -------------------------------------------------------------


def deposit_create(
    *,
    organisation: Organisation,
    amount: Decimal,
    booked_on: dt.date,
    reference: str,
    actor: Actor,
    description: str = "",
    idempotency_key: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Transaction:
    """Set money aside in the fund by a council decision (KF), e.g. from the year's result."""
    amount = _amount(amount)
    _require(bool(reference.strip()), _("Ange beslutets referens (t.ex. KF §)."), "reference")
    _permit(actor, organisation, Perm.MANAGE_FUND, _("Du får inte bokföra insättningar."))
    with transaction.atomic():
        _lock_organisation(organisation)
        done = _replayed(organisation, idempotency_key, Kind.DEPOSIT)
        if done is not None:
            return done
        tx = _post(
            organisation=organisation,
            kind=Kind.DEPOSIT,
            booked_on=booked_on,
            legs=[(Account.EQUITY, amount, None, None), (Account.FREE, -amount, None, None)],
            actor=actor,
            reference=reference.strip(),
            description=description or _("Insättning i fonden"),
            idempotency_key=idempotency_key,
            data=data,
        )
        _event("fund.deposited", tx, actor, amount=amount, **dict(data or {}))
    return tx


def withdrawal_create(
    *,
    organisation: Organisation,
    amount: Decimal,
    booked_on: dt.date,
    reference: str,
    actor: Actor,
    description: str = "",
    idempotency_key: str | None = None,
) -> Transaction:
    """Return free capital to the municipality's equity by a council decision."""
    amount = _amount(amount)
    _require(bool(reference.strip()), _("Ange beslutets referens (t.ex. KF §)."), "reference")
    _permit(actor, organisation, Perm.MANAGE_FUND, _("Du får inte bokföra uttag."))
    with transaction.atomic():
        # Race: two withdrawals (or a withdrawal and a grant) reading the same free capital.
        _lock_organisation(organisation)
        done = _replayed(organisation, idempotency_key, Kind.WITHDRAWAL)
        if done is not None:
            return done
        free = sel.fund_position(organisation=organisation, on=None).free
        free_then = sel.fund_position(organisation=organisation, on=booked_on).free
        _require(
            amount <= min(free, free_then),
            _("Uttaget %(amount)s är större än fondens fria kapital %(free)s.")
            % {
                "amount": kr(amount, decimals=AUTO),
                "free": kr(min(free, free_then), decimals=AUTO),
            },
            "amount",
        )
        tx = _post(
            organisation=organisation,
            kind=Kind.WITHDRAWAL,
            booked_on=booked_on,
            legs=[(Account.FREE, amount, None, None), (Account.EQUITY, -amount, None, None)],
            actor=actor,
            reference=reference.strip(),
            description=description or _("Uttag ur fonden till eget kapital"),
            idempotency_key=idempotency_key,
        )
        _event("fund.withdrew", tx, actor, amount=amount)
    return tx


# --- commitments ----------------------------------------------------------------------------


def commitment_create(
    *,
    case: Case,
    amount: Decimal,
    booked_on: dt.date,
    reference: str,
    actor: Actor,
    override_reason: str | None = None,
) -> Transaction:
    """Commit ``amount`` of the free capital to ``case`` (its grant decision).

    Refuses when the amount exceeds the free capital unless ``override_reason`` says why
    the decision was made anyway; the reason is recorded on the transaction. The cases
    app calls this inside its grant-decision transaction.
    """
    require_perm(actor, case.organisation, Perm.RECORD_DECISION, Perm.MANAGE_FUND)
    amount = _amount(amount)
    organisation = case.organisation
    reason = (override_reason or "").strip()
    with transaction.atomic():
        # Race: two grant decisions both reading the same free capital and both committing it.
        _lock_organisation(organisation)
        _lock_case(case)
        free = min(
            sel.fund_position(organisation=organisation, on=None).free,
            sel.fund_position(organisation=organisation, on=booked_on).free,
        )
        if amount > free and not reason:
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "Beloppet %(amount)s är större än fondens fria kapital %(free)s. "
                            "Ange en motivering för att bevilja ändå."
                        )
                        % {"amount": kr(amount, decimals=AUTO), "free": kr(free, decimals=AUTO)}
                    ]
                }
            )
        tx = _post(
            organisation=organisation,
            kind=Kind.COMMITMENT,
            booked_on=booked_on,
            legs=[(Account.FREE, amount, None, None), (Account.COMMITTED, -amount, case, None)],
            actor=actor,
            case=case,
            reference=reference,
            description=_("Beviljat: %(title)s") % {"title": case.title},
            override_reason=reason if amount > free else "",
        )
        _event(
            "fund.committed",
            tx,
            actor,
            amount=amount,
            free_before=free,
            override_reason=tx.override_reason,
        )
    return tx


def commitment_release(
    *,
    case: Case,
    booked_on: dt.date,
    reason: str,
    actor: Actor,
    amount: Decimal | None = None,
) -> Transaction | None:
    """Return what ``case`` will not claim to the free capital (it closed or was stopped).

    Without ``amount`` everything not yet approved or claimed is released; returns None
    when there is nothing to release. Claims still awaiting approval keep their cover.
    """
    _require(bool(reason.strip()), _("Ange varför åtagandet frigörs."), "reason")
    organisation = case.organisation
    _permit(actor, organisation, Perm.MANAGE_FUND, _("Du får inte frigöra åtaganden."))
    with transaction.atomic():
        _lock_organisation(organisation)
        # Race: a claim approved while the remainder is being released would be paid from
        # money already returned to the free capital.
        _lock_case(case)
        left = sel.case_outstanding(case) - sel.case_claims_pending(case)
        if amount is None:
            if left <= 0:
                return None
            amount = left
        amount = _amount(amount)
        _require(
            amount <= left,
            _("Bara %(left)s av åtagandet är outnyttjat.")
            % {"left": kr(max(left, ZERO), decimals=AUTO)},
            "amount",
        )
        tx = _post(
            organisation=organisation,
            kind=Kind.RELEASE,
            booked_on=booked_on,
            legs=[(Account.COMMITTED, amount, case, None), (Account.FREE, -amount, None, None)],
            actor=actor,
            case=case,
            reference=case.diarienummer or "",
            description=reason.strip(),
        )
        _event("fund.released", tx, actor, amount=amount, reason=reason.strip())
    return tx


# --- claims in arrears ----------------------------------------------------------------------


# A rulebook without reporting points (Region Gävleborg) is claimed and paid once a year.
_YEARLY = ReportingPeriod(code="helar", name_sv="Helår", name_en="Full year", month=12, day=31)


def reporting_periods(case: Case) -> list[ReportingPeriod]:
    """The points at which ``case`` claims and is paid: the rulebook's reporting points,
    or the end of each year where it has none."""
    return list(rulebook_for(case).reporting.periods) or [_YEARLY]


def finance_approval_required(case: Case) -> bool:
    """Whether the case's rulebook asks finance to attest claims after the coordinator.

    The rulebook schema has no such field yet; a ``payment.finance_approval`` flag is read
    when a rulebook carries one.
    """
    rulebook = rulebook_for(case)
    payment = getattr(rulebook, "payment", None)
    return bool(getattr(payment, "finance_approval", False))


def payment_plan_required(case: Case) -> bool:
    """Whether the case's rulebook asks for a payment plan before money is paid (Uppsala)."""
    payment = getattr(rulebook_for(case), "payment", None)
    return bool(getattr(payment, "payment_plan_required", False))


def claims_wait_for_payment_plan(case: Case) -> bool:
    """The rulebook requires a payment plan and no version of it is approved yet."""
    if not payment_plan_required(case) or sel.payment_plan_in_force(case) is not None:
        return False
    # A case whose plans were confirmed by a tick before plans were kept as data goes on
    # being paid without one.
    return "payment_plan_approved" not in (case.confirmed_guards or [])


def _held_to_payment_plan(case: Case, *, period_end: dt.date, claimed: Decimal, reason: str) -> str:
    """Check claims against the approved payment plan; returns the reason recorded for
    going past it ("" when the claim keeps to the plan or there is no plan).

    ``claimed`` is everything claimed for periods ending on or before ``period_end``,
    this claim included. Callers hold the case's row lock.
    """
    plan = sel.payment_plan_in_force(case)
    if plan is None:
        _require(
            not claims_wait_for_payment_plan(case),
            _(
                "Utbetalningsplanen är inte godkänd av styrgruppen. Utbetalning kan inte "
                "begäras eller godkännas förrän den är det."
            ),
        )
        return ""
    planned = sel.planned_to(plan, period_end)
    reason = (reason or "").strip()
    if claimed > planned and not reason:
        raise ValidationError(
            {
                "override_reason": [
                    _(
                        "Utbetalningarna till och med %(date)s blir %(claimed)s, mer än "
                        "utbetalningsplanens %(planned)s. Ange en motivering för avsteget "
                        "från planen."
                    )
                    % {
                        "date": period_end.isoformat(),
                        "claimed": kr(claimed, decimals=AUTO),
                        "planned": kr(planned, decimals=AUTO),
                    }
                ]
            }
        )
    return reason if claimed > planned else ""


def co_financing_min_share(case: Case) -> Decimal | None:
    """The applicants' least share of the cost under the case's rulebook (Region
    Gävleborg: 0.5), or None when the rulebook asks for no co-financing."""
    share = rulebook_for(case).co_financing.min_share
    return None if share is None else Decimal(str(share))


def check_claim_co_financing(
    *, case: Case, amount: Decimal, costs_incurred: Decimal | None
) -> None:
    """Refuse a claim that would make the fund pay more than its share of the period's
    costs; the applicants co-finance the rest."""
    share = co_financing_min_share(case)
    if share is None:
        return
    least = percent(share, decimals=AUTO)
    _require(
        costs_incurred is not None and costs_incurred > ZERO,
        _(
            "Regelboken kräver att sökande medfinansierar minst %(percent)s av kostnaden. "
            "Ange periodens totala kostnader, medfinansieringen inräknad."
        )
        % {"percent": least},
        "costs_incurred",
    )
    assert costs_incurred is not None
    most = (costs_incurred * (1 - share)).quantize(Decimal("0.01"))
    _require(
        amount <= most,
        _(
            "Fonden betalar högst %(fund)s av periodens kostnader, alltså %(most)s av "
            "%(costs)s. Sökande ska medfinansiera minst %(percent)s."
        )
        % {
            "fund": percent(1 - share, decimals=AUTO),
            "most": kr(most, decimals=AUTO),
            "costs": kr(costs_incurred, decimals=AUTO),
            "percent": least,
        },
        "amount",
    )


def claim_submit(
    *,
    case: Case,
    period_code: str,
    period_end: dt.date,
    amount: Decimal,
    actor: Actor,
    idempotency_key: str,
    description: str = "",
    report_reference: str = "",
    submitted_on: dt.date | None = None,
    override_reason: str = "",
    costs_incurred: Decimal | None = None,
) -> Claim:
    """The project leader claims the costs incurred up to a reporting point (in arrears).

    Under an approved payment plan, a claim that takes the payments up to its period past
    the plan needs ``override_reason``; where the rulebook requires a payment plan, nothing
    is claimed before one is approved.
    """
    amount = _amount(amount)
    _require(bool(idempotency_key), "idempotency_key is required")
    _require(
        case.granted_amount is not None, _("Ärendet är inte beviljat och kan inte få utbetalning.")
    )
    access.check(actor, case, Action.CLAIM)
    periods = {p.code: p for p in reporting_periods(case)}
    period = periods.get(period_code)
    _require(
        period is not None,
        _("Perioden ska vara en av regelbokens rapporteringstillfällen: %(codes)s.")
        % {"codes": ", ".join(periods)},
        "period_code",
    )
    assert period is not None  # _require refused the unknown code
    _require(
        period.in_year(period_end.year) == period_end,
        _("%(name)s slutar den %(date)s.")
        % {"name": period.name_sv, "date": period.in_year(period_end.year).isoformat()},
        "period_end",
    )
    submitted_on = submitted_on or timezone.localdate()
    _require(
        period_end <= submitted_on,
        _("Utbetalning sker i efterskott: perioden har inte slutat ännu."),
        "period_end",
    )
    start = case.start_date or case.decided_on
    _require(
        start is None or period_end >= start,
        _("Perioden slutar innan satsningen började."),
        "period_end",
    )
    if costs_incurred is not None:
        costs_incurred = _amount(costs_incurred, "costs_incurred")
    check_claim_co_financing(case=case, amount=amount, costs_incurred=costs_incurred)
    organisation = case.organisation
    try:
        with transaction.atomic():
            # Race: two claims for the same case each reading the same remaining commitment
            # and together claiming more than was granted.
            _lock_case(case)
            done = Claim.objects.filter(
                organisation=organisation, idempotency_key=idempotency_key
            ).first()
            if done is not None:
                _require(done.case_id == case.pk, _("Begäran har redan använts."))
                return done
            left = sel.case_outstanding(case) - sel.case_claims_pending(case)
            _require(
                amount <= left,
                _("Begäran tar ärendet över det beviljade beloppet: %(left)s återstår att begära.")
                % {"left": kr(max(left, ZERO), decimals=AUTO)},
                "amount",
            )
            deviation = _held_to_payment_plan(
                case,
                period_end=period_end,
                claimed=sel.claimed_to(case, period_end) + amount,
                reason=override_reason,
            )
            claim = Claim.objects.create(
                organisation=organisation,
                case=case,
                period_code=period_code,
                period_end=period_end,
                amount=amount,
                description=description,
                costs_incurred=costs_incurred,
                report_reference=report_reference,
                plan_deviation_reason=deviation,
                idempotency_key=idempotency_key,
                submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            if case.stage == Stage.DECIDED:
                # Costs incurred show the intervention has started, as a first report does
                # (Region Gävleborg has no reports before the final one).
                lifecycle.stage_change(
                    case=case, to=Stage.RUNNING, actor=actor, reason="first_claim"
                )
            event_record(
                actor=actor,
                verb="fund.claim_submitted",
                target=claim,
                organisation=organisation,
                data={
                    "case": case.pk,
                    "period": period_code,
                    "amount": amount,
                    "plan_deviation_reason": deviation,
                },
            )
    except IntegrityError:
        # The same key raced past the lock on a database without row locks.
        return Claim.objects.get(organisation=organisation, idempotency_key=idempotency_key)
    return claim


def _lock_claim(claim: Claim) -> Claim:
    _lock_case(claim.case)
    return Claim.objects.select_related("case", "organisation").get(pk=claim.pk)


def claim_approve(
    *,
    claim: Claim,
    actor: Actor,
    idempotency_key: str,
    approved_on: dt.date | None = None,
    override_reason: str = "",
) -> Claim:
    """Approve a claim at the next level; the last level books it (committed → payable).

    The coordinator approves; finance attests after when the rulebook says so. Nobody
    approves their own claim, and the two levels are two different people. Each approver
    of a claim beyond the approved payment plan gives ``override_reason``.
    """
    _require(bool(idempotency_key), "idempotency_key is required")
    approved_on = approved_on or timezone.localdate()
    with transaction.atomic():
        claim = _lock_claim(claim)
        organisation, case = claim.organisation, claim.case
        if ClaimApproval.objects.filter(idempotency_key=idempotency_key).exists():
            return claim  # a replayed request: it was approved once
        _require(
            claim.status == Claim.Status.SUBMITTED,
            _("Begäran är %(status)s och kan inte godkännas.")
            % {"status": claim.get_status_display().lower()},
        )
        levels = [ClaimApproval.Level.COORDINATOR]
        if finance_approval_required(case):
            levels.append(ClaimApproval.Level.FINANCE)
        done = {a.level: a for a in claim.approvals.all()}
        level = next(lv for lv in levels if lv not in done)
        # The system (demo history, commands) holds every permission; the separation of
        # duties below is between people.
        if not is_system(actor):
            perm = (
                Perm.APPROVE_CLAIM
                if level == ClaimApproval.Level.COORDINATOR
                else Perm.APPROVE_CLAIM_FINANCE
            )
            require_perm(
                actor,
                organisation,
                perm,
                message=_("Du får inte godkänna utbetalningar.")
                if level == ClaimApproval.Level.COORDINATOR
                else _("Begäran väntar på attest av ekonomi."),
            )
            _require(
                claim.submitted_by_id != actor.pk,
                _("Du kan inte godkänna en begäran du själv har lämnat."),
            )
            _require(
                all(a.approved_by_id != actor.pk for a in done.values()),
                _("Samma person kan inte godkänna i två led."),
            )
        # The claim itself is among the submitted claims counted up to its period.
        deviation = _held_to_payment_plan(
            case,
            period_end=claim.period_end,
            claimed=sel.claimed_to(case, claim.period_end),
            reason=override_reason,
        )
        ClaimApproval.objects.create(
            claim=claim,
            level=level,
            approved_by=actor if getattr(actor, "is_authenticated", False) else None,
            idempotency_key=idempotency_key,
            override_reason=deviation,
        )
        booked = None
        if level == levels[-1]:
            outstanding = sel.case_outstanding(case)
            _require(
                claim.amount <= outstanding,
                _("Begäran tar ärendet över det beviljade beloppet: %(left)s återstår.")
                % {"left": kr(max(outstanding, ZERO), decimals=AUTO)},
            )
            booked = _post(
                organisation=organisation,
                kind=Kind.APPROVAL,
                booked_on=approved_on,
                legs=[
                    (Account.COMMITTED, claim.amount, case, None),
                    (Account.PAYABLE, -claim.amount, case, None),
                ],
                actor=actor,
                case=case,
                claim=claim,
                reference=f"{case.diarienummer or case.pk} {claim.period_name}",
                description=_("Godkänd utbetalningsbegäran %(period)s %(year)s")
                % {"period": _period_only(claim), "year": claim.period_end.year},
                override_reason=deviation,
            )
            claim.status = Claim.Status.APPROVED
            claim.save(update_fields=["status"])
        event_record(
            actor=actor,
            verb="fund.claim_approved",
            target=claim,
            organisation=organisation,
            data={
                "case": case.pk,
                "level": level,
                "amount": claim.amount,
                "transaction": booked.pk if booked else None,
                "override_reason": deviation,
            },
        )
    return claim


def claim_reject(*, claim: Claim, actor: Actor, reason: str) -> Claim:
    """Turn down a claim not yet booked. A booked claim is reversed instead (entry_reverse)."""
    _require(bool(reason.strip()), _("Ange skälet till avslaget."), "reason")
    with transaction.atomic():
        claim = _lock_claim(claim)
        if claim.status == Claim.Status.REJECTED:
            return claim
        _require(
            claim.status == Claim.Status.SUBMITTED,
            _("En bokförd begäran rättas med en motbokning, inte ett avslag."),
        )
        _permit(
            actor,
            claim.organisation,
            Perm.APPROVE_CLAIM,
            _("Du får inte avslå utbetalningsbegäranden."),
        )
        claim.status, claim.status_reason = Claim.Status.REJECTED, reason.strip()
        claim.save(update_fields=["status", "status_reason"])
        event_record(
            actor=actor,
            verb="fund.claim_rejected",
            target=claim,
            organisation=claim.organisation,
            data={"case": claim.case_id, "amount": claim.amount, "reason": reason.strip()},
        )
    return claim


def payment_book(
    *, claim: Claim, booked_on: dt.date, actor: Actor, idempotency_key: str, reference: str = ""
) -> Transaction:
    """Book the payment of an approved claim (payable → treasury), once."""
    _require(bool(idempotency_key), "idempotency_key is required")
    with transaction.atomic():
        # Race: two payment requests for the same approved claim both seeing it unpaid.
        claim = _lock_claim(claim)
        organisation, case = claim.organisation, claim.case
        done = _replayed(organisation, idempotency_key, Kind.PAYMENT)
        if done is not None:
            return done
        _permit(
            actor,
            organisation,
            Perm.MANAGE_FUND,
            _("Du får inte bokföra utbetalningar."),
        )
        _require(
            claim.status == Claim.Status.APPROVED,
            _("Bara en godkänd begäran som inte är utbetald kan betalas ut."),
        )
        approval = claim.transactions.filter(kind=Kind.APPROVAL).order_by("-id").first()
        _require(
            approval is None or booked_on >= approval.booked_on,
            _("Utbetalningen kan inte bokföras före godkännandet."),
            "booked_on",
        )
        tx = _post(
            organisation=organisation,
            kind=Kind.PAYMENT,
            booked_on=booked_on,
            legs=[
                (Account.PAYABLE, claim.amount, case, None),
                (Account.TREASURY, -claim.amount, case, None),
            ],
            actor=actor,
            case=case,
            claim=claim,
            reference=reference or f"{case.diarienummer or case.pk} {claim.period_name}",
            description=_("Utbetalning %(period)s %(year)s: %(title)s")
            % {"period": _period_only(claim), "year": claim.period_end.year, "title": case.title},
            idempotency_key=idempotency_key,
        )
        claim.status = Claim.Status.PAID
        claim.save(update_fields=["status"])
        _event("fund.paid", tx, actor, amount=claim.amount, claim=claim.pk)
    return tx


# --- corrections -------------------------------------------------------------------------------


def entry_reverse(
    *,
    tx: Transaction,
    booked_on: dt.date,
    reason: str,
    actor: Actor,
    idempotency_key: str | None = None,
) -> Transaction:
    """Cancel a transaction with its counter-entry (never an edit).

    A payment is reversed before its approval; reversing an approval sends the claim back
    to be claimed again (corrected). Nothing may leave a case or the fund below zero.
    """
    _require(bool(reason.strip()), _("Ange varför verifikationen motbokas."), "reason")
    organisation = tx.organisation
    _permit(actor, organisation, Perm.MANAGE_FUND, _("Du får inte motboka."))
    with transaction.atomic():
        # Race: a reversal and a claim/grant both deciding on the same balances.
        _lock_organisation(organisation)
        if tx.case is not None:
            _lock_case(tx.case)
        done = _replayed(organisation, idempotency_key, Kind.REVERSAL)
        if done is not None:
            return done
        tx = Transaction.objects.get(pk=tx.pk)
        _require(tx.kind != Kind.REVERSAL, _("En motbokning motbokas inte; bokför på nytt."))
        _require(
            not Transaction.objects.filter(reverses=tx).exists(),
            _("Verifikationen är redan motbokad."),
        )
        _require(booked_on >= tx.booked_on, _("Motbokningen kan inte ligga före originalet."))
        legs: list[Leg] = [(e.account, -e.amount, e.case, e.board) for e in tx.entries.all()]
        claim = tx.claim
        if tx.kind == Kind.APPROVAL and claim is not None:
            _require(
                claim.status != Claim.Status.PAID,
                _("Motboka utbetalningen först."),
            )
        for account, amount, case, _b in legs:
            # Reversing must not take any balance the wrong side of zero.
            if account == Account.FREE and amount > 0:
                free = sel.fund_position(organisation=organisation, on=None).free
                _require(
                    amount <= free,
                    _("Motbokningen skulle ge fonden negativt fritt kapital (%(free)s).")
                    % {"free": kr(free, decimals=AUTO)},
                )
            if account == Account.COMMITTED and amount > 0 and case is not None:
                left = sel.case_outstanding(case) - sel.case_claims_pending(case)
                _require(
                    amount <= left,
                    _("Åtagandet är redan utnyttjat; bara %(left)s kan motbokas.")
                    % {"left": kr(max(left, ZERO), decimals=AUTO)},
                )
        rev = _post(
            organisation=organisation,
            kind=Kind.REVERSAL,
            booked_on=booked_on,
            legs=legs,
            actor=actor,
            case=tx.case,
            claim=claim,
            reverses=tx,
            reference=tx.reference,
            description=_("Motbokning: %(reason)s") % {"reason": reason.strip()},
            idempotency_key=idempotency_key,
        )
        if claim is not None and tx.kind == Kind.PAYMENT:
            claim.status = Claim.Status.APPROVED
            claim.save(update_fields=["status"])
        elif claim is not None and tx.kind == Kind.APPROVAL:
            claim.status, claim.status_reason = Claim.Status.REVERSED, reason.strip()
            claim.save(update_fields=["status", "status_reason"])
        _event("fund.reversed", rev, actor, reverses=tx.pk, reason=reason.strip())
    return rev


# --- repayments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    board: Board
    year: int
    principal: Decimal
    fee: Decimal = ZERO


@dataclass(frozen=True)
class RepaymentApplicability:
    """Whether the repayment model applies to a case, decided by the project's START date
    (not the date the idea was entered): ``verdict`` is the rulebook's answer ("yes",
    "no", "choice" for the guideline's gap, "unknown" without a start date); ``applies``
    the final answer (None while a gap case waits for the coordinator's recorded choice)."""

    verdict: str
    applies: bool | None
    choice: RepaymentChoice | None
    explanation: str


def repayment_applicability(case: Case) -> RepaymentApplicability:
    """The one owner of the question "does the repayment model apply to this case?"."""
    rule = rulebook_for(case).repayment
    if rule.model == "off":
        return RepaymentApplicability(
            "no", False, None, _("Ärendet beslutades enligt en regelbok utan återföring.")
        )
    verdict = rule.applicability(case.start_date)
    start = case.start_date.isoformat() if case.start_date else ""
    if verdict == "yes":
        return RepaymentApplicability(
            "yes",
            True,
            None,
            _("Återföringsmodellen gäller: projektet startade %(start)s.") % {"start": start}
            if start
            else _("Återföringsmodellen gäller enligt regelboken."),
        )
    if verdict == "no":
        assert rule.not_for_starts_from is not None
        return RepaymentApplicability(
            "no",
            False,
            None,
            _(
                "Återföringsmodellen gäller inte: projektet startar %(start)s, och modellen "
                "tillämpas inte för satsningar som startar från %(from)s."
            )
            % {"start": start, "from": rule.not_for_starts_from.isoformat()},
        )
    if verdict == "unknown":
        return RepaymentApplicability(
            "unknown",
            None,
            None,
            _(
                "Ange projektets startdatum: om återföringsmodellen gäller avgörs av när "
                "projektet startar."
            ),
        )
    choice = RepaymentChoice.objects.filter(case=case).select_related("decided_by").first()
    gap = {
        "start": start,
        "before": rule.applies_to_starts_before.isoformat()
        if rule.applies_to_starts_before
        else "",
        "from": rule.not_for_starts_from.isoformat() if rule.not_for_starts_from else "",
    }
    if choice is None:
        return RepaymentApplicability(
            "choice",
            None,
            None,
            _(
                "Projektet startar %(start)s. Riktlinjen tillämpar återföringsmodellen för "
                "satsningar som startat före %(before)s och inte för dem som startar från "
                "%(from)s; den säger inget om starter däremellan. Processledaren behöver ta "
                "ställning."
            )
            % gap,
        )
    return RepaymentApplicability(
        "choice",
        choice.applies,
        choice,
        (
            _("Återföringsmodellen tillämpas enligt processledarens val: %(reason)s")
            if choice.applies
            else _("Återföringsmodellen tillämpas inte enligt processledarens val: %(reason)s")
        )
        % {"reason": choice.reason},
    )


def repayment_choice_record(
    *, case: Case, applies: bool, reason: str, actor: Actor
) -> RepaymentChoice:
    """Record the coordinator's choice for a case in the rulebook's gap (see
    ``repayment_applicability``). Recorded once; never silent, never edited."""
    require_perm(
        actor,
        case.organisation,
        Perm.MANAGE_FUND,
        message=_("Bara processledaren tar ställning till om återföringsmodellen gäller."),
    )
    _require(bool(reason.strip()), _("Ange skälet till valet."), "reason")
    with transaction.atomic():
        case = _lock_case(case)
        _require(
            repayment_applicability(case).verdict == "choice",
            _("Regelboken avgör själv om återföringsmodellen gäller för det här projektet."),
        )
        _require(
            not RepaymentChoice.objects.filter(case=case).exists(),
            _("Valet är redan gjort."),
        )
        choice = RepaymentChoice.objects.create(
            case=case,
            applies=applies,
            reason=reason.strip(),
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            verb="fund.repayment_choice_recorded",
            target=case,
            data={"applies": applies, "reason": reason.strip(), "start": case.start_date},
        )
    return choice


def _repayment_rule(case: Case) -> Any:
    rule = rulebook_for(case).repayment
    applicability = repayment_applicability(case)
    _require(applicability.applies is True, applicability.explanation)
    return rule


def repayment_plan_create(
    *,
    case: Case,
    lines: Iterable[PlanLine],
    decided_on: dt.date,
    actor: Actor,
    reference: str = "",
    reason: str = "",
    manual: bool = False,
    source: str = "",
) -> RepaymentPlan:
    """Record the repayment plan decided with the grant: per board and year, the principal
    (together the granted cost C) and the fee (g·C). A manual plan says why; ``source``
    (``calculation``, ``realisation``, ``manual``) says what the lines were drawn from,
    in the event."""
    require_perm(actor, case.organisation, Perm.MANAGE_FUND)
    rule = _repayment_rule(case)
    _require(
        not manual or bool(reason.strip()), _("Ange skälet till den manuella planen."), "reason"
    )
    lines = list(lines)
    _require(bool(lines), _("Planen behöver minst en rad."))
    _require(case.granted_amount is not None, _("Ärendet är inte beviljat."))
    for line in lines:
        _require(line.board.organisation_id == case.organisation_id, _("Okänd nämnd."))
        _require(line.principal >= 0 and line.fee >= 0, _("Beloppen kan inte vara negativa."))
    keys = [(line.board.pk, line.year) for line in lines]
    _require(len(set(keys)) == len(keys), _("Varje nämnd och år får bara finnas en gång."))
    cost = sel.money(case.granted_amount)
    principal = sum((sel.money(line.principal) for line in lines), ZERO)
    fee = sum((sel.money(line.fee) for line in lines), ZERO)
    _require(
        principal == cost,
        _("Planen ska fördela hela kostnaden %(cost)s, inte %(sum)s.")
        % {"cost": kr(cost, decimals=AUTO), "sum": kr(principal, decimals=AUTO)},
    )
    expected_fee = sel.money(cost * Decimal(str(rule.fee_share)))
    _require(
        fee == expected_fee,
        _("Avgiften ska vara %(fee)s (%(share)s av kostnaden).")
        % {
            "fee": kr(expected_fee, decimals=AUTO),
            "share": percent(rule.fee_share, decimals=AUTO),
        },
    )
    with transaction.atomic():
        _lock_case(case)
        # Race: a settlement booked while this plan was being written replaces all plans.
        _require(
            not RepaymentPlan.objects.filter(
                case=case, kind=RepaymentPlan.Kind.SETTLEMENT
            ).exists(),
            _("Återföringen är redan avräknad efter utvärderingen; en ny plan kan inte beslutas."),
        )
        plan = RepaymentPlan.objects.create(
            case=case,
            kind=RepaymentPlan.Kind.PLAN,
            method=rule.model,
            total_cost=cost,
            floor_share=Decimal(str(rule.floor_share)),
            fee_share=Decimal(str(rule.fee_share)),
            decided_on=decided_on,
            reference=reference,
            manual=manual,
            reason=reason.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        RepaymentLine.objects.bulk_create(
            RepaymentLine(
                plan=plan,
                board=line.board,
                year=line.year,
                principal=sel.money(line.principal),
                fee=sel.money(line.fee),
            )
            for line in lines
        )
        event_record(
            actor=actor,
            verb="fund.repayment_planned",
            target=case,
            data={
                "plan": plan.pk,
                "cost": cost,
                "fee": fee,
                "method": rule.model,
                "manual": manual,
                "reason": reason.strip(),
                "source": source or ("manual" if manual else ""),
            },
        )
    return plan


@dataclass(frozen=True)
class ManualLine:
    """One line of a manual repayment plan: what a board repays of the cost in a year."""

    board: Board
    year: int
    amount: Decimal


def repayment_plan_manual(
    *,
    case: Case,
    lines: Iterable[ManualLine],
    reason: str,
    decided_on: dt.date,
    actor: Actor,
    reference: str = "",
) -> RepaymentPlan:
    """A repayment plan written by hand (historical cases, cases without a calculation):
    the amounts per board and year share the granted cost; the rulebook's fee is added to
    each line in proportion (in öre). Checked, locked and recorded like the drawn plan."""
    require_perm(actor, case.organisation, Perm.MANAGE_FUND)
    lines = list(lines)
    weights = {(line.board, line.year): sel.money(line.amount) for line in lines}
    _require(len(weights) == len(lines), _("Varje nämnd och år får bara finnas en gång."))
    rule = rulebook_for(case).repayment
    fee_total = ZERO
    if case.granted_amount is not None and rule.model != "off":
        fee_total = sel.money(Decimal(case.granted_amount) * Decimal(str(rule.fee_share)))
    fees = (
        allocate(fee_total, {k: v for k, v in weights.items() if v > 0})
        if any(v > 0 for v in weights.values())
        else {}
    )
    return repayment_plan_create(
        case=case,
        lines=[
            PlanLine(
                board=line.board,
                year=line.year,
                principal=sel.money(line.amount),
                fee=fees.get((line.board, line.year), ZERO),
            )
            for line in lines
        ],
        decided_on=decided_on,
        actor=actor,
        reference=reference,
        reason=reason,
        manual=True,
    )


def repayment_settle(
    *,
    case: Case,
    realised_savings: Mapping[Board, Decimal],
    settled_on: dt.date,
    actor: Actor,
    reference: str = "",
) -> RepaymentPlan:
    """Settle the repayment after the effect evaluation (risk sharing, ECONOMICS.md §3).

    C is what the fund paid the case; the principal ``max(f·C, min(C, S))`` and the fee
    ``g·C`` replace the plan, shared among the boards by realised savings (by the plan's
    shares when nothing was saved). Each board's part keeps the plan's years.
    """
    require_perm(actor, case.organisation, Perm.MANAGE_EVALUATION, Perm.MANAGE_FUND)
    with transaction.atomic():
        # Read what was paid and the plan in force under the case's lock, so two people
        # settling at once cannot both settle against the same plan.
        _lock_case(case)
        rule = _repayment_rule(case)
        cost = sel.case_paid(case)
        _require(cost > 0, _("Inget är utbetalt till ärendet; det finns inget att avräkna."))
        savings = {b: sel.money(v) for b, v in realised_savings.items()}
        for board, value in savings.items():
            _require(board.organisation_id == case.organisation_id, _("Okänd nämnd."))
            _require(value >= 0, _("Realiserade besparingar kan inte vara negativa."))
        previous = sel.plan_in_force(case)
        planned: dict[Board, dict[int, Decimal]] = {}
        for line in previous.lines.all() if previous else []:
            planned.setdefault(line.board, {})[line.year] = line.principal + line.fee
        principal, fee = settlement_amounts(
            cost=cost,
            savings=sum(savings.values(), ZERO),
            floor=Decimal(str(rule.floor_share)),
            fee_share=Decimal(str(rule.fee_share)),
        )
        if sum(savings.values(), ZERO) > 0:
            weights = {b: v for b, v in savings.items() if v > 0}
        elif planned:
            weights = {b: sum(years.values(), ZERO) for b, years in planned.items()}
        else:
            boards = list(case.boards.all())
            _require(bool(boards), _("Ange nämndernas realiserade besparingar."))
            weights = {b: Decimal(1) for b in boards}
        principal_by_board = allocate(principal, weights)
        fee_by_board = allocate(fee, weights)
        lines: list[RepaymentLine] = []
        for board in principal_by_board:
            years = {y: w for y, w in planned.get(board, {}).items() if w > 0} or {
                settled_on.year: Decimal(1)
            }
            p_years = allocate(principal_by_board[board], years)
            f_years = allocate(fee_by_board[board], years)
            for year in sorted(years):
                if p_years[year] or f_years[year]:
                    lines.append(
                        RepaymentLine(
                            board=board, year=year, principal=p_years[year], fee=f_years[year]
                        )
                    )
        newest = RepaymentPlan.objects.filter(case=case).order_by("-pk").first()
        if (
            newest is not None
            and newest.kind == RepaymentPlan.Kind.SETTLEMENT
            and newest.decided_on == settled_on
            and newest.total_cost == cost
            and newest.realised_savings == {str(b.pk): str(v) for b, v in savings.items()}
        ):
            return newest  # the same settlement sent twice
        plan = RepaymentPlan.objects.create(
            case=case,
            kind=RepaymentPlan.Kind.SETTLEMENT,
            method=rule.model,
            total_cost=cost,
            floor_share=Decimal(str(rule.floor_share)),
            fee_share=Decimal(str(rule.fee_share)),
            realised_savings={str(b.pk): str(v) for b, v in savings.items()},
            decided_on=settled_on,
            reference=reference,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for line in lines:
            line.plan = plan
        RepaymentLine.objects.bulk_create(lines)
        event_record(
            actor=actor,
            verb="fund.repayment_settled",
            target=case,
            data={
                "plan": plan.pk,
                "cost": cost,
                "savings": sum(savings.values(), ZERO),
                "principal": principal,
                "fee": fee,
            },
        )
        return plan


def repayment_receive(
    *,
    case: Case,
    board: Board,
    principal: Decimal,
    received_on: dt.date,
    actor: Actor,
    fee: Decimal = ZERO,
    reference: str = "",
    idempotency_key: str | None = None,
) -> Transaction:
    """Book a board's repayment under the plan in force: principal back to the free capital,
    fee to the reserve for follow-up. Under Uppsala's model the money comes as a reduced
    budget frame (kommunbidrag) of the board in that budget year."""
    principal = sel.money(principal) if principal else ZERO
    fee = sel.money(fee) if fee else ZERO
    _require(principal >= 0 and fee >= 0, _("Beloppen kan inte vara negativa."), "principal")
    _require(principal + fee > 0, _("Ange återfört belopp."), "principal")
    _require(board.organisation_id == case.organisation_id, _("Okänd nämnd."), "board")
    organisation = case.organisation
    _permit(actor, organisation, Perm.MANAGE_FUND, _("Du får inte bokföra återföringar."))
    with transaction.atomic():
        _lock_organisation(organisation)
        # Race: two receipts for the same board both reading the same amount left to repay.
        _lock_case(case)
        done = _replayed(organisation, idempotency_key, Kind.REPAYMENT)
        if done is not None:
            return done
        plan = sel.plan_in_force(case)
        _require(plan is not None, _("Ärendet har ingen återföringsplan."))
        assert plan is not None
        principal_left, fee_left = sel.board_repayment_left(case, board.pk)
        _require(
            principal <= principal_left,
            _("%(board)s har bara %(left)s kvar att återföra.")
            % {"board": board.name, "left": kr(principal_left, decimals=AUTO)},
            "principal",
        )
        _require(
            fee <= fee_left,
            _("%(board)s har bara %(left)s i avgift kvar.")
            % {"board": board.name, "left": kr(fee_left, decimals=AUTO)},
            "fee",
        )
        source = (
            Account.FRAME_REDUCTION
            if plan.method == RepaymentPlan.Method.BUDGET_FRAME
            else Account.TREASURY
        )
        tx = _post(
            organisation=organisation,
            kind=Kind.REPAYMENT,
            booked_on=received_on,
            legs=[
                (source, principal + fee, case, board),
                (Account.FREE, -principal, case, board),
                (Account.FEE_RESERVE, -fee, case, board),
            ],
            actor=actor,
            case=case,
            reference=reference or (case.diarienummer or ""),
            description=_("Återföring från %(board)s") % {"board": board.name},
            idempotency_key=idempotency_key,
            data={"board": board.pk, "method": plan.method},
        )
        _event("fund.repaid", tx, actor, principal=principal, fee=fee, board=board.name)
    return tx


# --- payment plans (utbetalningsplan) -------------------------------------------------------


@dataclass(frozen=True)
class PaymentLine:
    """One line of a proposed payment plan as the applicant writes it.

    ``period`` is a reporting period of the rulebook: its code ("tertial1"), its Swedish
    or English name ("Tertial 1", "Helår") or its place in the year ("T1", "T3").
    ``line`` is the line's number in what the applicant wrote, for error messages.
    """

    year: int
    period: str
    amount: Decimal
    line: int | None = None


@dataclass(frozen=True)
class PlanPeriod:
    """A reporting point at which a payment plan may pay out."""

    code: str
    name: str
    short: str  # "T1", "T2", … : the period's place in the year
    year: int
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.name} {self.year}"


def payment_period_names(case: Case) -> dict[str, str]:
    """The Swedish names of the periods a payment plan of ``case`` uses, by code."""
    return {p.code: p.name_sv for p in reporting_periods(case)}


def _period_only(claim: Claim) -> str:
    """The rulebook's name of the claim's period, without the year ("Delår 2")."""
    names = payment_period_names(claim.case)
    return names.get(claim.period_code, claim.period_code)


def period_name(case: Case, code: str, period_end: dt.date) -> str:
    """How a period is shown: the rulebook's name and the year ("Delår 2 2017"), never
    its code; a code the rulebook does not know was typed by a person and is shown as is."""
    names = payment_period_names(case)
    return f"{names.get(code, code)} {period_end.year}"


def _squash(text: str) -> str:
    return "".join(text.lower().split()).replace("-", "").replace("_", "")


def payment_plan_periods(case: Case) -> list[PlanPeriod]:
    """The reporting points a payment plan of ``case`` may use: from the first ending on or
    after the start to the first ending on or after the end (payment is in arrears).

    Without an end date the project is taken to run four years, the longest the
    guidelines allow.
    """
    periods = reporting_periods(case)
    start = case.start_date or case.decided_on or timezone.localdate()
    end = case.end_date or dt.date(start.year + 4, start.month, min(start.day, 28))
    points: list[PlanPeriod] = []
    for year in range(start.year, end.year + 2):
        for n, period in enumerate(periods, 1):
            day = period.in_year(year)
            if day < start:
                continue
            points.append(PlanPeriod(period.code, period.name_sv, f"T{n}", year, day))
            if day >= end:
                return points
    return points


def payment_plan_suggestion(case: Case) -> list[tuple[PlanPeriod, Decimal]]:
    """A first draft: the grant spread over the reporting points by the project's days in
    each period (the applicant edits it before proposing)."""
    points = payment_plan_periods(case)
    if case.granted_amount is None or not points:
        return []
    start = case.start_date or case.decided_on or points[0].end
    end = case.end_date or points[-1].end
    weights: dict[PlanPeriod, Decimal] = {}
    previous = start - dt.timedelta(days=1)
    for point in points:
        days = (min(point.end, end) - max(previous + dt.timedelta(days=1), start)).days + 1
        weights[point] = Decimal(max(days, 0))
        previous = point.end
    shares = allocate(sel.money(case.granted_amount), weights)
    return [(point, amount) for point, amount in shares.items() if amount > 0]


def _resolve_period(case: Case, line: PaymentLine, n: int, points: list[PlanPeriod]) -> PlanPeriod:
    periods = reporting_periods(case)
    wanted = _squash(line.period)
    match = None
    for i, period in enumerate(periods, 1):
        names = {period.code, period.name_sv, period.name_en, f"T{i}"}
        if wanted in {_squash(name) for name in names}:
            match = period
            break
    if match is None:
        raise ValidationError(
            _("Rad %(line)s: perioden ”%(period)s” finns inte. Ange en av %(periods)s.")
            % {
                "line": n,
                "period": line.period.strip(),
                "periods": ", ".join(f"T{i} ({p.name_sv})" for i, p in enumerate(periods, 1)),
            }
        )
    day = match.in_year(line.year)
    point = next((p for p in points if p.end == day), None)
    if point is None:
        raise ValidationError(
            _(
                "Rad %(line)s: %(period)s %(year)s ligger utanför satsningens tid; "
                "planen kan betala ut från %(first)s till %(last)s."
            )
            % {
                "line": n,
                "period": match.name_sv,
                "year": line.year,
                "first": points[0].label if points else "–",
                "last": points[-1].label if points else "–",
            }
        )
    return point


def may_draft_payment_plan(actor: Actor, case: Case) -> bool:
    """The fund's staff, and the case's applicants and project leader (those who claim
    its money or report on it)."""
    return access.may(actor, case, Action.CLAIM) or access.may(actor, case, Action.REPORT)


def _lines_key(lines: Iterable[Any]) -> list[tuple[dt.date, Decimal]]:
    return sorted((line.period_end, sel.money(line.amount)) for line in lines)


def payment_plan_propose(
    *, case: Case, lines: Iterable[PaymentLine], actor: Actor, note: str = ""
) -> PaymentPlan:
    """Record a new version of the case's payment plan; it supersedes the older ones and
    waits for the steering group's approval.

    Each line is checked on its own (the period exists in the rulebook and lies within the
    project, once per plan, an amount in öre above zero); together they must pay out
    exactly the granted amount.
    """
    _require(case.granted_amount is not None, _("Ärendet är inte beviljat."))
    _require(
        payment_plan_required(case),
        _("Regelboken kräver ingen utbetalningsplan för det här ärendet."),
    )
    if not may_draft_payment_plan(actor, case):
        raise NotPermitted(_("Du får inte upprätta utbetalningsplanen för det här ärendet."))
    lines = list(lines)
    _require(bool(lines), _("Planen behöver minst en rad."))
    points = payment_plan_periods(case)
    resolved: list[tuple[PlanPeriod, Decimal]] = []
    seen: dict[dt.date, int] = {}
    for index, line in enumerate(lines, 1):
        n = line.line or index
        point = _resolve_period(case, line, n, points)
        if point.end in seen:
            raise ValidationError(
                _("Rad %(line)s: %(period)s finns redan på rad %(other)s.")
                % {"line": n, "period": point.label, "other": seen[point.end]}
            )
        seen[point.end] = n
        amount = line.amount
        _require(
            amount.is_finite() and amount == sel.money(amount),
            _("Rad %(line)s: beloppet kan ha högst två decimaler (öre).") % {"line": n},
        )
        _require(amount > 0, _("Rad %(line)s: beloppet ska vara större än noll.") % {"line": n})
        resolved.append((point, sel.money(amount)))
    granted = sel.money(case.granted_amount)
    total = sum((amount for _p, amount in resolved), ZERO)
    _require(
        total == granted,
        _(
            "Planens rader summerar till %(total)s men det beviljade beloppet är %(granted)s "
            "(skillnad %(diff)s)."
        )
        % {
            "total": kr(total, decimals=AUTO),
            "granted": kr(granted, decimals=AUTO),
            "diff": kr(total - granted, decimals=AUTO),
        },
    )
    resolved.sort(key=lambda pair: pair[0].end)
    with transaction.atomic():
        # Race: two proposals both taking the next version number.
        _lock_case(case)
        newest = sel.payment_plan_newest(case)
        if newest is not None:
            _require(
                _lines_key(newest.lines.all())
                != [(point.end, amount) for point, amount in resolved],
                _("Förslaget är likadant som version %(version)s.") % {"version": newest.version},
            )
        plan = PaymentPlan.objects.create(
            case=case,
            version=(newest.version + 1) if newest else 1,
            total=granted,
            note=note.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        PaymentPlanLine.objects.bulk_create(
            PaymentPlanLine(
                plan=plan,
                year=point.year,
                period_code=point.code,
                period_end=point.end,
                amount=amount,
            )
            for point, amount in resolved
        )
        event_record(
            actor=actor,
            verb="fund.payment_plan_proposed",
            target=case,
            data={
                "plan": plan.pk,
                "version": plan.version,
                "total": granted,
                "lines": [[point.end, amount] for point, amount in resolved],
                "supersedes": newest.pk if newest else None,
            },
        )
    return plan


def plan_approval_required(case: Case, guard: str) -> bool:
    """Whether the case's decision chain waits for ``guard`` (e.g. the steering group's
    approval of the repayment plan); Örebro's chains do not."""
    rulebook = rulebook_for(case)
    return any(guard in s.guards for s in rulebook.decision_chain)


def _approve_plan(*, plan: Any, case: Case, actor: Actor) -> PlanApproval:
    require_perm(
        actor,
        case.organisation,
        Perm.STEERING_APPROVE,
        message=_("Bara styrgruppen godkänner planerna."),
    )
    _require(
        is_system(actor) or plan.created_by_id != actor.pk,
        _("Du kan inte godkänna en plan du själv har upprättat."),
    )
    _require(sel.approval_of(plan) is None, _("Planen är redan godkänd."))
    return PlanApproval(approved_by=actor if getattr(actor, "is_authenticated", False) else None)


def payment_plan_approve(*, plan: PaymentPlan, actor: Actor) -> PlanApproval:
    """The steering group approves the newest version of a payment plan."""
    case = plan.case
    with transaction.atomic():
        # Race: a newer version proposed while this one is being approved.
        _lock_case(case)
        plan = PaymentPlan.objects.select_related("approval").get(pk=plan.pk)
        approval = _approve_plan(plan=plan, case=case, actor=actor)
        newest = sel.payment_plan_newest(case)
        _require(
            newest is not None and newest.pk == plan.pk,
            _("Version %(version)s har ersatts av en nyare och kan inte godkännas.")
            % {"version": plan.version},
        )
        approval.payment_plan = plan
        approval.save()
        event_record(
            actor=actor,
            verb="fund.payment_plan_approved",
            target=case,
            data={"plan": plan.pk, "version": plan.version, "total": plan.total},
        )
    return approval


def repayment_plan_approve(*, plan: RepaymentPlan, actor: Actor) -> PlanApproval:
    """The steering group approves the case's repayment plan, where the rulebook asks it to
    (Uppsala: before the project may start)."""
    case = plan.case
    _require(
        plan_approval_required(case, "repayment_plan_approved"),
        _("Regelboken kräver inte att styrgruppen godkänner återföringsplanen."),
    )
    _require(
        plan.kind == RepaymentPlan.Kind.PLAN,
        _("En avräkning efter utvärderingen godkänns inte som plan."),
    )
    with transaction.atomic():
        _lock_case(case)
        plan = RepaymentPlan.objects.select_related("approval").get(pk=plan.pk)
        approval = _approve_plan(plan=plan, case=case, actor=actor)
        newest = sel.repayment_plan_newest(case)
        _require(
            newest is not None and newest.pk == plan.pk,
            _("En nyare återföringsplan har ersatt den här."),
        )
        approval.repayment_plan = plan
        approval.save()
        event_record(
            actor=actor,
            verb="fund.repayment_plan_approved",
            target=case,
            data={"plan": plan.pk, "total_cost": plan.total_cost, "method": plan.method},
        )
    return approval
