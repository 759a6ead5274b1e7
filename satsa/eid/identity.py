"""Whom an e-legitimation belongs to: the keyed hash of the personal identity number,
the organisation's register of people, and what a login through an identity provider
may do (match a registered person, or create a role-less account just in time).

The raw personal identity number lives only in memory while a login or a registration
is handled: it is hashed with :func:`satsa.evaluation.pseudonymise` under a key of its
own (``SATSA_IDENTITY_KEY``), so login hashes cannot be joined with the pseudonyms of
evaluation data, and neither can be recomputed from a guessed number without the key.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satsa.core.keys import KeyMissing, key_from_environment
from satsa.eid.models import EidSettings, Loa, PersonIdentity
from satsa.evaluation.pseudonym import normalise_identifier, pseudonymise
from satsa.events.services import event_record
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm, Role

logger = logging.getLogger(__name__)

KEY_ENV_NAME = "SATSA_IDENTITY_KEY"
# Public on purpose, like the development pseudonym key: development and tests only.
_DEVELOPMENT_LABEL = b"satsa DEVELOPMENT identity key - NOT SECRET - never use in production"

#: The eID Framework's attribute for the Swedish personal identity number.
PERSONAL_NUMBER_OID = "urn:oid:1.2.752.29.4.13"

# Weakest first; a login must reach the organisation's required level.
LOA_ORDER = [Loa.LOA2.value, Loa.LOA3.value, Loa.LOA4.value]


class IdentityKeyMissing(KeyMissing):
    """Production without ``SATSA_IDENTITY_KEY``: nobody can be matched safely."""


def identity_key() -> bytes:
    return key_from_environment(
        KEY_ENV_NAME,
        development_label=_DEVELOPMENT_LABEL,
        error=IdentityKeyMissing,
        missing=(
            f"{KEY_ENV_NAME} is not set; e-legitimation cannot match people without it. Keep "
            "it outside the database and its backups."
        ),
    )


_TWELVE_DIGITS = re.compile(r"^\d{12}$")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def check_personal_number(number: str) -> str:
    """The number in its 12-digit form, or a Swedish :class:`ValidationError`.

    The error never repeats the number, so it cannot reach a log through a message.
    """
    try:
        normal = normalise_identifier(number)
    except ValueError as error:
        raise ValidationError(_("Ange ett personnummer.")) from error
    if not _TWELVE_DIGITS.match(normal):
        raise ValidationError(_("Ange personnumret med tolv siffror, ÅÅÅÅMMDD-NNNN."))
    if not _luhn_ok(normal[2:]):
        raise ValidationError(_("Personnumret är inte giltigt (kontrollsiffran stämmer inte)."))
    return normal


def identity_hash(number: str) -> str:
    """The keyed hash a person is known by (64 hex digits)."""
    return pseudonymise(check_personal_number(number), identity_key())


def loa_at_least(loa: str, required: str) -> bool:
    if loa not in LOA_ORDER or required not in LOA_ORDER:
        return False
    return LOA_ORDER.index(loa) >= LOA_ORDER.index(required)


# Why a login was refused: the code goes into the event, the message to the person.
FAILURES = {
    "cancelled": gettext_lazy("Inloggningen avbröts. Du är inte inloggad."),
    "loa": gettext_lazy(
        "Din e-legitimation har för låg tillitsnivå för Satsa. Logga in med en "
        "e-legitimation som organisationen godkänner, till exempel BankID eller SITHS."
    ),
    "unknown_person": gettext_lazy(
        "Du finns inte registrerad i Satsa för den här organisationen. Be organisationens "
        "processledare att lägga till dig."
    ),
    "expired": gettext_lazy(
        "Svaret från identitetsleverantören har gått ut eller har redan använts. Försök "
        "logga in igen."
    ),
    "invalid": gettext_lazy(
        "Svaret från identitetsleverantören kunde inte godkännas (fel mottagare eller "
        "ogiltig underskrift). Försök igen eller kontakta IT-avdelningen."
    ),
    "no_number": gettext_lazy(
        "Identitetsleverantören skickade inget personnummer. Kontakta IT-avdelningen."
    ),
    "failed": gettext_lazy("Inloggningen misslyckades. Försök igen."),
    "disabled": gettext_lazy(
        "Inloggning med e-legitimation är inte påslagen för den här organisationen."
    ),
}


class EidLoginError(Exception):
    """A refused login; ``reason`` is a key of :data:`FAILURES`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(FAILURES[self.reason])


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a verified assertion or ID token said about the person."""

    method: str  # "saml" or "oidc"
    issuer: str
    personal_number: str
    loa: str
    given_name: str = ""
    surname: str = ""
    display_name: str = ""
    groups: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never print the number, even in a traceback
        return f"VerifiedIdentity(method={self.method!r}, issuer={self.issuer!r}, loa={self.loa!r})"


def eid_settings_of(organisation: Organisation) -> EidSettings | None:
    try:
        return organisation.eid_settings
    except EidSettings.DoesNotExist:
        return None


def login_failure_record(*, organisation: Organisation | None, method: str, reason: str) -> None:
    event_record(
        actor=None,
        verb="eid.login_failed",
        organisation=organisation,
        data={"method": method, "reason": reason},
    )
    logger.info("e-legitimation login refused: %s (%s)", reason, method)


def check_eid_identity(*, organisation: Organisation, identity: VerifiedIdentity) -> str:
    """The identity's keyed hash, or :class:`EidLoginError` if it may not log in here."""
    settings = eid_settings_of(organisation)
    if settings is None or not settings.enabled:
        raise EidLoginError("disabled")
    if not loa_at_least(identity.loa, settings.required_loa):
        raise EidLoginError("loa")
    if not identity.personal_number:
        raise EidLoginError("no_number")
    try:
        return identity_hash(identity.personal_number)
    except ValidationError as error:
        raise EidLoginError("no_number") from error


