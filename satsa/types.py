"""Types shared by the services and views of every app.

It sits beside settings.py rather than in an app: every app names the user model (as
``settings.AUTH_USER_MODEL`` foreign keys do), and the model is only imported for mypy,
so this adds no import between apps at run time.
"""

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
