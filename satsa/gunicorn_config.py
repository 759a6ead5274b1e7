"""Gunicorn's settings for Satsa, read from the environment (docs/operations.md).

    gunicorn -c python:satsa.gunicorn_config satsa.wsgi

Gunicorn sits behind a reverse proxy that ends TLS. It believes the proxy's
``X-Forwarded-Proto`` (and so tells Django that a request came over HTTPS) only when the
connection comes from one of ``SATSA_TRUSTED_PROXIES``, the same list Satsa reads the
client's address from (satsa.accounts.lockout). The access log goes to standard output
without the client's address or the query string (they may be personal data).
"""

from __future__ import annotations

import os

bind = os.environ.get("SATSA_BIND", "127.0.0.1:8000")
# Each worker is a process with its own database connection; on 2 cores, 3-5 serve well.
workers = int(os.environ.get("SATSA_WEB_WORKERS", "3"))
threads = int(os.environ.get("SATSA_WEB_THREADS", "1"))
# Long exports run on the tasks worker, not here: a request that hangs this long is killed.
timeout = int(os.environ.get("SATSA_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Restart workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

forwarded_allow_ips = os.environ.get("SATSA_TRUSTED_PROXIES") or "127.0.0.1,::1"
# Scheme from the proxy only; no other forwarded header is taken (the client's address is
# Satsa's own business, for the lockout).
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# No control socket: a container's home may be read-only, and nothing here uses it.
control_socket_disable = True
# A heartbeat file on tmpfs, not on a possibly slow overlay disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

accesslog = "-"
errorlog = "-"
# time, method, path (no query), protocol, status, bytes, milliseconds, Satsa's request id
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'

if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    # Gunicorn's own lines as JSON too, through the formatter Satsa's logs use.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "satsa.core.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }
