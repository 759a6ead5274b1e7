"""Who hears of a payment claim: those who approve it when it is submitted, and the people
of the case when it is approved, paid or refused."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from satsa.core.money import AUTO, kr
from satsa.events.models import Event
from satsa.events.notifications import Notice
from satsa.funds.models import Claim
from satsa.orgs.permissions import people_with_perm
from satsa.orgs.roles import Perm


def _claim(pk: Any) -> Claim | None:
    if not str(pk).isdigit():
        return None
    return (
        Claim.objects.select_related("case", "organisation", "submitted_by")
        .filter(pk=int(pk))
        .first()
    )


def claimants(claim: Claim) -> list[Any]:
    """The claim's people: who submitted it, the case's applicants and its project leader."""
    case = claim.case
    people = [claim.submitted_by, case.created_by, *case.co_applicants.all()]
    people.append(case.project_leader)
    return [person for person in people if person is not None]


def _period(claim: Claim) -> str:
    # The rulebook's Swedish name of the period; without reporting points the code is the
    # claimant's own words.
    return claim.period_name


def _notice(claim: Claim, recipients: list[Any], subject: str, body: str) -> list[Notice]:
    case = claim.case
    link = reverse("funds:case", kwargs={"org_slug": claim.organisation.slug, "pk": case.pk})
    return [Notice(recipients=recipients, subject=subject, body=body, title=case.title, link=link)]


def submitted(event: Event) -> list[Notice]:
    """To whoever approves claims in the organisation, except the claimant (who may not)."""
    claim = _claim(event.target_id)
    if claim is None:
        return []
    approvers = [
        person
        for person in people_with_perm(claim.organisation, Perm.APPROVE_CLAIM)
        if person.pk != claim.submitted_by_id
    ]
    return _notice(
        claim,
        approvers,
        _("Utbetalningsbegäran att godkänna"),
        _("%(amount)s begärs för %(period)s.")
        % {"amount": kr(claim.amount, decimals=AUTO), "period": _period(claim)},
    )


def approved(event: Event) -> list[Notice]:
    """The last level's approval goes to the claim's people; a first level that leaves the
    claim waiting for finance's attestation goes to finance."""
    claim = _claim(event.target_id)
    if claim is None:
        return []
    values = {"amount": kr(claim.amount, decimals=AUTO), "period": _period(claim)}
    if event.data.get("transaction") is None:
        approvers = {a.approved_by_id for a in claim.approvals.all()}
        attesters = [
            person
            for person in people_with_perm(claim.organisation, Perm.APPROVE_CLAIM_FINANCE)
            if person.pk not in approvers and person.pk != claim.submitted_by_id
        ]
        return _notice(
            claim,
            attesters,
            _("Utbetalningsbegäran att attestera"),
            _("%(amount)s för %(period)s är godkänd och väntar på attest.") % values,
        )
    return _notice(
        claim,
        claimants(claim),
        _("Utbetalningsbegäran godkänd"),
        _("%(amount)s för %(period)s är godkänd och betalas ut.") % values,
    )


def refused(event: Event) -> list[Notice]:
    claim = _claim(event.target_id)
    if claim is None:
        return []
    return _notice(
        claim,
        claimants(claim),
        _("Utbetalningsbegäran avslagen"),
        _("%(amount)s för %(period)s betalas inte ut. Skäl: %(reason)s")
        % {
            "amount": kr(claim.amount, decimals=AUTO),
            "period": _period(claim),
            "reason": event.data.get("reason", ""),
        },
    )


def paid(event: Event) -> list[Notice]:
    claim = _claim(event.data.get("claim"))
    if claim is None:
        return []
    return _notice(
        claim,
        claimants(claim),
        _("Utbetalning gjord"),
        _("%(amount)s för %(period)s har betalats ut.")
        % {"amount": kr(claim.amount, decimals=AUTO), "period": _period(claim)},
    )


HANDLERS = {
    "fund.claim_submitted": submitted,
    "fund.claim_approved": approved,
    "fund.claim_rejected": refused,
    "fund.paid": paid,
}
