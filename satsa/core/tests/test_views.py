"""The health check answers the load balancer without a login, and says 503 when the
database cannot be read: its server is down, or Satsa's tables are not there."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse


def test_healthz_answers_ok_without_a_login(client: Client, db: Any) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_only_read(client: Client, db: Any) -> None:
    assert client.post(reverse("core:healthz")).status_code == 405


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database_down(db: Any) -> Iterator[None]:
    """The default database as a server that is not there: a fresh connection to an
    address nobody listens on (PostgreSQL) or a file in a folder that does not exist
    (SQLite). The test's own connection is put back afterwards."""
    settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings["NAME"] = "/nonexistent-satsa-dir/satsa.sqlite3"
    else:
        settings.update(HOST="127.0.0.1", PORT=str(_closed_port()), OPTIONS={"connect_timeout": 2})
    original = connections["default"]
    down = type(original)(settings, alias="default")
    connections["default"] = down
    try:
        yield
    finally:
        down.close()
        connections["default"] = original


def test_healthz_answers_503_when_the_database_server_is_down(
    client: Client, database_down: None, caplog: Any
) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert "health check: the database cannot be read" in caplog.text


def test_healthz_answers_503_when_satsas_tables_are_missing(client: Client, db: Any) -> None:
    # Undone with the test's transaction: both databases change their schema transactionally.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_gone")
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
