"""Two-factor devices: enrolling and removing an authenticator app, recovery codes.

Every change to a person's second factor writes an event and e-mails the person, so an
enrolment they did not make is noticed. Who may change devices is decided here too:
a person who already has a device must have confirmed it in this session, and a first
device needs a fresh login (see :func:`may_enrol`).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satsa.events.services import event_record

# Session key holding when the password was last given, and the device being enrolled.
LOGIN_AT = "satsa_login_at"
PENDING_DEVICE = "satsa_pending_totp"
# A first device may be enrolled this long after the password was given.
FRESH_LOGIN_SECONDS = 10 * 60
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "reservkoder"


class TwoFactorError(Exception):
    """A change to a second factor that is not allowed; the message is for the person."""


def login_is_fresh(session: Any, *, now: float | None = None) -> bool:
    login_at = session.get(LOGIN_AT)
    if not isinstance(login_at, int | float):
        return False
    return ((now if now is not None else time.time()) - login_at) <= FRESH_LOGIN_SECONDS


def may_enrol(*, user: Any, session: Any) -> str | None:
    """Why this session may not enrol a device, or None when it may.

    A password alone must never add a device next to (or instead of) one the person
    already has: that takes a session verified with the existing device. A first device
    takes a login made within the last few minutes.
    """
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return "verify"
        return None
    if not login_is_fresh(session):
        return "login"
    return None


def pending_device(*, user: Any, session: Any) -> TOTPDevice:
    """The unconfirmed device of this session; a new one for a new session.

    Unconfirmed devices of other sessions are discarded: a key shown to someone else
    (who may have had only the password) must never become this person's device.
    """
    device_id = session.get(PENDING_DEVICE)
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Satsa", confirmed=False)
    session[PENDING_DEVICE] = device.pk
    return device


def mail_user(*, user: Any, subject: str, body: str) -> bool:
    """Tell the person about a change to their login; False when they have no address."""
    if not user.email:
        return False
    send_mail(
        subject=f"[Satsa] {subject}",
        message=body
        + "\n\n"
        + _("Om det inte var du: kontakta din processledare eller IT-support omedelbart."),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


def recovery_codes_create(*, user: Any) -> list[str]:
    """Replace the person's recovery codes with new ones; returns them (shown once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        event_record(actor=user, verb="user.recovery_codes_created", target=user)
    mail_user(
        user=user,
        subject=_("Nya reservkoder"),
        body=_(
            "Nya reservkoder för tvåfaktorsinloggning har skapats. De gamla gäller inte längre."
        ),
    )
    return codes


def device_confirm(*, user: Any, device: TOTPDevice) -> list[str]:
    """Confirm an enrolled device; returns new recovery codes when the person had none."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        event_record(
            actor=user, verb="user.two_factor_enabled", target=user, data={"device": device.pk}
        )
    mail_user(
        user=user,
        subject=_("Ny enhet för tvåfaktorsinloggning"),
        body=_("En ny autentiseringsapp har kopplats till ditt konto i Satsa."),
    )
    has_codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    return [] if has_codes else recovery_codes_create(user=user)


def check_device_remove(*, user: Any, device: TOTPDevice, required: bool) -> None:
    if device.user_id != user.pk or not device.confirmed:
        raise TwoFactorError(_("Enheten finns inte."))
    others = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    if required and not others.exists():
        raise TwoFactorError(
            _(
                "Din organisation kräver tvåfaktorsinloggning. Lägg till en ny enhet innan "
                "du tar bort den sista."
            )
        )


def device_remove(*, user: Any, device: TOTPDevice, required: bool) -> None:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        check_device_remove(user=user, device=device, required=required)
        device.delete()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # Recovery codes stand in for a device; without one they would be a password.
            StaticDevice.objects.filter(user=user).delete()
        event_record(actor=user, verb="user.two_factor_disabled", target=user)
    mail_user(
        user=user,
        subject=_("Enhet borttagen från tvåfaktorsinloggning"),
        body=_("En autentiseringsapp har tagits bort från ditt konto i Satsa."),
    )


def recovery_code_used(*, user: Any, device: StaticDevice) -> None:
    left = device.token_set.count()
    event_record(actor=user, verb="user.recovery_code_used", target=user, data={"left": left})
    mail_user(
        user=user,
        subject=_("En reservkod har använts"),
        body=_("En reservkod användes för att logga in på ditt konto. Koder kvar: %(left)s.")
        % {"left": left},
    )
