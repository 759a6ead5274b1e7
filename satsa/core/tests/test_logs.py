"""Each request has an id, in its response and its log records; DJANGO_LOG_FORMAT=json
writes one JSON object a line, with personal identity numbers redacted."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from satsa.core.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware

ROOT = Path(__file__).resolve().parents[3]


def test_every_response_carries_a_request_id(client: Client, db: Any) -> None:
    first = client.get(reverse("core:home"))["X-Request-ID"]
    second = client.get(reverse("core:home"))["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_it_keeps_the_proxys_plain_id_and_replaces_anything_else(client: Client, db: Any) -> None:
    kept = client.get(reverse("core:home"), headers={"X-Request-ID": "proxy-4711-abcdef"})
    assert kept["X-Request-ID"] == "proxy-4711-abcdef"
    odd = client.get(reverse("core:home"), headers={"X-Request-ID": "x\nforged log line"})
    assert odd["X-Request-ID"] != "x\nforged log line" and len(odd["X-Request-ID"]) == 32


def test_the_records_of_a_request_carry_its_id_as_json() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    log = logging.getLogger("satsa.tests.logs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def view(request: HttpRequest) -> HttpResponse:
        log.info("exported %d rows", 12)
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/"))
        log.info("after the request")
    finally:
        log.removeHandler(handler)
    during, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert during["message"] == "exported 12 rows"
    assert during["level"] == "INFO" and during["logger"] == "satsa.tests.logs"
    assert during["request_id"] == response["X-Request-ID"]
    assert during["time"].endswith("+00:00")
    assert after["request_id"] == "-"


def test_django_log_format_json_configures_json_lines_without_personal_numbers() -> None:
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('satsa.x').warning('login by %s failed', '19811218-9876')"
    )
    env = dict(os.environ, DJANGO_LOG_FORMAT="json", DJANGO_SETTINGS_MODULE="satsa.settings")
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("{")]
    entry = json.loads(lines[-1])
    assert entry["message"] == "login by [personnummer] failed"
    assert entry["level"] == "WARNING" and entry["request_id"] == "-"


def test_the_default_log_format_is_readable_text() -> None:
    script = "import django, logging; django.setup(); logging.getLogger('satsa.x').warning('hej')"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="satsa.settings", PYTHONPATH=str(ROOT))
    env.pop("DJANGO_LOG_FORMAT", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING satsa.x [-] hej" in done.stderr
