"""Each request looks up the rulebook versions of an organisation once (see ``selectors.memo``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from satsa.rulebooks import selectors


class RulebookMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with selectors.memo():
            return self.get_response(request)
