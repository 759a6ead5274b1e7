"""The cross-app decisions: the steering group's ranking and the executive board's decision.

Both read the fund's free capital (satsa.funds) and the rulebook's yearly cap; the grant
also books its commitment in the ledger and keeps the calculation it rests on, in the same
transaction as the case's change of stage. Lock, then check: everything a decision reads to
decide is read again under the organisation's and the case's row locks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.calculations.selectors import calculation_of_record
from satsa.calculations.services import calculation_snapshot
from satsa.cases import lifecycle
from satsa.cases import selectors as sel
from satsa.cases.models import BoardNotice, Case, CriterionAssessment, Exemption, Stage
from satsa.cases.services import GuardError, enter_step
from satsa.core.money import AUTO, kr
from satsa.events.services import event_record
from satsa.followup.services import reports_reschedule
from satsa.funds.selectors import fund_position
from satsa.funds.services import commitment_create
from satsa.orgs.models import Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm
from satsa.rulebooks.selectors import rulebook_for
from satsa.rules import Rulebook, missing_guards
from satsa.types import Actor


def _require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError({field: message} if field else message)


def free_capital(organisation: Organisation, on: dt.date | None = None) -> Decimal:
    """The fund's free capital on ``on`` (today when None)."""
    return Decimal(fund_position(organisation=organisation, on=on).free)


def _requested(case: Case) -> Decimal:
    version = sel.latest_submitted(case)
    value = (version.figures if version else {}).get("requested_amount")
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _selection_score(case: Case, rulebook: Rulebook) -> Decimal | None:
    criteria = rulebook.criteria.selection
    if criteria is None:
        return None
    scores = {
        a.criterion: a.score
        for a in CriterionAssessment.objects.filter(case=case, criteria_list="selection")
        if a.score is not None
    }
    total = weights = Decimal(0)
    for item in criteria.items:
        weight = Decimal(str(item.weight or 1))
        total += weight * Decimal(scores.get(item.id, 0))
        weights += weight
    return (total / weights).quantize(Decimal("0.01")) if weights else None


def steering_rank(
    *,
    organisation: Organisation,
    actor: Actor,
    year: int | None = None,
    order: Sequence[int] = (),
    by_hand: bool = False,
    reason: str = "",
) -> list[Case]:
    """Rank the applications waiting for the steering group and mark which fit.

    By the criteria (the default), applications are ordered by their selection-criteria
    score (weighted when the rulebook weights them); ties, and rulebooks without selection
    criteria, follow ``order`` (case ids as the steering group put them). ``by_hand``, the
    steering group sets the order itself: ``order`` must name every waiting application
    once and ``reason`` says why; both are recorded. Walking down the list, an
    application fits while its requested amount is within the fund's free capital left
    and the year still has room under the rulebook's cap.
    """
    require_perm(actor, organisation, Perm.STEERING_APPROVE)
    reason = reason.strip()
    if by_hand:
        _require(len(reason) >= 10, _("Motivera ordningen styrgruppen har satt."), "reason")
    year = year or sel.today().year
    now = timezone.now()
    with transaction.atomic():
        # Two rankings at once must not interleave their ranks: the organisation's lock.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        pending = list(
            Case.objects.select_for_update().filter(
                organisation=organisation, step="steering_group", outcome=""
            )
        )
        _require(bool(pending), _("Inga ansökningar väntar på styrgruppen."))
        if by_hand:
            _require(
                sorted(order) == sorted(c.pk for c in pending),
                _("Ange en plats för varje ansökan som väntar, var och en en gång."),
                "order",
            )
        position = {pk: i for i, pk in enumerate(order)}
        scored = []
        for case in pending:
            rulebook = rulebook_for(case)
            score = _selection_score(case, rulebook)
            scored.append((case, rulebook, score))
        if by_hand:
            scored.sort(key=lambda t: position[t[0].pk])
        else:
            scored.sort(
                key=lambda t: (
                    -(t[2] if t[2] is not None else Decimal(0)),
                    position.get(t[0].pk, len(position)),
                    t[0].created_at,
                )
            )
        free = free_capital(organisation)
        granted = sel.grants_in_year(organisation, year)
        for rank, (case, rulebook, score) in enumerate(scored, start=1):
            amount = _requested(case)
            limit = rulebook.grants.max_new_per_year
            fits = amount <= free and (limit is None or granted < limit)
            if fits:
                granted += 1
                free -= amount
            case.priority_rank, case.priority_score = rank, score
            case.priority_fits, case.prioritised_at = fits, now
            case.priority_reason = reason if by_hand else ""
            case.save(
                update_fields=[
                    "priority_rank",
                    "priority_score",
                    "priority_fits",
                    "prioritised_at",
                    "priority_reason",
                ]
            )
            event_record(
                actor=actor,
                verb="case.ranked_by_hand" if by_hand else "case.ranked",
                target=case,
                data={
                    "rank": rank,
                    "score": score,
                    "fits": fits,
                    "year": year,
                    "by_hand": by_hand,
                    "reason": reason if by_hand else "",
                    "order": [t[0].title for t in scored],
                },
            )
    return [t[0] for t in scored]


