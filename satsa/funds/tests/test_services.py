"""The ledger's services: balanced postings, refusals, counter-entries, repayments."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.models import AppendOnlyError, Claim, Entry, Kind, Transaction
from satsa.orgs.permissions import NotPermitted

D = Decimal
SEPT = dt.date(2016, 9, 30)


def claim(case: Any, actor: Any, amount: str, key: str, period: str = "delar2") -> Claim:
    end = dt.date(2016, 8, 31) if period == "delar2" else dt.date(2016, 12, 31)
    return services.claim_submit(
        case=case,
        period_code=period,
        period_end=end,
        amount=D(amount),
        actor=actor,
        idempotency_key=key,
        submitted_on=dt.date(2017, 1, 15),
    )


@contextlib.contextmanager
def refused(text: str) -> Iterator[None]:
    """The block raises a ValidationError (or, for who may act, NotPermitted) whose
    messages contain ``text`` (spaces in amounts are no-break spaces)."""
    with pytest.raises((ValidationError, NotPermitted)) as error:
        yield
    found = " ".join(error.value.messages)
    assert text.replace(" ", "\u00a0") in found.replace(" ", "\u00a0"), found


def assert_balanced() -> None:
    for tx in Transaction.objects.all():
        assert sum(e.amount for e in tx.entries.all()) == 0, tx
        assert tx.entries.count() >= 2


def test_a_deposit_is_one_balanced_transaction_with_an_event(funded: Any) -> None:
    position = sel.fund_position(organisation=funded, on=dt.date(2015, 12, 31))
    assert position.deposited == position.free == position.capital == D("10000000.00")
    assert sel.fund_position(organisation=funded, on=dt.date(2015, 4, 30)).deposited == 0
    assert_balanced()
    assert Event.objects.filter(verb="fund.deposited").count() == 1


def test_it_refuses_amounts_that_are_not_whole_ore(funded: Any) -> None:
    with refused("två decimaler"):
        services.deposit_create(
            organisation=funded,
            amount=D("1.005"),
            booked_on=SEPT,
            reference="KF",
            actor=system_actor(),
        )
    with refused("större än noll"):
        services.deposit_create(
            organisation=funded, amount=D("0"), booked_on=SEPT, reference="KF", actor=system_actor()
        )


def test_the_journal_is_append_only(funded: Any) -> None:
    tx = Transaction.objects.get()
    with pytest.raises(AppendOnlyError):
        tx.save()
    with pytest.raises(AppendOnlyError):
        tx.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(transaction=tx).update(amount=D("1"))
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()


def test_it_refuses_a_withdrawal_larger_than_the_free_capital(granted_case: Any) -> None:
    org = granted_case.organisation
    with refused("fria kapital"):
        services.withdrawal_create(
            organisation=org,
            amount=D("9000000.01"),
            booked_on=SEPT,
            reference="KF",
            actor=system_actor(),
        )
    services.withdrawal_create(
        organisation=org, amount=D("9000000"), booked_on=SEPT, reference="KF", actor=system_actor()
    )
    assert sel.fund_position(organisation=org).free == 0


def test_a_commitment_over_the_free_capital_needs_a_recorded_reason(
    funded: Any, make_case: Any
) -> None:
    case = make_case(funded, granted=D("12000000"))
    kwargs = dict(
        case=case, amount=D("12000000"), booked_on=SEPT, reference="KS 1", actor=system_actor()
    )
    with refused("större än fondens fria kapital"):
        services.commitment_create(**kwargs)
    tx = services.commitment_create(**kwargs, override_reason="Akut behov enligt KS.")
    assert tx.override_reason == "Akut behov enligt KS."
    assert sel.fund_position(organisation=funded).free == D("-2000000.00")


def test_a_claim_never_takes_a_case_over_its_grant(granted_case: Any, leader: Any) -> None:
    claim(granted_case, leader, "600000", "a")
    with refused("400 000 kr återstår"):
        claim(granted_case, leader, "400000.01", "b", "helar")
    claim(granted_case, leader, "400000", "c", "helar")
    assert sel.case_money(granted_case).claimable == 0


def test_a_claim_follows_the_rulebooks_reporting_points(granted_case: Any, leader: Any) -> None:
    with refused("delar2, helar"):
        services.claim_submit(
            case=granted_case,
            period_code="tertial1",
            period_end=dt.date(2016, 4, 30),
            amount=D("1"),
            actor=leader,
            idempotency_key="x",
            submitted_on=SEPT,
        )
    with refused("2016-08-31"):
        services.claim_submit(
            case=granted_case,
            period_code="delar2",
            period_end=dt.date(2016, 8, 30),
            amount=D("1"),
            actor=leader,
            idempotency_key="x",
            submitted_on=SEPT,
        )
    with refused("efterskott"):
        services.claim_submit(
            case=granted_case,
            period_code="helar",
            period_end=dt.date(2016, 12, 31),
            amount=D("1"),
            actor=leader,
            idempotency_key="x",
            submitted_on=SEPT,
        )


def test_a_retried_claim_approval_and_payment_book_once(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    first = claim(granted_case, leader, "250000", "k")
    assert claim(granted_case, leader, "250000", "k") == first
    services.claim_approve(claim=first, actor=alice, idempotency_key="ap", approved_on=SEPT)
    services.claim_approve(claim=first, actor=alice, idempotency_key="ap", approved_on=SEPT)
    pay = dict(claim=first, booked_on=SEPT, actor=alice, idempotency_key="pay")
    assert services.payment_book(**pay) == services.payment_book(**pay)
    assert Transaction.objects.filter(kind=Kind.PAYMENT).count() == 1
    assert Transaction.objects.filter(kind=Kind.APPROVAL).count() == 1
    money = sel.case_money(granted_case)
    assert (money.paid, money.outstanding, money.payable) == (D("250000"), D("750000"), 0)
    with pytest.raises(ValidationError):
        services.payment_book(claim=first, booked_on=SEPT, actor=alice, idempotency_key="new")


def test_a_project_leader_cannot_approve_nor_approve_their_own(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    c = claim(granted_case, leader, "1000", "k")
    with refused("inte godkänna"):
        services.claim_approve(claim=c, actor=leader, idempotency_key="a")
    own = claim(granted_case, alice, "1000", "k2")
    with refused("själv"):
        services.claim_approve(claim=own, actor=alice, idempotency_key="b")


def test_finance_attests_after_the_coordinator_when_the_rulebook_says_so(
    granted_case: Any, leader: Any, alice: Any, make_person: Any, monkeypatch: Any
) -> None:
    from satsa.orgs.roles import Role

    monkeypatch.setattr(services, "finance_approval_required", lambda case: True)
    org = granted_case.organisation
    finance = make_person("fia", (org, Role.FINANCE_OFFICER))
    both = make_person("bea", (org, Role.FINANCE_OFFICER), (org, Role.COORDINATOR))
    c = claim(granted_case, leader, "1000", "k")
    with refused("inte godkänna"):
        services.claim_approve(claim=c, actor=finance, idempotency_key="f0")
    services.claim_approve(claim=c, actor=both, idempotency_key="c1")
    c.refresh_from_db()
    assert c.status == Claim.Status.SUBMITTED
    with refused("väntar på attest"):
        services.claim_approve(claim=c, actor=alice, idempotency_key="c2")
    with refused("två led"):
        services.claim_approve(claim=c, actor=both, idempotency_key="c3")
    services.claim_approve(claim=c, actor=finance, idempotency_key="f1")
    c.refresh_from_db()
    assert c.status == Claim.Status.APPROVED


def test_a_rejected_claim_frees_its_room_and_a_booked_one_is_reversed(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    c = claim(granted_case, leader, "1000000", "k")
    services.claim_reject(claim=c, actor=alice, reason="Underlag saknas")
    c2 = claim(granted_case, leader, "900000", "k2")
    services.claim_approve(claim=c2, actor=alice, idempotency_key="a", approved_on=SEPT)
    paid = services.payment_book(claim=c2, booked_on=SEPT, actor=alice, idempotency_key="p")
    approval = c2.transactions.get(kind=Kind.APPROVAL)
    with refused("utbetalningen först"):
        services.entry_reverse(tx=approval, booked_on=SEPT, reason="fel", actor=alice)
    services.entry_reverse(tx=paid, booked_on=SEPT, reason="fel belopp", actor=alice)
    services.entry_reverse(tx=approval, booked_on=SEPT, reason="fel belopp", actor=alice)
    with refused("redan motbokad"):
        services.entry_reverse(tx=approval, booked_on=SEPT, reason="igen", actor=alice)
    c2.refresh_from_db()
    assert c2.status == Claim.Status.REVERSED
    money = sel.case_money(granted_case)
    assert (money.paid, money.approved, money.outstanding) == (0, 0, D("1000000"))
    assert Transaction.objects.filter(kind=Kind.REVERSAL).count() == 2
    assert_balanced()


def test_releasing_returns_what_is_left_to_the_free_capital(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    c = claim(granted_case, leader, "300000", "k")
    services.claim_approve(claim=c, actor=alice, idempotency_key="a", approved_on=SEPT)
    pending = claim(granted_case, leader, "100000", "k2", "helar")
    tx = services.commitment_release(
        case=granted_case, booked_on=dt.date(2017, 2, 1), reason="Avslutad", actor=alice
    )
    assert tx.entries.get(account="2092").amount == D("600000")
    assert (
        services.commitment_release(
            case=granted_case, booked_on=dt.date(2017, 2, 1), reason="igen", actor=alice
        )
        is None
    )
    services.claim_approve(claim=pending, actor=alice, idempotency_key="b", approved_on=SEPT)
    position = sel.fund_position(organisation=granted_case.organisation)
    assert position.free == D("9600000.00")
    assert position.outstanding == 0
    assert position.free == (
        position.deposited
        - position.withdrawn
        - position.committed
        + position.released
        + position.repaid
    )


def test_a_commitment_already_used_cannot_be_reversed(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    c = claim(granted_case, leader, "300000", "k")
    services.claim_approve(claim=c, actor=alice, idempotency_key="a", approved_on=SEPT)
    commitment = granted_case.fund_transactions.get(kind=Kind.COMMITMENT)
    with refused("utnyttjat"):
        services.entry_reverse(tx=commitment, booked_on=SEPT, reason="fel", actor=alice)


# --- repayments ----------------------------------------------------------------------------


def pay_all(case: Any, leader: Any, alice: Any) -> None:
    c = claim(case, leader, str(case.granted_amount), "all")
    services.claim_approve(claim=c, actor=alice, idempotency_key="a", approved_on=SEPT)
    services.payment_book(claim=c, booked_on=SEPT, actor=alice, idempotency_key="p")


def plan(case: Any) -> Any:
    social, school = sorted(case.organisation.boards.all(), key=lambda b: b.name != "Socialnämnden")
    lines = [
        services.PlanLine(social, 2019, D("400000"), D("20000")),
        services.PlanLine(social, 2020, D("350000"), D("17500")),
        services.PlanLine(school, 2020, D("250000"), D("12500")),
    ]
    return (
        services.repayment_plan_create(
            case=case, lines=lines, decided_on=dt.date(2016, 1, 1), actor=system_actor()
        ),
        social,
        school,
    )


def test_the_plan_spreads_the_whole_cost_and_the_fee(granted_case: Any) -> None:
    social = granted_case.organisation.boards.first()
    with refused("hela kostnaden"):
        services.repayment_plan_create(
            case=granted_case,
            lines=[services.PlanLine(social, 2019, D("900000"), D("50000"))],
            decided_on=SEPT,
            actor=system_actor(),
        )
    with refused("Avgiften ska vara 50 000 kr"):
        services.repayment_plan_create(
            case=granted_case,
            lines=[services.PlanLine(social, 2019, D("1000000"), D("0"))],
            decided_on=SEPT,
            actor=system_actor(),
        )
    _plan, _s, _g = plan(granted_case)
    money = sel.case_money(granted_case)
    assert (money.repayment_due, money.fee_due) == (D("1000000"), D("50000"))


def test_no_plan_under_a_rulebook_without_repayment(funded: Any, make_case: Any) -> None:
    case = make_case(funded, rulebook_key="orebro-2020")
    with refused("utan återföring"):
        services.repayment_plan_create(
            case=case,
            lines=[services.PlanLine(funded.boards.first(), 2022, D("1000000"))],
            decided_on=SEPT,
            actor=system_actor(),
        )


@pytest.mark.parametrize(
    ("social", "school", "principal", "shares"),
    [
        # S = 200 000 < 0.3 C: the floor, shared by realised savings 3:1.
        ("150000", "50000", "300000.00", ("225000.00", "75000.00")),
        # 0.3 C < S < C: the savings.
        ("500000", "100000", "600000.00", ("500000.00", "100000.00")),
        # S > C: capped at C.
        ("1500000", "500000", "1000000.00", ("750000.00", "250000.00")),
        # S = 0: the floor, by the plan's shares (787 500 : 262 500).
        ("0", "0", "300000.00", ("225000.00", "75000.00")),
    ],
)
def test_the_settlement_shares_risk_as_orebro_2016(
    granted_case: Any,
    leader: Any,
    alice: Any,
    social: str,
    school: str,
    principal: str,
    shares: tuple[str, str],
) -> None:
    pay_all(granted_case, leader, alice)
    _plan, soc, sch = plan(granted_case)
    settled = services.repayment_settle(
        case=granted_case,
        realised_savings={soc: D(social), sch: D(school)},
        settled_on=dt.date(2019, 6, 1),
        actor=alice,
    )
    lines = settled.lines.all()
    assert sum(line.principal for line in lines) == D(principal)
    assert sum(line.fee for line in lines) == D("50000.00")
    by_board = {b: sum(line.principal for line in lines if line.board == b) for b in (soc, sch)}
    assert (by_board[soc], by_board[sch]) == (D(shares[0]), D(shares[1]))
    # The social board's part keeps the plan's years 2019 and 2020.
    assert {line.year for line in lines if line.board == soc} == {2019, 2020}


def test_the_same_settlement_sent_twice_is_made_once(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    from satsa.events.models import Event
    from satsa.funds.models import RepaymentPlan

    pay_all(granted_case, leader, alice)
    _plan, soc, sch = plan(granted_case)
    made = [
        services.repayment_settle(
            case=granted_case,
            realised_savings={soc: D("150000"), sch: D("50000")},
            settled_on=dt.date(2019, 6, 1),
            actor=alice,
        )
        for _ in range(2)
    ]
    assert made[0].pk == made[1].pk
    settlements = RepaymentPlan.objects.filter(
        case=granted_case, kind=RepaymentPlan.Kind.SETTLEMENT
    )
    assert settlements.count() == 1
    assert Event.objects.filter(verb="fund.repayment_settled").count() == 1


def test_repayments_come_back_to_the_free_capital_and_the_fee_reserve(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    pay_all(granted_case, leader, alice)
    _plan, soc, _sch = plan(granted_case)
    services.repayment_receive(
        case=granted_case,
        board=soc,
        principal=D("400000"),
        fee=D("20000"),
        received_on=dt.date(2019, 12, 1),
        actor=alice,
    )
    with refused("350 000 kr kvar"):
        services.repayment_receive(
            case=granted_case,
            board=soc,
            principal=D("350000.01"),
            received_on=dt.date(2019, 12, 1),
            actor=alice,
        )
    position = sel.fund_position(organisation=granted_case.organisation)
    assert (position.repaid, position.fees, position.paid) == (
        D("400000"),
        D("20000"),
        D("1000000"),
    )
    assert position.free == D("9400000")
    assert position.capital == (
        position.deposited - position.withdrawn - position.paid + position.repaid + position.fees
    )
    money = sel.case_money(granted_case)
    assert money.repayment_left == D("630000")
    forecast = sel.fund_forecast(organisation=granted_case.organisation, on=dt.date(2019, 12, 31))
    assert [(r.year, r.repayments, r.fees) for r in forecast] == [
        (2019, 0, 0),
        (2020, D("600000"), D("30000")),
    ]


def test_uppsala_repays_by_reducing_budget_frames(
    uppsala: Any, make_case: Any, charlie: Any, make_person: Any
) -> None:
    from satsa.orgs.roles import Role

    services.deposit_create(
        organisation=uppsala,
        amount=D("5000000"),
        booked_on=dt.date(2016, 1, 1),
        reference="KF",
        actor=system_actor(),
    )
    leader = make_person("ulla", (uppsala, Role.PROJECT_LEADER))
    case = make_case(uppsala, rulebook_key="uppsala-2016", granted=D("900000"), created_by=leader)
    services.commitment_create(
        case=case,
        amount=D("900000"),
        booked_on=dt.date(2016, 1, 1),
        reference="KS",
        actor=system_actor(),
    )
    # Uppsala pays only under a payment plan that the steering group has approved.
    plan = services.payment_plan_propose(
        case=case, lines=[services.PaymentLine(2016, "T1", D("900000"))], actor=leader
    )
    services.payment_plan_approve(plan=plan, actor=system_actor())
    c = services.claim_submit(
        case=case,
        period_code="tertial1",
        period_end=dt.date(2016, 4, 30),
        amount=D("900000"),
        actor=leader,
        idempotency_key="k",
        submitted_on=dt.date(2016, 5, 5),
    )
    services.claim_approve(
        claim=c, actor=charlie, idempotency_key="a", approved_on=dt.date(2016, 5, 10)
    )
    services.payment_book(
        claim=c, booked_on=dt.date(2016, 5, 20), actor=charlie, idempotency_key="p"
    )
    board = uppsala.boards.get()
    services.repayment_plan_create(
        case=case,
        lines=[services.PlanLine(board, 2018, D("900000"))],
        decided_on=dt.date(2016, 1, 1),
        actor=system_actor(),
    )
    settled = services.repayment_settle(
        case=case,
        realised_savings={board: D("100000")},
        settled_on=dt.date(2018, 3, 1),
        actor=charlie,
    )
    # Floor 100 %: the whole cost comes back whatever was saved, with no fee.
    assert [(line.year, line.principal, line.fee) for line in settled.lines.all()] == [
        (2018, D("900000.00"), D("0.00"))
    ]
    tx = services.repayment_receive(
        case=case,
        board=board,
        principal=D("900000"),
        received_on=dt.date(2018, 1, 1),
        actor=charlie,
    )
    assert tx.entries.get(amount__gt=0).account == "1590"
    assert sel.fund_position(organisation=uppsala).free == D("5000000")


def test_the_journal_sums_to_zero_per_account_kind(
    granted_case: Any, leader: Any, alice: Any
) -> None:
    pay_all(granted_case, leader, alice)
    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert_balanced()


def test_the_exact_settlement_agrees_with_the_calculation_engine() -> None:
    from satsa.economics.repayment import settle
    from satsa.funds.repayment import settlement_amounts

    for cost, saved in [(2_000_000, 1_200_000), (1_000_000, 0), (750_000, 5_000_000)]:
        engine = settle(
            cost=cost, realised={"a": saved}, floor=0.30, fee_rate=0.05, planned_shares={"a": 1}
        )
        principal, fee = settlement_amounts(
            cost=D(cost), savings=D(saved), floor=D("0.30"), fee_share=D("0.05")
        )
        assert (float(principal), float(fee)) == (engine.principal, engine.fee)
