"""Logs an operator can search: one JSON object a line (``DJANGO_LOG_FORMAT=json``) or
readable lines, each carrying the id of the request it belongs to.

The id comes from the reverse proxy's ``X-Request-ID`` when it looks like one, otherwise it
is made here; it is sent back in the response, so a person's complaint, the proxy's log and
Satsa's log can be matched. Records carry no user, address or form data: only what the
code wrote in the message (personal identity numbers are redacted by
``satsa.eid.logging.RedactPersonalNumbers`` on the same handler).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only when it is short and plain (it is written to logs).
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
NO_REQUEST = "-"

request_id: ContextVar[str] = ContextVar("satsa_request_id", default=NO_REQUEST)


class RequestIdMiddleware:
    """Give each request an id, for its log records and its response's ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        rid = given if _ACCEPTED_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, and the
    exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