def _chain_requires(rulebook: Rulebook, guard: str) -> bool:
    return any(guard in stage.guards for stage in rulebook.decision_chain)


def check_decision_record(*, actor: Actor, case: Case) -> None:
    """Whether ``actor`` may record a decision on ``case`` now (a hint before the form;
    :func:`decision_record` checks again under its locks)."""
    require_perm(actor, case.organisation, Perm.RECORD_DECISION)
    _require(case.stage in lifecycle.OPEN and not case.outcome, _("Ärendet är redan avgjort."))
    _require(case.step == "decision", _("Ärendet har inte nått kommunstyrelsen än."))


def decision_record(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    decided_on: dt.date,
    diarienummer: str,
    minutes_reference: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
    override_reason: str = "",
    idempotency_key: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Case:
    """Enter the executive board's decision.

    Refused before every required signature of the current version is in and the
    boards' comment deadline has passed (when the rulebook asks for either), a grant
    without a computed calculation where the rulebook requires one (unless the approval
    rule is exempted with a reason), and for a
    grant over the fund's free capital or past the yearly cap unless ``override_reason``
    says why; the override is recorded. A grant books its commitment in the fund ledger
    and snapshots the calculation in the same transaction as the change of stage.

    ``idempotency_key`` comes with the form the person filled in: the same form sent
    twice records one decision and returns the case as the first recorded it.
    """
    require_perm(actor, case.organisation, Perm.RECORD_DECISION)
    _require(outcome in Case.Outcome.values, _("Välj beviljad eller avslagen."), "outcome")
    diarienummer = diarienummer.strip()
    _require(bool(diarienummer), _("Ange diarienummer."), "diarienummer")
    _require(bool(minutes_reference.strip()), _("Ange protokollsparagraf."), "minutes_reference")
    if outcome == Case.Outcome.GRANTED:
        _require(amount is not None and amount > 0, _("Ange beviljat belopp."), "amount")
        # Reports, claims and the move to implementation follow the period: a grant
        # without one leaves the project stuck, so the decision states it.
        start_date, end_date = start_date or case.start_date, end_date or case.end_date
        _require(start_date is not None, _("Ange projektets startdatum."), "start_date")
        _require(end_date is not None, _("Ange projektets slutdatum."), "end_date")
        assert start_date is not None and end_date is not None
        _require(end_date > start_date, _("Slutdatum ska vara efter startdatum."), "end_date")
    else:
        _require(bool(reasons.strip()), _("Ange skälen för avslaget."), "reasons")
    override_reason = override_reason.strip()
    try:
        with transaction.atomic():
            # Race: two decisions both spending the same free capital or the last place
            # under the yearly cap, or one case decided twice. Lock the organisation, then
            # the case (the ledger's order), and check everything again under the locks.
            Organisation.objects.select_for_update().filter(pk=case.organisation_id).first()
            lifecycle.locked_case(case)
            if idempotency_key and case.decision_key == idempotency_key:
                return case
            _require(
                case.stage in lifecycle.OPEN and not case.outcome,
                _("Ärendet är redan avgjort."),
            )
            _require(case.step == "decision", _("Ärendet har inte nått kommunstyrelsen än."))
            _require(
                not Case.objects.filter(organisation=case.organisation, diarienummer=diarienummer)
                .exclude(pk=case.pk)
                .exists(),
                _("Diarienumret används redan i ett annat ärende."),
                "diarienummer",
            )
            rulebook = rulebook_for(case)
            overrides = _decision_checks(case, rulebook, outcome, decided_on, amount)
            if overrides and len(override_reason) < 10:
                raise ValidationError(
                    {"override_reason": [*overrides, _("Motivera avsteget för att bevilja ändå.")]}
                )
            granted = outcome == Case.Outcome.GRANTED
            lifecycle.stage_change(
                case=case,
                to=Stage.DECIDED if granted else Stage.REJECTED,
                actor=actor,
                reason="decision",
                fields={
                    "outcome": outcome,
                    "decided_on": decided_on,
                    "diarienummer": diarienummer,
                    "minutes_reference": minutes_reference.strip(),
                    "decision_conditions": conditions,
                    "rejection_reasons": "" if granted else reasons,
                    "override_reason": override_reason if overrides else "",
                    "granted_amount": amount if granted else None,
                    "decision_key": idempotency_key,
                    # A grant states the project's period (prefilled from the case).
                    "start_date": start_date if granted else case.start_date,
                    "end_date": end_date if granted else case.end_date,
                    "step": "",
                    "step_due_on": None,
                },
            )
            event_record(
                actor=actor,
                verb="case.decided",
                target=case,
                data={
                    "outcome": outcome,
                    "amount": case.granted_amount,
                    "decided_on": decided_on,
                    "diarienummer": diarienummer,
                    "minutes": case.minutes_reference,
                    "overrides": overrides,
                    "override_reason": case.override_reason,
                },
            )
            if granted:
                assert amount is not None
                # The ledger refuses a grant over the free capital unless it is given the
                # board's reason, which it then records on the commitment.
                commitment_create(
                    case=case,
                    amount=amount,
                    booked_on=decided_on,
                    reference=diarienummer,
                    actor=actor,
                    override_reason=case.override_reason,
                )
                calculation_snapshot(case=case, reason="decided", actor=actor)
                following = rulebook.next_stage("decision")
                if following is not None:
                    enter_step(case, rulebook, following.id, actor)
    except IntegrityError:
        raise ValidationError(
            {"diarienummer": _("Diarienumret används redan i ett annat ärende.")}
        ) from None
    return case


def check_period_change(*, actor: Actor, case: Case) -> None:
    """Whether ``actor`` may record a decision changing the project's period now (a hint
    before the form; :func:`case_period_change` checks again under its lock)."""
    require_perm(
        actor,
        case.organisation,
        Perm.RECORD_DECISION,
        message=_(
            "Projektperioden ändras genom ett nytt beslut, som registreras av den som "
            "registrerar kommunstyrelsens beslut."
        ),
    )
    _require(
        case.outcome == Case.Outcome.GRANTED and case.stage in lifecycle.ACTIVE,
        _("Bara en beviljad satsning som inte har avslutats kan få en ny projektperiod."),
    )


def case_period_change(
    *,
    case: Case,
    actor: Actor,
    start_date: dt.date,
    end_date: dt.date,
    decided_on: dt.date,
    minutes_reference: str,
    reason: str,
) -> Case:
    """Record a decision that changes the project's start and end dates; the reports'
    schedule (and a scheduled follow-up evaluation) follows the new period."""
    check_period_change(actor=actor, case=case)
    _require(end_date > start_date, _("Slutdatum ska vara efter startdatum."), "end_date")
    _require(bool(minutes_reference.strip()), _("Ange protokollsparagraf."), "minutes_reference")
    _require(len(reason.strip()) >= 10, _("Ange skälen för den nya perioden."), "reason")
    with transaction.atomic():
        lifecycle.locked_case(case)
        check_period_change(actor=actor, case=case)
        before = (case.start_date, case.end_date)
        _require(
            before != (start_date, end_date),
            _("Perioden är redan %(start)s – %(end)s.")
            % {"start": start_date.isoformat(), "end": end_date.isoformat()},
        )
        case.start_date, case.end_date = start_date, end_date
        case.save(update_fields=["start_date", "end_date"])
        event_record(
            actor=actor,
            verb="case.period_changed",
            target=case,
            data={
                "from": [d.isoformat() if d else None for d in before],
                "to": [start_date.isoformat(), end_date.isoformat()],
                "decided_on": decided_on,
                "minutes": minutes_reference.strip(),
                "reason": reason.strip(),
            },
        )
        reports_reschedule(case=case, actor=actor)
    return case


def _decision_checks(
    case: Case, rulebook: Rulebook, outcome: str, decided_on: dt.date, amount: Decimal | None
) -> list[str]:
    """Raise for what stops the decision; return what a grant needs a stated reason for."""
    if outcome != Case.Outcome.GRANTED:
        return []
    holding = sel.guards_holding(case, rulebook, on=decided_on)
    hard = []
    for guard in ("department_heads_signed", "partner_managers_signed"):
        if _chain_requires(rulebook, guard) and guard not in holding:
            hard.append(guard)
    if any(
        "boards_informed" in s.guards
        for s in rulebook.decision_chain
        if s.id not in sel.idea_steps(rulebook)
    ) and not sel.boards_done(case, BoardNotice.Phase.APPLICATION, decided_on):
        hard.append("boards_informed")
    hard += [
        g
        for g in missing_guards(rulebook, "decision", holding | {"decision_recorded"})
        if g not in hard
    ]
    if hard:
        raise GuardError(hard)
    _require(
        not rulebook.approval.calculation_required
        or calculation_of_record(case)[0] is not None
        or Exemption.objects.filter(case=case, rule="approval_rule").exists(),
        _(
            "Regelboken kräver att beslutet vilar på en beräknad kalkyl, och ärendet har "
            "ingen. Räkna kalkylen, eller registrera ett motiverat undantag från "
            "beslutsregeln, för att kunna bevilja."
        ),
    )
    assert amount is not None
    overrides: list[str] = []
    free = free_capital(case.organisation, decided_on)
    if amount > free:
        overrides.append(
            _("Beloppet %(amount)s är större än fondens fria kapital %(free)s.")
            % {"amount": kr(amount, decimals=AUTO), "free": kr(free, decimals=AUTO)}
        )
    limit = rulebook.grants.max_new_per_year
    done = sel.grants_in_year(case.organisation, decided_on.year, exclude=case)
    if limit is not None and done >= limit:
        overrides.append(
            _("Redan %(done)s av högst %(limit)s nya satsningar är beviljade %(year)s.")
            % {"done": done, "limit": limit, "year": decided_on.year}
        )
    return overrides
