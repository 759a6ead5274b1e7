"""Changes to organisations, parties and roles. Each validates, changes and records an event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satsa.events.actors import is_system
from satsa.events.services import event_record
from satsa.orgs.models import Board, Department, ExternalParty, Membership, Organisation
from satsa.orgs.permissions import require_perm
from satsa.orgs.roles import Perm, Role
from satsa.types import Actor


def organisation_set_two_factor(
    *, organisation: Organisation, required: bool, actor: Actor
) -> Organisation:
    require_perm(actor, organisation, Perm.MANAGE_ORGANISATION)
    with transaction.atomic():
        organisation.require_two_factor_for_staff = required
        organisation.save(update_fields=["require_two_factor_for_staff"])
        event_record(
            actor=actor,
            verb="organisation.updated",
            target=organisation,
            organisation=organisation,
            data={"require_two_factor_for_staff": required},
        )
    return organisation


def check_party(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    form: str = "",
    municipal_ownership: Decimal | None = None,
) -> None:
    """Raise ValidationError (Swedish messages) when the described party is inconsistent."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Ange partens namn.")
    elif ExternalParty.objects.filter(
        organisation=organisation, name__iexact=name.strip()
    ).exists():
        errors["name"] = _("Det finns redan en part med det namnet.")
    if kind == ExternalParty.Kind.CIVIL_SOCIETY and form not in ExternalParty.CIVIL_SOCIETY_FORMS:
        errors["form"] = _(
            "En civilsamhällesaktör ska vara förening, stiftelse, kooperativ eller "
            "välgörenhetsorganisation."
        )
    if kind == ExternalParty.Kind.OTHER_PUBLIC and form not in ExternalParty.OTHER_PUBLIC_FORMS:
        errors["form"] = _("En annan offentlig aktör ska vara region, kommun eller myndighet.")
    if kind == ExternalParty.Kind.MUNICIPAL_COMPANY:
        if municipal_ownership is None:
            errors["municipal_ownership"] = _("Ange kommunens ägarandel för ett kommunalt bolag.")
        elif not Decimal(0) <= municipal_ownership <= Decimal(1):
            errors["municipal_ownership"] = _("Ägarandelen ska vara mellan 0 och 1.")
    elif municipal_ownership is not None:
        errors["municipal_ownership"] = _("Ägarandel anges bara för kommunala bolag.")
    if errors:
        raise ValidationError(errors)


def party_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    actor: Actor,
    form: str = "",
    organisation_number: str = "",
    municipal_ownership: Decimal | None = None,
) -> ExternalParty:
    require_perm(actor, organisation, Perm.MANAGE_PARTIES)
    check_party(
        organisation=organisation,
        name=name,
        kind=kind,
        form=form,
        municipal_ownership=municipal_ownership,
    )
    with transaction.atomic():
        party = ExternalParty.objects.create(
            organisation=organisation,
            name=name.strip(),
            kind=kind,
            form=form,
            organisation_number=organisation_number,
            municipal_ownership=municipal_ownership,
        )
        event_record(
            actor=actor,
            verb="party.created",
            target=party,
            organisation=organisation,
            data={"kind": kind, "form": form},
        )
    return party


def board_create(*, organisation: Organisation, name: str, area: str, actor: Actor) -> Board:
    require_perm(actor, organisation, Perm.MANAGE_ORGANISATION)
    with transaction.atomic():
        board = Board.objects.create(organisation=organisation, name=name, area=area)
        event_record(actor=actor, verb="board.created", target=board, data={"area": area})
    return board


def department_create(
    *, organisation: Organisation, name: str, boards: list[Board], actor: Actor
) -> Department:
    require_perm(actor, organisation, Perm.MANAGE_ORGANISATION)
    with transaction.atomic():
        department = Department.objects.create(organisation=organisation, name=name)
        department.boards.set(boards)
        event_record(
            actor=actor,
            verb="department.created",
            target=department,
            data={"boards": [b.name for b in boards]},
        )
    return department


def check_membership_grant(
    *,
    user: Any,
    organisation: Organisation,
    role: str,
    board: Board | None = None,
    department: Department | None = None,
) -> None:
    """A role is one of the table's; a board secretary is named for one board and a
    department head for one department, both of this organisation."""
    if role not in Role.values:
        raise ValidationError({"role": _("Välj en roll.")})
    if role == Role.BOARD_SECRETARY and board is None:
        raise ValidationError({"board": _("Välj nämnden personen är sekreterare för.")})
    if role == Role.DEPARTMENT_HEAD and department is None:
        raise ValidationError({"department": _("Välj förvaltningen personen är chef för.")})
    if board is not None and board.organisation_id != organisation.pk:
        raise ValidationError({"board": _("Nämnden hör till en annan organisation.")})
    if department is not None and department.organisation_id != organisation.pk:
        raise ValidationError({"department": _("Förvaltningen hör till en annan organisation.")})
    held = (
        Membership.objects.active()
        .filter(user=user, organisation=organisation, role=role)
        .select_related("board", "department")
        .first()
    )
    unit = (board.pk if board else None, department.pk if department else None)
    if held is not None and (held.board_id, held.department_id) != unit:
        raise ValidationError(
            _("%(person)s har redan rollen %(role)s (%(unit)s). Ta bort den först.")
            % {
                "person": user,
                "role": held.get_role_display(),
                "unit": held.board or held.department,
            }
        )


def membership_grant(
    *,
    user: Any,
    organisation: Organisation,
    role: str,
    actor: Actor,
    board: Board | None = None,
    department: Department | None = None,
) -> Membership:
    """Give ``user`` a role here (idempotent); a board secretary for a board, a department
    head for a department."""
    require_perm(actor, organisation, Perm.MANAGE_MEMBERSHIPS)
    check_membership_grant(
        user=user, organisation=organisation, role=role, board=board, department=department
    )
    with transaction.atomic():
        # The organisation's lock orders two grants of the same role to the same person.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        check_membership_grant(
            user=user, organisation=organisation, role=role, board=board, department=department
        )
        membership, created = Membership.objects.active().get_or_create(
            user=user,
            organisation=organisation,
            role=role,
            defaults={"board": board, "department": department},
        )
        if created:
            event_record(
                actor=actor,
                verb="membership.granted",
                target=membership,
                organisation=organisation,
                data={
                    "user": user.username,
                    "role": role,
                    "for": str(board or department or ""),
                },
            )
    return membership


def membership_revoke(*, membership: Membership, actor: Actor) -> None:
    """End a role. The organisation's last coordinator stays: someone must be able to
    give roles (the system actor aside, which ends roles for commands and tests)."""
    require_perm(actor, membership.organisation, Perm.MANAGE_MEMBERSHIPS)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.ended_at is not None:
            raise ValidationError(_("Rollen är redan borttagen."))
        if (
            membership.role == Role.COORDINATOR
            and not is_system(actor)
            and not Membership.objects.active()
            .filter(organisation_id=membership.organisation_id, role=Role.COORDINATOR)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ValidationError(
                _(
                    "Organisationen måste ha minst en processledare. Ge rollen till någon annan först."
                )
            )
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
        event_record(
            actor=actor,
            verb="membership.revoked",
            target=membership,
            organisation=membership.organisation,
            data={"user": membership.user.username, "role": membership.role},
        )
