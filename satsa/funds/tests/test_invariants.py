"""Random sequences of the fund's operations keep the ledger's invariants after every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from satsa.events.actors import system_actor
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import Claim, Entry, Kind, Transaction
from satsa.orgs.models import Area, Board, Organisation

DAY = dt.date(2020, 9, 1)
PERIOD_END = dt.date(2020, 8, 31)
amounts = st.integers(min_value=1, max_value=2_000_000).map(lambda ore: Decimal(ore) / 100)


class FundMachine(RuleBasedStateMachine):
    """A model of the fund kept beside the ledger: what it should say after each step."""

    cases = Bundle("cases")
    claims = Bundle("claims")
    booked = Bundle("booked")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.org = Organisation.objects.create(
            slug="fuzz", name="Fuzz kommun", kind="kommun", code="9999"
        )
        self.board = Board.objects.create(
            organisation=self.org, name="Socialnämnden", area=Area.SOCIAL
        )
        self.free = Decimal(0)
        self.keys = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    # --- operations ---------------------------------------------------------------------

    @rule(amount=amounts)
    def deposit(self, amount: Decimal) -> None:
        services.deposit_create(
            organisation=self.org,
            amount=amount,
            booked_on=DAY,
            reference="KF",
            actor=system_actor(),
        )
        self.free += amount

    @rule(amount=amounts)
    def withdraw(self, amount: Decimal) -> None:
        try:
            services.withdrawal_create(
                organisation=self.org,
                amount=amount,
                booked_on=DAY,
                reference="KF",
                actor=system_actor(),
            )
        except ValidationError:
            assert amount > self.free
        else:
            assert amount <= self.free
            self.free -= amount

    @rule(target=cases, amount=amounts, override=st.booleans())
    def grant(self, amount: Decimal, override: bool) -> Any:
        from satsa.cases.models import Case

        case = Case.objects.create(
            organisation=self.org,
            title=f"Satsning {self.keys}",
            rulebook_key="orebro-2016",
            granted_amount=amount,
            decided_on=dt.date(2020, 1, 1),
            # Started before 2019: under the 2016 rulebook's repayment model (a 2020 start
            # is not, Örebro 2020).
            start_date=dt.date(2018, 1, 1),
            end_date=dt.date(2020, 12, 31),
            diarienummer=self.key(),
        )
        try:
            services.commitment_create(
                case=case,
                amount=amount,
                booked_on=DAY,
                reference=case.diarienummer,
                actor=system_actor(),
                override_reason="Beslutat ändå" if override else None,
            )
        except ValidationError:
            assert amount > self.free and not override
            return multiple()
        self.free -= amount
        fee = sel.money(amount * Decimal("0.05"))
        services.repayment_plan_create(
            case=case,
            lines=[services.PlanLine(self.board, 2024, amount, fee)],
            decided_on=DAY,
            actor=system_actor(),
        )
        return case

    @rule(target=claims, case=cases, amount=amounts)
    def claim(self, case: Any, amount: Decimal) -> Any:
        left = sel.case_outstanding(case) - sel.case_claims_pending(case)
        try:
            claim = services.claim_submit(
                case=case,
                period_code="delar2",
                period_end=PERIOD_END,
                amount=amount,
                actor=system_actor(),
                idempotency_key=self.key(),
                submitted_on=DAY,
            )
        except ValidationError:
            assert amount > left
            return multiple()
        assert amount <= left
        return claim

    @rule(claim=claims)
    def approve(self, claim: Claim) -> None:
        key = self.key()
        try:
            services.claim_approve(
                claim=claim, actor=system_actor(), idempotency_key=key, approved_on=DAY
            )
        except ValidationError:
            claim.refresh_from_db()
            assert claim.status != Claim.Status.SUBMITTED
        else:
            # A retry with the same key changes nothing.
            before = Transaction.objects.count()
            services.claim_approve(
                claim=claim, actor=system_actor(), idempotency_key=key, approved_on=DAY
            )
            assert Transaction.objects.count() == before

    @rule(claim=claims)
    def reject(self, claim: Claim) -> None:
        try:
            services.claim_reject(claim=claim, actor=system_actor(), reason="Underlag saknas")
        except ValidationError:
            claim.refresh_from_db()
            assert claim.status not in (Claim.Status.SUBMITTED, Claim.Status.REJECTED)

    @rule(target=booked, claim=claims)
    def pay(self, claim: Claim) -> Any:
        key = self.key()
        try:
            tx = services.payment_book(
                claim=claim, booked_on=DAY, actor=system_actor(), idempotency_key=key
            )
        except ValidationError:
            claim.refresh_from_db()
            assert claim.status != Claim.Status.APPROVED
            return multiple()
        assert (
            services.payment_book(
                claim=claim, booked_on=DAY, actor=system_actor(), idempotency_key=key
            )
            == tx
        )
        return tx

    @rule(tx=consumes(booked))
    def reverse_payment(self, tx: Transaction) -> None:
        try:
            services.entry_reverse(tx=tx, booked_on=DAY, reason="Rättelse", actor=system_actor())
        except ValidationError:
            assert Transaction.objects.filter(reverses=tx).exists()

    @rule(claim=claims)
    def reverse_approval(self, claim: Claim) -> None:
        approval = claim.transactions.filter(kind=Kind.APPROVAL).first()
        if approval is None:
            return
        try:
            services.entry_reverse(
                tx=approval, booked_on=DAY, reason="Rättelse", actor=system_actor()
            )
        except ValidationError:
            claim.refresh_from_db()
            assert (
                claim.status == Claim.Status.PAID
                or Transaction.objects.filter(reverses=approval).exists()
            )

    @rule(case=cases)
    def release(self, case: Any) -> None:
        tx = services.commitment_release(
            case=case, booked_on=DAY, reason="Avslutad", actor=system_actor()
        )
        if tx is not None:
            self.free += tx.entries.get(account="2092").amount

    @rule(case=cases, amount=amounts)
    def repay(self, case: Any, amount: Decimal) -> None:
        left, _fee = sel.board_repayment_left(case, self.board.pk)
        try:
            services.repayment_receive(
                case=case, board=self.board, principal=amount, received_on=DAY, actor=system_actor()
            )
        except ValidationError:
            assert amount > left
        else:
            self.free += amount

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def journal_is_balanced(self) -> None:
        for tx in Transaction.objects.filter(organisation=self.org).prefetch_related("entries"):
            legs = list(tx.entries.all())
            assert len(legs) >= 2 and sum(e.amount for e in legs) == 0, tx

    @invariant()
    def position_adds_up(self) -> None:
        p = sel.fund_position(organisation=self.org, on=DAY)
        assert p.free == self.free
        assert p.free == p.deposited - p.withdrawn - p.committed + p.released + p.repaid
        assert p.capital == p.deposited - p.withdrawn - p.paid + p.repaid + p.fees
        assert p.committed - p.released - p.approved == p.outstanding >= 0
        assert p.approved - p.paid == p.payable >= 0

    @invariant()
    def no_case_is_paid_over_its_grant(self) -> None:
        from satsa.cases.models import Case

        for case in Case.objects.filter(organisation=self.org):
            money = sel.case_money(case, on=DAY)
            assert 0 <= money.paid <= money.approved <= money.committed - money.released
            assert money.committed - money.released <= (case.granted_amount or 0)
            assert 0 <= money.claimed <= money.outstanding
            assert money.repaid <= money.repayment_due

    @invariant()
    def entries_are_never_zero(self) -> None:
        assert not Entry.objects.filter(transaction__organisation=self.org, amount=0).exists()


@pytest.mark.django_db
def test_random_operation_sequences_keep_the_ledger_consistent() -> None:
    run_state_machine_as_test(
        FundMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
