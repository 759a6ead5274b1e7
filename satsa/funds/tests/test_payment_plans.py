"""Uppsala's payment plan: drafted by the case's people, approved by the steering group,
and the claims held to it; Örebro's cases are untouched."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from satsa.cases import selectors as case_sel
from satsa.cases import services as case_services
from satsa.cases.models import Case, Stage
from satsa.events.models import Event
from satsa.funds import selectors as sel
from satsa.funds import services
from satsa.funds.forms import PaymentPlanForm
from satsa.funds.models import AppendOnlyError, Claim, ClaimApproval, PaymentPlan, Transaction
from satsa.orgs.permissions import NotPermitted
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for

D = Decimal
Line = services.PaymentLine
# 600 000 kr over 2017–2018, paid per tertial in arrears.
PLAN = [
    Line(2017, "T1", D("100000")),
    Line(2017, "T2", D("100000")),
    Line(2017, "T3", D("100000")),
    Line(2018, "T1", D("100000")),
    Line(2018, "T2", D("100000")),
    Line(2018, "T3", D("100000")),
]


@contextlib.contextmanager
def refused(text: str) -> Iterator[ValidationError]:
    """The block raises a ValidationError (or, for who may act, NotPermitted) whose
    messages contain ``text`` (spaces in amounts are no-break spaces)."""
    with pytest.raises((ValidationError, NotPermitted)) as error:
        yield error  # type: ignore[misc]
    found = " ".join(error.value.messages)
    assert text.replace(" ", "\u00a0") in found.replace(" ", "\u00a0"), found


def approved_plan(up: Any, lines: list[Any] = PLAN) -> PaymentPlan:
    plan = services.payment_plan_propose(case=up.case, lines=lines, actor=up.applicant)
    services.payment_plan_approve(plan=plan, actor=up.steering)
    return plan


def claim(up: Any, year: int, period: str, amount: str, key: str, **kwargs: Any) -> Claim:
    end = {"tertial1": (4, 30), "tertial2": (8, 31), "helar": (12, 31)}[period]
    return services.claim_submit(
        case=up.case,
        period_code=period,
        period_end=dt.date(year, *end),
        amount=D(amount),
        actor=up.applicant if "actor" not in kwargs else kwargs.pop("actor"),
        idempotency_key=key,
        submitted_on=dt.date(2019, 1, 15),
        **kwargs,
    )


# --- the plan as data -----------------------------------------------------------------------


def test_a_plan_pays_out_exactly_the_grant(up: Any) -> None:
    with refused("Planens rader summerar till 500 000 kr men det beviljade beloppet är"):
        services.payment_plan_propose(case=up.case, lines=PLAN[:5], actor=up.applicant)
    with refused("Planen behöver minst en rad."):
        services.payment_plan_propose(case=up.case, lines=[], actor=up.applicant)
    assert not PaymentPlan.objects.exists()
    plan = services.payment_plan_propose(
        case=up.case, lines=PLAN, actor=up.applicant, note="Jämnt över tertialen."
    )
    assert plan.version == 1 and plan.total == D("600000.00")
    assert [
        (line.year, line.period_code, line.period_end, line.amount) for line in plan.lines.all()
    ][:3] == [
        (2017, "tertial1", dt.date(2017, 4, 30), D("100000.00")),
        (2017, "tertial2", dt.date(2017, 8, 31), D("100000.00")),
        (2017, "helar", dt.date(2017, 12, 31), D("100000.00")),
    ]
    event = Event.objects.get(verb="fund.payment_plan_proposed")
    assert event.actor == up.applicant and event.data["version"] == 1


def test_each_error_names_its_line(up: Any) -> None:
    with refused("Rad 2: perioden ”T4” finns inte. Ange en av T1 (Tertial 1), T2 (Tertial 2), T3"):
        services.payment_plan_propose(
            case=up.case, lines=[PLAN[0], Line(2017, "T4", D("500000"))], actor=up.applicant
        )
    with refused("Rad 1: Tertial 1 2016 ligger utanför satsningens tid"):
        services.payment_plan_propose(
            case=up.case, lines=[Line(2016, "T1", D("600000"))], actor=up.applicant
        )
    with refused("Rad 3: Tertial 1 2017 finns redan på rad 1."):
        services.payment_plan_propose(
            case=up.case,
            lines=[PLAN[0], PLAN[1], Line(2017, "tertial1", D("400000"))],
            actor=up.applicant,
        )
    with refused("Rad 1: beloppet kan ha högst två decimaler (öre)."):
        services.payment_plan_propose(
            case=up.case, lines=[Line(2017, "T1", D("600000.001"))], actor=up.applicant
        )
    with refused("Rad 2: beloppet ska vara större än noll."):
        services.payment_plan_propose(
            case=up.case,
            lines=[Line(2017, "T1", D("600000")), Line(2017, "Helår", D("0"))],
            actor=up.applicant,
        )


def test_the_form_reads_one_line_per_period_and_names_bad_lines() -> None:
    form = PaymentPlanForm(
        {"lines": "2017;T1;100 000\n\n2017-Tertial 2;200000,50\n2017\tHelår\t299 999,50 kr"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["lines"] == [
        Line(2017, "T1", D("100000"), line=1),
        Line(2017, "Tertial 2", D("200000.50"), line=3),
        Line(2017, "Helår", D("299999.50"), line=4),
    ]
    form = PaymentPlanForm({"lines": "2017;T1;100000\n2017;T2\nåret;T3;1\n2018;T1;mycket"})
    assert not form.is_valid()
    assert form.errors["lines"] == [
        "Rad 2: skriv år, period och belopp åtskilda med semikolon, t.ex. 2017;T1;150 000.",
        "Rad 3: ”året” är inte ett år.",
        "Rad 4: ”mycket” är inte ett belopp i kronor.",
    ]


def test_a_new_version_supersedes_the_older(up: Any) -> None:
    first = approved_plan(up)
    assert sel.payment_plan_is_approved(up.case)
    second = services.payment_plan_propose(
        case=up.case,
        lines=[Line(2017, "T1", D("300000")), Line(2018, "T3", D("300000"))],
        actor=up.applicant,
    )
    assert second.version == 2
    # The newest version waits for approval; payments keep to the one approved before.
    assert not sel.payment_plan_is_approved(up.case)
    assert sel.payment_plan_in_force(up.case) == first
    with refused("Förslaget är likadant som version 2."):
        services.payment_plan_propose(
            case=up.case,
            lines=[Line(2018, "Helår", D("300000")), Line(2017, "tertial1", D("300000"))],
            actor=up.applicant,
        )
    third = services.payment_plan_propose(case=up.case, lines=PLAN, actor=up.applicant)
    with refused("Version 2 har ersatts av en nyare och kan inte godkännas."):
        services.payment_plan_approve(plan=second, actor=up.steering)
    services.payment_plan_approve(plan=third, actor=up.steering)
    assert sel.payment_plan_in_force(up.case) == third
    assert [p.version for p in sel.payment_plans_of(up.case)] == [3, 2, 1]
    # Versions are never edited.
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        first.lines.first().save()
    with pytest.raises(AppendOnlyError):
        PaymentPlan.objects.filter(pk=first.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        first.approval.save()


def test_the_case_people_or_the_coordinator_draft_the_plan(up: Any) -> None:
    up.case.co_applicants.add(up.co_applicant)
    for person in (up.applicant, up.co_applicant, up.coordinator):
        assert services.may_draft_payment_plan(person, up.case)
    for person in (up.outsider, up.steering):
        assert not services.may_draft_payment_plan(person, up.case)
        with refused("Du får inte upprätta utbetalningsplanen för det här ärendet."):
            services.payment_plan_propose(case=up.case, lines=PLAN, actor=person)


def test_only_the_steering_group_approves(up: Any) -> None:
    plan = services.payment_plan_propose(case=up.case, lines=PLAN, actor=up.coordinator)
    for person in (up.coordinator, up.applicant):
        with refused("Bara styrgruppen godkänner planerna."):
            services.payment_plan_approve(plan=plan, actor=person)
    assert sel.approval_of(plan) is None
    approval = services.payment_plan_approve(plan=plan, actor=up.steering)
    assert approval.approved_by == up.steering and approval.approved_at is not None
    event = Event.objects.get(verb="fund.payment_plan_approved")
    assert event.actor == up.steering and event.data["version"] == 1
    with refused("Planen är redan godkänd."):
        services.payment_plan_approve(plan=plan, actor=up.steering)


# --- the guards of the "plans" step -------------------------------------------------------------


def test_the_plans_step_passes_once_the_steering_group_approved_both_plans(up: Any) -> None:
    rulebook = rulebook_for(up.case)
    states = {g.code: g for g in case_sel.guard_states(up.case)}
    assert set(states) == {"payment_plan_approved", "repayment_plan_approved"}
    # No more tick boxes: only the approvals make the guards hold.
    assert not any(g.holds or g.confirmable for g in states.values())
    with pytest.raises(case_services.GuardError) as error:
        case_services.case_advance(
            case=up.case,
            actor=up.steering,
            confirmations=["payment_plan_approved", "repayment_plan_approved"],
        )
    assert error.value.codes == ["payment_plan_approved", "repayment_plan_approved"]

    plan = services.payment_plan_propose(case=up.case, lines=PLAN, actor=up.applicant)
    assert "payment_plan_approved" not in case_sel.guards_holding(up.case, rulebook)
    services.payment_plan_approve(plan=plan, actor=up.steering)
    assert "payment_plan_approved" in case_sel.guards_holding(up.case, rulebook)

    repayment = services.repayment_plan_create(
        case=up.case,
        lines=[services.PlanLine(up.board, 2020, D("600000"))],
        decided_on=dt.date(2017, 1, 1),
        actor=up.coordinator,
    )
    assert "repayment_plan_approved" not in case_sel.guards_holding(up.case, rulebook)
    with refused("Bara styrgruppen godkänner planerna."):
        services.repayment_plan_approve(plan=repayment, actor=up.coordinator)
    services.repayment_plan_approve(plan=repayment, actor=up.steering)
    assert Event.objects.filter(verb="fund.repayment_plan_approved").count() == 1
    assert {"payment_plan_approved", "repayment_plan_approved"} <= case_sel.guards_holding(
        up.case, rulebook
    )

    case = case_services.case_advance(case=up.case, actor=up.steering, comment="Godkända.")
    assert case.step == "" and case.stage == Stage.DECIDED
    assert Event.objects.filter(verb="case.advanced", data__from="plans").exists()


def test_plans_confirmed_by_a_tick_before_still_hold(up: Any) -> None:
    Case.objects.filter(pk=up.case.pk).update(
        confirmed_guards=["payment_plan_approved", "repayment_plan_approved"]
    )
    up.case.refresh_from_db()
    holding = case_sel.guards_holding(up.case, rulebook_for(up.case))
    assert {"payment_plan_approved", "repayment_plan_approved"} <= holding
    # Such a case goes on being paid without a plan as data.
    assert claim(up, 2017, "tertial1", "250000", "k").status == Claim.Status.SUBMITTED


def test_a_newer_repayment_plan_needs_its_own_approval(up: Any) -> None:
    old = services.repayment_plan_create(
        case=up.case,
        lines=[services.PlanLine(up.board, 2020, D("600000"))],
        decided_on=dt.date(2017, 1, 1),
        actor=up.coordinator,
    )
    services.repayment_plan_create(
        case=up.case,
        lines=[services.PlanLine(up.board, 2021, D("600000"))],
        decided_on=dt.date(2017, 2, 1),
        actor=up.coordinator,
    )
    with refused("En nyare återföringsplan har ersatt den här."):
        services.repayment_plan_approve(plan=old, actor=up.steering)
    assert not sel.repayment_plan_is_approved(up.case)


# --- claims held to the plan --------------------------------------------------------------------


def test_uppsala_claims_wait_for_an_approved_plan(up: Any) -> None:
    assert services.claims_wait_for_payment_plan(up.case)
    with refused("Utbetalningsplanen är inte godkänd av styrgruppen."):
        claim(up, 2017, "tertial1", "100000", "k1")
    plan = services.payment_plan_propose(case=up.case, lines=PLAN, actor=up.applicant)
    with refused("Utbetalningsplanen är inte godkänd av styrgruppen."):
        claim(up, 2017, "tertial1", "100000", "k1")
    # A claim left from before is not approved either.
    early = Claim.objects.create(
        organisation=up.org,
        case=up.case,
        period_code="tertial1",
        period_end=dt.date(2017, 4, 30),
        amount=D("100000"),
        idempotency_key="early",
        submitted_by=up.applicant,
    )
    with refused("Utbetalningsplanen är inte godkänd av styrgruppen."):
        services.claim_approve(claim=early, actor=up.coordinator, idempotency_key="a0")
    services.payment_plan_approve(plan=plan, actor=up.steering)
    assert not services.claims_wait_for_payment_plan(up.case)
    services.claim_approve(claim=early, actor=up.coordinator, idempotency_key="a0")
    assert Claim.objects.get(pk=early.pk).status == Claim.Status.APPROVED


def test_a_claim_beyond_the_plan_needs_a_reason(up: Any) -> None:
    approved_plan(up)
    with refused(
        "Utbetalningarna till och med 2017-04-30 blir 150 000 kr, mer än "
        "utbetalningsplanens 100 000 kr. Ange en motivering för avsteget från planen."
    ) as error:
        claim(up, 2017, "tertial1", "150000", "k1")
    assert "override_reason" in error.value.message_dict
    ahead = claim(
        up, 2017, "tertial1", "150000", "k1", override_reason="Rekryteringen gick fortare."
    )
    assert ahead.plan_deviation_reason == "Rekryteringen gick fortare."
    assert sel.claim_over_plan(ahead) == D("50000")
    # The approver answers for the deviation too.
    with refused("mer än utbetalningsplanens 100 000 kr"):
        services.claim_approve(claim=ahead, actor=up.coordinator, idempotency_key="a1")
    assert not ClaimApproval.objects.exists()
    services.claim_approve(
        claim=ahead,
        actor=up.coordinator,
        idempotency_key="a1",
        override_reason="Styrgruppen informerad.",
    )
    approval = ClaimApproval.objects.get(claim=ahead)
    assert approval.override_reason == "Styrgruppen informerad."
    booked = Transaction.objects.get(claim=ahead)
    assert booked.override_reason == "Styrgruppen informerad."
    event = Event.objects.get(verb="fund.claim_approved")
    assert event.data["override_reason"] == "Styrgruppen informerad."
    # Cumulatively back within the plan by the next tertial: no reason needed.
    within = claim(up, 2017, "tertial2", "50000", "k2")
    assert within.plan_deviation_reason == "" and sel.claim_over_plan(within) == 0
    services.claim_approve(claim=within, actor=up.coordinator, idempotency_key="a2")
    # A rejected claim does not count against the plan.
    services.claim_reject(
        claim=claim(up, 2017, "helar", "100000", "k3"), actor=up.coordinator, reason="Fel."
    )
    assert sel.claimed_to(up.case, dt.date(2017, 12, 31)) == D("200000")


def test_an_approved_plan_shapes_the_forecast(up: Any) -> None:
    approved_plan(
        up,
        [Line(2017, "T3", D("100000")), Line(2018, "T3", D("500000"))],
    )
    expected = sel.expected_claims(up.case, dt.date(2017, 1, 1))
    assert expected == {2017: D("100000"), 2018: D("500000")}


# --- Örebro is untouched ------------------------------------------------------------------------


def test_orebro_pays_without_a_payment_plan(
    granted_case: Any, leader: Any, alice: Any, make_person: Any
) -> None:
    assert not services.payment_plan_required(granted_case)
    assert not services.claims_wait_for_payment_plan(granted_case)
    with refused("Regelboken kräver ingen utbetalningsplan för det här ärendet."):
        services.payment_plan_propose(
            case=granted_case, lines=[Line(2016, "helar", D("1000000"))], actor=alice
        )
    c = services.claim_submit(
        case=granted_case,
        period_code="delar2",
        period_end=dt.date(2016, 8, 31),
        amount=D("900000"),
        actor=leader,
        idempotency_key="k",
        submitted_on=dt.date(2016, 9, 5),
    )
    services.claim_approve(claim=c, actor=alice, idempotency_key="a")
    assert Claim.objects.get(pk=c.pk).status == Claim.Status.APPROVED
    board = granted_case.organisation.boards.first()
    plan = services.repayment_plan_create(
        case=granted_case,
        lines=[services.PlanLine(board, 2019, D("1000000"), D("50000"))],
        decided_on=dt.date(2016, 1, 1),
        actor=alice,
    )
    steering = make_person("sara", (granted_case.organisation, Role.STEERING_GROUP))
    with refused("Regelboken kräver inte att styrgruppen godkänner återföringsplanen."):
        services.repayment_plan_approve(plan=plan, actor=steering)


# --- the money page -------------------------------------------------------------------------------


def url(name: str, *args: Any, org: str = "uppsala") -> str:
    return reverse(f"funds:{name}", args=[org, *args])


def test_the_applicant_proposes_and_the_steering_group_approves_on_the_money_page(
    up: Any, client_as: Any
) -> None:
    applicant = client_as(up.applicant)
    page = applicant.get(url("case", up.case.pk)).content.decode()
    assert "Utbetalningsplan" in page and "Ingen utbetalningsplan är upprättad än." in page
    # The form starts from the grant spread over the project's tertials.
    assert "2017;T1;" in page and "2018;T3;" in page
    assert '<label for="id_lines">' in page
    assert "Utbetalningsplanen är inte godkänd av styrgruppen än." in page

    bad = applicant.post(url("payment_plan", up.case.pk), {"lines": "2017;T1;100000\n2017;T9;1"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Rad 2: perioden ”T9” finns inte." in html
    assert "2017;T9;1" in html  # what was typed is kept
    assert not PaymentPlan.objects.exists()

    lines = "\n".join(f"{ln.year};{ln.period};{ln.amount}" for ln in PLAN)
    assert (
        applicant.post(url("payment_plan", up.case.pk), {"lines": lines, "note": "Jämnt."})
    ).status_code == 302
    plan = PaymentPlan.objects.get()

    steering = client_as(up.steering)
    page = steering.get(url("case", up.case.pk)).content.decode()
    assert "Väntar på styrgruppens godkännande." in page
    assert "<caption>Utbetalningsplan, version 1</caption>" in page
    assert '<th scope="row">Tertial 1 2017</th>' in page
    assert url("payment_plan_approve", plan.pk) in page
    assert "Föreslå en ny version" not in page  # the steering group does not draft
    assert steering.post(url("payment_plan_approve", plan.pk)).status_code == 302
    assert sel.approval_of(PaymentPlan.objects.get()).approved_by == up.steering
    page = applicant.get(url("case", up.case.pk)).content.decode()
    assert "Godkänd av styrgruppen" in page and url("payment_plan_approve", plan.pk) not in page
    assert "Utbetalningsplanen är inte godkänd av styrgruppen än." not in page


def test_a_claim_beyond_the_plan_asks_for_a_reason_on_the_page(up: Any, client_as: Any) -> None:
    approved_plan(up)
    applicant = client_as(up.applicant)
    page = applicant.get(url("case", up.case.pk)).content.decode()
    assert "Motivering för avsteg från utbetalningsplanen" in page
    key = page.split('name="idempotency_key" value="')[1][:32]
    form = {"idempotency_key": key, "period": "tertial1:2017-04-30", "amount": "150000"}
    response = applicant.post(url("case", up.case.pk), form)
    assert response.status_code == 200
    assert "mer än utbetalningsplanens" in response.content.decode()
    form["override_reason"] = "Rekryteringen gick fortare."
    assert applicant.post(url("case", up.case.pk), form).status_code == 302
    ahead = Claim.objects.get()
    coordinator = client_as(up.coordinator)
    page = coordinator.get(url("case", up.case.pk)).content.decode()
    assert f'id="override-{ahead.pk}"' in page
    assert coordinator.get(url("overview")).content.decode().count(f'id="override-{ahead.pk}"')
    approve = {"idempotency_key": "b" * 32}
    coordinator.post(url("claim_approve", ahead.pk), approve)
    assert Claim.objects.get().status == Claim.Status.SUBMITTED
    approve["override_reason"] = "Styrgruppen informerad."
    coordinator.post(url("claim_approve", ahead.pk), approve)
    assert Claim.objects.get().status == Claim.Status.APPROVED


def test_the_steering_group_approves_the_repayment_plan_on_the_page(
    up: Any, client_as: Any
) -> None:
    plan = services.repayment_plan_create(
        case=up.case,
        lines=[services.PlanLine(up.board, 2020, D("600000"))],
        decided_on=dt.date(2017, 1, 1),
        actor=up.coordinator,
    )
    page = client_as(up.steering).get(url("case", up.case.pk)).content.decode()
    assert "Återföringsplanen väntar på styrgruppens godkännande." in page
    assert url("repayment_plan_approve", plan.pk) in page
    assert client_as(up.coordinator).post(url("repayment_plan_approve", plan.pk)).status_code == 403
    assert client_as(up.steering).post(url("repayment_plan_approve", plan.pk)).status_code == 302
    assert sel.repayment_plan_is_approved(up.case)


def test_the_pages_refuse_other_roles_and_organisations(
    up: Any, client_as: Any, alice: Any
) -> None:
    plan = services.payment_plan_propose(case=up.case, lines=PLAN, actor=up.applicant)
    lines = {"lines": "2017;T1;600000"}
    # Another organisation's user learns nothing: 404 on every page and POST.
    other = client_as(alice)
    assert other.get(url("case", up.case.pk)).status_code == 404
    assert other.post(url("payment_plan", up.case.pk), lines).status_code == 404
    assert other.post(url("payment_plan_approve", plan.pk)).status_code == 404
    assert other.post(url("repayment_plan_approve", plan.pk)).status_code == 404
    # Örebro's URL for Uppsala's plan is a 404 too, for Uppsala's steering group.
    steering = client_as(up.steering)
    assert steering.post(url("payment_plan_approve", plan.pk, org="orebro")).status_code == 404
    # Members without the role: 403.
    assert client_as(up.applicant).post(url("payment_plan_approve", plan.pk)).status_code == 403
    assert client_as(up.coordinator).post(url("payment_plan_approve", plan.pk)).status_code == 403
    assert steering.post(url("payment_plan", up.case.pk), lines).status_code == 403
    # An applicant of another case does not see this one.
    assert client_as(up.outsider).post(url("payment_plan", up.case.pk), lines).status_code == 404
    assert PaymentPlan.objects.count() == 1 and sel.approval_of(plan) is None


def test_orebro_money_page_has_no_payment_plan(
    granted_case: Any, client_as: Any, alice: Any, leader: Any
) -> None:
    page = client_as(alice).get(url("case", granted_case.pk, org="orebro")).content.decode()
    assert "Utbetalningsplan" not in page.replace("Utbetalningsplanen", "")
    assert "override_reason" not in page
    response = client_as(leader).post(
        url("payment_plan", granted_case.pk, org="orebro"), {"lines": "2016;helar;1000000"}
    )
    assert response.status_code == 404
