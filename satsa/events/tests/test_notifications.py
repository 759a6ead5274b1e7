"""Notifications as consumers of events: each verb mails the right people of the right
organisation, once, after the change has committed, whatever the mail server does.

Cases, claims and reports are walked through their real services; Django's locmem
backend is the mail server, except where a real SMTP connection is refused.
"""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from satsa.cases import services as case_services
from satsa.cases.models import Case, Stage
from satsa.events.actors import system_actor
from satsa.events.models import Event
from satsa.events.notifications import SENT, all_handlers, dispatch
from satsa.events.selectors import events_for_organisation
from satsa.followup import services as followup_services
from satsa.followup.models import Report
from satsa.followup.tests.conftest import on_plan
from satsa.funds import services as fund_services
from satsa.funds.models import Claim
from satsa.orgs.models import Membership
from satsa.orgs.roles import Role
from satsa.rulebooks.selectors import rulebook_for

SEPT = dt.date(2016, 9, 30)


def mailed() -> list[tuple[str, str]]:
    return sorted((address, m.subject) for m in mail.outbox for address in m.to)


def addresses() -> list[str]:
    return sorted({address for m in mail.outbox for address in m.to})


def with_email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


# --- the registry ---------------------------------------------------------------------------


def test_every_verb_the_issue_names_has_a_handler() -> None:
    verbs = set(all_handlers())
    assert {
        "case.step_started",
        "case.decided",
        "case.step_reminded",
        "fund.claim_submitted",
        "fund.claim_approved",
        "fund.claim_rejected",
        "fund.paid",
        "followup.report_reminded",
        "followup.report_submitted",
        "followup.report_approved",
        "followup.report_returned",
    } <= verbs
    assert SENT not in verbs


