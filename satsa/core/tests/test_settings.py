"""Production settings come from the environment: where attachments are stored and which
tasks backend runs background work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def settings_in(**env: str) -> dict[str, Any]:
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'storage': settings.STORAGES['default'], "
        "'tasks': settings.TASKS['default']['BACKEND'], "
        "'proxy_header': getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SATSA_", "DJANGO_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="satsa.settings", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_development_stores_on_disk_and_runs_tasks_at_once() -> None:
    found = settings_in()
    assert found["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["tasks"] == "django.tasks.backends.immediate.ImmediateBackend"


def test_production_queues_tasks_in_the_database_and_trusts_no_forwarded_header() -> None:
    found = settings_in(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60)
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    # The scheme is the app server's to decide, from trusted proxies only.
    assert found["proxy_header"] is None


def test_the_attachment_store_is_a_setting() -> None:
    found = settings_in(
        SATSA_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        SATSA_STORAGE_OPTIONS='{"bucket_name": "satsa", "endpoint_url": "https://s3.example.se"}',
    )
    assert found["storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "satsa", "endpoint_url": "https://s3.example.se"},
    }


def test_gunicorn_takes_its_settings_from_the_environment(monkeypatch: Any) -> None:
    import importlib

    from gunicorn.config import Config

    import satsa.gunicorn_config

    monkeypatch.setenv("SATSA_WEB_WORKERS", "2")
    monkeypatch.setenv("SATSA_TRUSTED_PROXIES", "10.1.2.3,10.9.0.0/16")
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "json")
    ours = importlib.reload(satsa.gunicorn_config)
    config = Config()
    names = [n for n in vars(ours) if n.islower() and not n.startswith("_") and n != "os"]
    unknown = [n for n in names if n not in config.settings and n != "annotations"]
    assert unknown == [], "not gunicorn settings"
    for name in names:
        if name in config.settings:
            config.set(name, getattr(ours, name))
    assert config.workers == 2
    assert [str(a) for a in config.forwarded_allow_ips] == ["10.1.2.3", "10.9.0.0/16"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    assert config.accesslog == "-" and "%(h)s" not in config.access_log_format
    assert config.logconfig_dict["formatters"]["json"]["()"] == "satsa.core.logs.JsonFormatter"