def eid_login_resolve(*, organisation: Organisation, identity: VerifiedIdentity) -> Any:
    """The user this e-legitimation belongs to in ``organisation``; may create one (JIT).

    Writes ``eid.account_matched`` the first time a registered person logs in and
    ``eid.account_created`` for a just-in-time account. Raises :class:`EidLoginError`.
    """
    number_hash = check_eid_identity(organisation=organisation, identity=identity)
    settings = eid_settings_of(organisation)
    assert settings is not None
    with transaction.atomic():
        # Lock the person's row: two simultaneous first logins must not both record it.
        found = (
            PersonIdentity.objects.select_for_update()
            .select_related("user")
            .filter(organisation=organisation, number_hash=number_hash)
            .first()
        )
        if found is not None:
            if not found.user.is_active:
                raise EidLoginError("unknown_person")
            first_login = found.last_login_at is None
            found.last_login_at = timezone.now()
            found.save(update_fields=["last_login_at"])
            _group_roles_apply(settings=settings, person=found, identity=identity)
            if first_login:
                event_record(
                    actor=found.user,
                    verb="eid.account_matched",
                    target=found.user,
                    organisation=organisation,
                    data={"method": identity.method},
                )
            return found.user
        if not settings.allow_just_in_time:
            raise EidLoginError("unknown_person")
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    username=f"eid-{uuid.uuid4().hex[:12]}",
                    first_name=identity.given_name[:150],
                    last_name=identity.surname[:150],
                )
                person = PersonIdentity.objects.create(
                    organisation=organisation,
                    user=user,
                    number_hash=number_hash,
                    last_login_at=timezone.now(),
                )
                _group_roles_apply(settings=settings, person=person, identity=identity)
        except IntegrityError:
            # A simultaneous first login created the person a moment ago.
            return PersonIdentity.objects.get(
                organisation=organisation, number_hash=number_hash
            ).user
        event_record(
            actor=user,
            verb="eid.account_created",
            target=user,
            organisation=organisation,
            data={"method": identity.method},
        )
        return user


def _group_roles_apply(
    *, settings: EidSettings, person: PersonIdentity, identity: VerifiedIdentity
) -> None:
    """Give the roles the IdP's groups map to, and end those whose group is gone.

    Only roles granted this way are ever ended: a role the coordinator gave in Satsa
    stays, whatever the IdP says. Runs inside the login's transaction.
    """
    if not settings.group_attribute or not settings.group_roles:
        return
    valid = set(Role.values)
    wanted = {
        role
        for group, role in settings.group_roles.items()
        if group in identity.groups and role in valid
    }
    granted = set(person.group_granted_roles)
    active = set(
        Membership.objects.active()
        .filter(user=person.user, organisation=person.organisation)
        .values_list("role", flat=True)
    )
    for role in sorted(wanted - active):
        Membership.objects.create(user=person.user, organisation=person.organisation, role=role)
        granted.add(role)
        event_record(
            actor=person.user,
            verb="eid.role_granted",
            target=person.user,
            organisation=person.organisation,
            data={"role": role},
        )
    for role in sorted(granted - wanted):
        Membership.objects.active().filter(
            user=person.user, organisation=person.organisation, role=role
        ).update(ended_at=timezone.now())
        granted.discard(role)
        event_record(
            actor=person.user,
            verb="eid.role_ended",
            target=person.user,
            organisation=person.organisation,
            data={"role": role},
        )
    if sorted(granted) != sorted(person.group_granted_roles):
        person.group_granted_roles = sorted(granted)
        person.save(update_fields=["group_granted_roles"])


def check_person_register(*, organisation: Organisation, personal_number: str) -> str:
    number_hash = identity_hash(personal_number)
    if PersonIdentity.objects.filter(organisation=organisation, number_hash=number_hash).exists():
        raise ValidationError(_("Personen är redan registrerad i organisationen."))
    return number_hash


def person_register(
    *,
    actor: Any,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str,
    personal_number: str,
    roles: list[str],
) -> Any:
    """Register a person before their first e-legitimation login, with their roles here."""
    require_perm(actor, organisation, Perm.MANAGE_MEMBERSHIPS)
    number_hash = check_person_register(organisation=organisation, personal_number=personal_number)
    with transaction.atomic():
        # Lock the organisation: the duplicate check must hold until the row exists.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        number_hash = check_person_register(
            organisation=organisation, personal_number=personal_number
        )
        user = get_user_model().objects.create_user(
            username=f"eid-{uuid.uuid4().hex[:12]}",
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        PersonIdentity.objects.create(organisation=organisation, user=user, number_hash=number_hash)
        for role in roles:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        event_record(
            actor=actor,
            verb="eid.person_registered",
            target=user,
            organisation=organisation,
            data={"roles": sorted(roles)},
        )
    return user