def test_the_events_app_imports_no_other_app() -> None:
    from pathlib import Path

    import satsa.events

    folder = Path(satsa.events.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text()
        for app in ("cases", "funds", "followup", "orgs", "calculations", "portfolio"):
            assert f"from satsa.{app}" not in text, path
            assert f"import satsa.{app}" not in text, path


# --- cases ----------------------------------------------------------------------------------


def test_it_emails_the_next_actors(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = walk.new_idea(people)
    assert [m.to for m in mail.outbox] == [["petra@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "[Satsa] Att göra: Brobyggare"
    assert "Idéprövning i beredningsgruppen" in message.body
    assert f"/o/orebro/arenden/{case.pk}/" in message.body
    mail.outbox.clear()
    case_services.idea_assess(
        case=case,
        actor=people.preparation,
        verdicts={c.id: {"met": True} for c in rulebook_for(case).criteria.idea.items},
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_advance(case=case, actor=people.preparation)
        case_services.case_advance(case=case, actor=people.management)
    assert addresses() == ["greta@example.org", "magnus@example.org", "nils@example.org"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk.comment_all(people, case)
        case_services.case_advance(case=case, actor=people.coordinator)
    assert ("alice@example.org", "[Satsa] Nämndens synpunkter: Brobyggare") in mailed()
    assert any(m.to == ["bob@example.org"] and "gå vidare" in m.subject for m in mail.outbox)


def test_it_emails_the_decision_to_the_applicant_and_the_coordinator(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.to_decision(people, walk.new_idea(people))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk.grant(people, case)
    assert addresses() == ["alice@example.org", "bob@example.org"]
    assert all(m.subject == "[Satsa] Kommunstyrelsens beslut: Brobyggare" for m in mail.outbox)
    assert "KS 2026/123" in mail.outbox[0].body
    assert f"/o/orebro/arenden/{case.pk}/" in mail.outbox[0].body
    sent = Event.objects.get(verb=SENT, data__verb="case.decided")
    assert sorted(sent.data["recipients"]) == sorted([people.coordinator.pk, people.applicant.pk])
    assert sent.organisation == people.org


def test_records_of_mail_sent_stay_out_of_the_organisations_feed(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        walk.new_idea(people)
    assert Event.objects.filter(verb=SENT, organisation=people.org).exists()
    assert SENT not in [e.verb for e in events_for_organisation(people.org)]


def test_a_changed_application_asks_the_department_heads_to_sign_again(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.to_signatures(people, walk.new_idea(people))
    walk.sign_all(people, case)
    walk.write_application(people, case, total_cost="3100000")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.application_submit(case=case, actor=people.applicant)
    assert mailed() == [
        ("david@example.org", "[Satsa] Underteckna på nytt: Brobyggare"),
        ("sven@example.org", "[Satsa] Underteckna på nytt: Brobyggare"),
    ]


def test_a_stopped_case_tells_the_applicant_why(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_reject(case=case, actor=people.preparation, reasons="Inget nytt.")
    assert mailed() == [("bob@example.org", "[Satsa] Ärendet går inte vidare: Brobyggare")]
    assert "Skäl: Inget nytt." in mail.outbox[0].body


def test_mail_is_in_swedish_whatever_language_the_actor_reads(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case_services.case_reject(case=case, actor=people.preparation, reasons="Inget nytt.")
    assert mail.outbox[0].subject == "[Satsa] Ärendet går inte vidare: Brobyggare"
    assert "Skäl: Inget nytt." in mail.outbox[0].body


def test_no_mail_when_the_transaction_rolls_back(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_services.case_reject(case=case, actor=people.preparation, reasons="Inget nytt.")
        raise RuntimeError("something later in the same request failed")
    assert mail.outbox == []
    assert not Event.objects.filter(verb=SENT).exists()
    case.refresh_from_db()
    assert case.stage != Stage.REJECTED


def test_nobody_of_another_organisation_gets_mail(
    people: Any, walk: Any, charlie: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(charlie)
    case = walk.new_idea(people)
    # Uppsala's coordinator slipped onto an Örebro case by hand, past the services' checks:
    # the handler names him, the dispatcher keeps the mail inside Örebro.
    case.co_applicants.add(charlie)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_reject(case=case, actor=people.preparation, reasons="Inget nytt.")
    assert addresses() == ["bob@example.org"]


def test_a_former_member_gets_no_mail(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Membership.objects.filter(user=people.preparation).update(ended_at=dt.datetime.now(dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        walk.new_idea(people)
    assert mail.outbox == []


def test_a_second_dispatch_of_the_same_event_sends_nothing(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        walk.new_idea(people)
    assert len(mail.outbox) == 1
    event = Event.objects.get(verb="case.step_started")
    assert dispatch(event) == 0
    assert len(mail.outbox) == 1
    assert Event.objects.filter(verb=SENT, data__event=event.pk).count() == 1


def test_a_reminder_run_twice_sends_once(
    people: Any, walk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = walk.new_idea(people)
    Case.objects.filter(pk=case.pk).update(step_due_on=dt.date(2026, 11, 24))
    mail.outbox.clear()
    for _ in range(2):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("case_reminders", "--date", "2026-11-23", stdout=out)
    assert out.getvalue().strip() == "reminded 0 case(s)"
    assert mailed() == [("petra@example.org", "[Satsa] Påminnelse: Brobyggare")]
    assert "2026-11-24" in mail.outbox[0].body


def test_a_failing_mail_server_does_not_undo_the_change(
    people: Any,
    walk: Any,
    settings: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = walk.new_idea(people)
    # A real SMTP connection to a port where nothing listens.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_reject(case=case, actor=people.preparation, reasons="Inget nytt.")
    case.refresh_from_db()
    assert case.stage == Stage.REJECTED
    sent = Event.objects.get(verb=SENT, data__verb="case.stopped")
    assert sent.data["recipients"] == [] and sent.data["failed"] == [people.applicant.pk]
    assert "could not send" in caplog.text


# --- claims ---------------------------------------------------------------------------------


def submit(case: Any, actor: Any, key: str) -> Claim:
    return fund_services.claim_submit(
        case=case,
        period_code="delar2",
        period_end=dt.date(2016, 8, 31),
        amount=Decimal("250000"),
        actor=actor,
        idempotency_key=key,
        submitted_on=SEPT,
    )


@pytest.fixture
def claim_people(granted_case: Any, leader: Any, alice: Any, bob: Any, charlie: Any) -> Any:
    with_email(leader, alice, bob, charlie)
    return granted_case


def test_a_claim_goes_to_its_approvers_then_back_to_its_claimant(
    claim_people: Any,
    leader: Any,
    alice: Any,
    make_person: Any,
    orebro: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    finance = make_person("fia", (orebro, Role.FINANCE_OFFICER))
    with_email(finance)
    with django_capture_on_commit_callbacks(execute=True):
        claim = submit(claim_people, leader, "k1")
    # alice coordinates and approves claims; bob, an applicant of Örebro, and Uppsala's
    # charlie do not, and lena does not approve her own.
    assert mailed() == [
        ("alice@example.org", "[Satsa] Utbetalningsbegäran att godkänna: Familjestöd")
    ]
    body = mail.outbox[0].body
    assert "250\u00a0000\u00a0kr" in body and "Delår 2 2016" in body and "delar2" not in body
    assert f"/o/orebro/fonden/arenden/{claim_people.pk}/" in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_services.claim_approve(
            claim=claim, actor=alice, idempotency_key="a1", approved_on=SEPT
        )
    assert mailed() == [("lena@example.org", "[Satsa] Utbetalningsbegäran godkänd: Familjestöd")]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_services.payment_book(claim=claim, booked_on=SEPT, actor=finance, idempotency_key="p")
    assert mailed() == [("lena@example.org", "[Satsa] Utbetalning gjord: Familjestöd")]
    assert "har betalats ut" in mail.outbox[0].body


def test_a_refused_claim_tells_the_claimant_and_the_applicant_why(
    claim_people: Any,
    leader: Any,
    alice: Any,
    bob: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Case.objects.filter(pk=claim_people.pk).update(created_by=bob)
    claim = submit(Case.objects.get(pk=claim_people.pk), alice, "k2")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_services.claim_reject(claim=claim, actor=alice, reason="Kvitton saknas.")
    # alice submitted it herself; bob applied for the case.
    assert addresses() == ["alice@example.org", "bob@example.org"]
    assert "Skäl: Kvitton saknas." in mail.outbox[0].body
    assert mail.outbox[0].subject == "[Satsa] Utbetalningsbegäran avslagen: Familjestöd"


def test_finance_is_asked_to_attest_after_the_coordinator(
    claim_people: Any,
    leader: Any,
    alice: Any,
    make_person: Any,
    orebro: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(fund_services, "finance_approval_required", lambda case: True)
    finance = make_person("fia", (orebro, Role.FINANCE_OFFICER))
    with_email(finance)
    claim = submit(claim_people, leader, "k3")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_services.claim_approve(claim=claim, actor=alice, idempotency_key="a3")
    assert mailed() == [
        ("fia@example.org", "[Satsa] Utbetalningsbegäran att attestera: Familjestöd")
    ]


# --- reports --------------------------------------------------------------------------------


def first_report(case: Any) -> Report:
    followup_services.reports_schedule(case=case, actor=system_actor())
    return Report.objects.filter(case=case).order_by("due_date").first()


def test_a_report_goes_to_its_reviewers_then_back_to_its_writers(
    schema: Any,
    lina: Any,
    alice: Any,
    bob: Any,
    charlie: Any,
    make_person: Any,
    orebro: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with_email(alice, bob, charlie)
    economist = make_person("erika", (orebro, Role.ECONOMIST))
    with_email(economist)
    report = first_report(schema.case)
    with django_capture_on_commit_callbacks(execute=True):
        followup_services.report_submit(
            report=report,
            plan_status=on_plan(report.case),
            actor=lina,
            activities="Sex föräldragrupper",
            ways_of_working="Hembesök",
            effects="Färre orosanmälningar",
            spent_to_date=Decimal(600000),
        )
    # Those who review reports in Örebro; not Uppsala's charlie, not lina who sent it.
    assert mailed() == [
        ("alice@example.org", "[Satsa] Rapport att granska: Familjestöd i Oxhagen"),
        ("erika@example.org", "[Satsa] Rapport att granska: Familjestöd i Oxhagen"),
    ]
    assert "Lägesrapport Delår 2 2025" in mail.outbox[0].body
    assert f"/o/orebro/uppfoljning/rapport/{report.pk}/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        followup_services.report_return(report=report, actor=alice, reason="Ekonomin saknas.")
    assert addresses() == ["bob@example.org", "lina@example.org"]
    assert "Ekonomin saknas." in mail.outbox[0].body
    assert "kompletteras" in mail.outbox[0].subject

    report.refresh_from_db()
    followup_services.report_submit(
        report=report,
        plan_status=on_plan(report.case),
        actor=lina,
        activities="Sex föräldragrupper",
        ways_of_working="Hembesök",
        effects="Färre orosanmälningar",
        spent_to_date=Decimal(600000),
    )
    report.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        followup_services.report_approve(report=report, actor=alice)
    assert mailed() == [
        ("bob@example.org", "[Satsa] Rapporten är godkänd: Familjestöd i Oxhagen"),
        ("lina@example.org", "[Satsa] Rapporten är godkänd: Familjestöd i Oxhagen"),
    ]


def test_a_report_due_is_one_message_to_its_writers(
    schema: Any, lina: Any, bob: Any, charlie: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(bob, charlie)
    with django_capture_on_commit_callbacks(execute=True):
        sent = followup_services.reports_remind(on=dt.date(2025, 9, 20))
    assert sent == 1
    assert [sorted(m.to) for m in mail.outbox] == [["bob@example.org", "lina@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "[Satsa] Påminnelse: Lägesrapport Delår 2 2025: Familjestöd i Oxhagen"
    assert "2025-09-30" in message.body
