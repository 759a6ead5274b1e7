"""Who may see and do what, per organisation. The table itself is in ``roles.py``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from satsa.events.actors import is_system
from satsa.orgs.models import Membership, Organisation
from satsa.orgs.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role
from satsa.types import Actor


def roles_in(user: Any, organisation: Organisation) -> frozenset[str]:
    if is_system(user):
        return frozenset(Role.values)
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_satsa_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = frozenset(
            Membership.objects.active()
            .filter(user=user, organisation=organisation)
            .values_list("role", flat=True)
        )
    return cache[organisation.pk]


def permissions_in(user: Any, organisation: Organisation) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles_in(user, organisation):
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(perms)


def has_perm(user: Any, organisation: Organisation, perm: str) -> bool:
    return perm in permissions_in(user, organisation)


def people_with_perm(organisation: Organisation, perm: str) -> list[Any]:
    """Everyone whose active roles in ``organisation`` grant ``perm`` (e.g. who approves)."""
    from django.contrib.auth import get_user_model

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    memberships = Membership.objects.active().filter(organisation=organisation, role__in=roles)
    return list(
        get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("pk")
    )


class NotPermitted(PermissionDenied):
    """A service refused: the actor lacks the permission. ``message`` says so in the
    person's language; a view that lets it through answers 403."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.messages = [message]


def require_perm(
    actor: Actor, organisation: Organisation | None, *perms: str, message: str | None = None
) -> None:
    """Every service's own check: ``actor`` holds one of ``perms`` in ``organisation``.

    What belongs to no organisation (the national unit-cost table) is maintained by the
    system actor only (``satsa unitcosts import --national``).
    """
    if organisation is None:
        allowed = is_system(actor)
    else:
        allowed = any(has_perm(actor, organisation, perm) for perm in perms)
    if not allowed:
        from django.utils.translation import gettext as _

        raise NotPermitted(message or _("Du har inte behörighet att göra detta."))


def organisations_of(user: Any) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__ended_at__isnull=True
        ).distinct()
    )


def requires_two_factor(user: Any) -> bool:
    """True when any organisation where the user holds a staff role demands two-factor."""
    return (
        Membership.objects.active()
        .filter(
            user=user,
            role__in=STAFF_ROLES,
            organisation__require_two_factor_for_staff=True,
        )
        .exists()
    )


def org_view(perm: str | None = None) -> Callable[..., Callable[..., HttpResponse]]:
    """Resolve ``org_slug`` to the organisation and check the user's permission.

    A person who holds no role in the organisation gets 404, so that the existence of
    another organisation's objects is not revealed; a member without ``perm`` gets 403.
    The view receives the organisation as ``org`` instead of ``org_slug``.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            org = get_object_or_404(Organisation, slug=org_slug)
            if not roles_in(request.user, org):
                raise Http404
            if perm is not None and not has_perm(request.user, org, perm):
                raise PermissionDenied
            return view(request, *args, org=org, **kwargs)

        return wrapper

    return decorator
