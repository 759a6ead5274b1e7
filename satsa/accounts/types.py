"""Types shared by the services and views of every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from satsa.accounts.models import User

# Who acts in a service: a signed-in person or the system actor (``permissions.system_actor``).
# Anonymous visitors never reach a service: LoginRequiredMiddleware stops them first.
type Actor = User


class AuthenticatedRequest(HttpRequest):
    """The request a view gets: LoginRequiredMiddleware turns away anonymous visitors from
    every view not marked ``login_not_required``, so ``user`` is a person (django-stubs
    cannot know this and types ``request.user`` as possibly anonymous)."""

    user: User
