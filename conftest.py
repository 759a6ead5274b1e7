"""Shared pytest set-up: fixture people, browser, and the rule that CI skips nothing."""

from __future__ import annotations

import os

import pytest

MISSING = "MISSING:"
_missing_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if MISSING in reason:
            _missing_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _missing_skips and os.environ.get("CI") == "true":
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if _missing_skips:
        verdict = "FAILED (CI=true)" if os.environ.get("CI") == "true" else "skipped"
        terminalreporter.section(f"tests {verdict} for a missing component")
        for line in _missing_skips:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Real hashers cost ~100 ms per password; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _swedish_by_default():  # type: ignore[no-untyped-def]
    # A request in English leaves English active in the thread; services called directly
    # by the next test must speak Swedish, the default.
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()
