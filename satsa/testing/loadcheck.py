"""Start Satsa as in production and put a short, bounded load on it; fail on any 5xx.

    python -m satsa.testing.pgcluster -- python -m satsa.testing.loadcheck [--seconds 20]

Against the database in ``DATABASE_URL`` (the throwaway cluster above): migrate, load the
demo, collect the static files, run one round of the tasks worker on queued reminders,
then start gunicorn (satsa/gunicorn_config.py) with two workers on a free port of
127.0.0.1, production settings (``DJANGO_DEBUG=false``) and 127.0.0.1 as the trusted
proxy (checked: the same header from 127.0.0.2 does not count). Threads then request, as a reverse proxy would pass them on (``X-Forwarded-Proto:
https``), the public pages, the login page, ``/healthz``, static files, and the pages a
demo coordinator reaches from the organisation's overview, logged in. Every request stays
on 127.0.0.1; the run stops by itself after ``--seconds``. Exit status 1 on any answer
of 500 or above, on a worker task that failed, or when the server does not come up.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
DEMO_PASSWORD = "satsa-demo"
COORDINATORS = {"orebro": "anna"}
PUBLIC_PATHS = [
    "/",
    "/konto/logga-in/",
    "/healthz",
    "/open/orebro/",
    "/open/orebro/interventions.json",
    "/open/uppsala/",
]
# Same-origin links a logged-in load follows; never logout, language or e-legitimation.
_SKIP = re.compile(r"logga-ut|i18n/|e-legitimation|/konto/|\.(xlsx|pdf|csv|se)$|/export")
_HREF = re.compile(r'href="(/[^"#]*)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Browser:
    """One person's connection: cookies kept by hand (Satsa's are Secure, and the proxy
    in front speaks HTTPS), headers as the reverse proxy passes them on."""

    port: int
    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str, float]:
        origin = f"https://{HOST}:{self.port}"
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": origin,
            "Referer": origin + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        started = time.monotonic()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        elapsed = time.monotonic() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status in (301, 302, 303) and method == "POST":
            location = urlsplit(response.getheader("Location") or "/").path
            return self.request("GET", location)
        return response.status, text, elapsed

    def log_in(self, username: str) -> None:
        status, page, _ = self.request("GET", "/konto/logga-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"FAILED: the login page answered {status} without a form")
        status, page, _ = self.request(
            "POST",
            "/konto/logga-in/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": DEMO_PASSWORD,
            },
        )
        if "sessionid" not in self.cookies:
            raise SystemExit(f"FAILED: {username} could not log in ({status})")


def _links(page: str, prefix: str) -> set[str]:
    found = {unescape(href) for href in _HREF.findall(page)}
    return {link for link in found if link.startswith(prefix) and not _SKIP.search(link)}


def _coordinator_paths(port: int, org: str, username: str, limit: int) -> list[str]:
    """The pages a coordinator reaches in two clicks from the organisation's overview."""
    browser = Browser(port, "192.0.2.1")
    browser.log_in(username)
    start = f"/o/{org}/"
    _, page, _ = browser.request("GET", start)
    paths = {start} | _links(page, start)
    for path in sorted(paths)[:limit]:
        status, page, _ = browser.request("GET", path)
        if status == 200:
            paths |= _links(page, start)
    return sorted(paths)[: limit * 3]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def add(self, path: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.times.append(elapsed)
            if status >= 500:
                self.errors.append(f"{status} {path}")


def _load(
    port: int, number: int, until: float, public: list[str], private: list[str], tally: Tally
) -> None:
    chooser = random.Random(number)
    browser = Browser(port, f"192.0.2.{10 + number}")
    logged_in = number % 2 == 0  # half the threads are the coordinator, half anonymous
    try:
        if logged_in:
            browser.log_in(COORDINATORS["orebro"])
        while time.monotonic() < until:
            path = chooser.choice(private if logged_in and chooser.random() < 0.8 else public)
            status, _, elapsed = browser.request("GET", path)
            tally.add(path, status, elapsed)
    except (OSError, http.client.HTTPException) as error:
        with tally.lock:
            tally.errors.append(f"thread {number}: {error!r}")


def _run(command: list[str], env: dict[str, str], timeout: int) -> None:
    print("$", " ".join(command[1:]) if command[0] == sys.executable else " ".join(command))
    done = subprocess.run(command, env=env, timeout=timeout, stdout=subprocess.DEVNULL)
    if done.returncode:
        raise SystemExit(f"FAILED: {' '.join(command)} exited with {done.returncode}")


def _check_proxy_trust(port: int) -> None:
    """X-Forwarded-Proto counts only from the trusted proxy (127.0.0.1 here): the same
    header from another loopback address (127.0.0.2) is redirected to HTTPS like a plain
    request."""

    def status(source: str, forwarded: bool) -> int:
        connection = http.client.HTTPConnection(HOST, port, timeout=30, source_address=(source, 0))
        headers = {"Host": f"{HOST}:{port}"}
        if forwarded:
            headers["X-Forwarded-Proto"] = "https"
        try:
            connection.request("GET", "/", headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    seen = {
        "proxy, https": status(HOST, True),
        "proxy, plain": status(HOST, False),
        "other, https": status("127.0.0.2", True),
    }
    if seen != {"proxy, https": 200, "proxy, plain": 301, "other, https": 301}:
        raise SystemExit(f"FAILED: X-Forwarded-Proto is not trusted as configured: {seen}")
    print("== X-Forwarded-Proto counts only from the trusted proxy")


def _wait_healthy(port: int, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"FAILED: gunicorn exited with {server.returncode}")
        try:
            status, _, _ = Browser(port, "192.0.2.1").request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"FAILED: /healthz did not answer 200 within {seconds:.0f} s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load")
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        print(
            "usage: python -m satsa.testing.pgcluster -- python -m satsa.testing.loadcheck",
            file=sys.stderr,
        )
        return 2

    var = tempfile.mkdtemp(prefix="satsa-loadcheck-")
    try:
        return _check(args, var)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _check(args: argparse.Namespace, var: str) -> int:
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SATSA_IDENTITY_KEY=secrets.token_urlsafe(48),
        SATSA_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_EMAIL_SMTP="false",  # reminders from the worker go to its (discarded) output
        SATSA_VAR_DIR=var,
        SATSA_TRUSTED_PROXIES=HOST,
        SATSA_TASK_BACKEND="database",
        SATSA_BIND=f"{HOST}:{port}",
        SATSA_WEB_WORKERS=str(args.workers),
        DATABASE_CONN_MAX_AGE="60",
    )
    satsa = [sys.executable, "-m", "satsa.cli"]
    _run([*satsa, "migrate", "--noinput"], env, 300)
    _run([*satsa, "demo"], env, 400)
    _run([*satsa, "collectstatic", "--noinput"], env, 120)
    _run([*satsa, "case_reminders", "--enqueue"], env, 60)
    _run([*satsa, "followup_reminders", "--enqueue"], env, 60)
    _run([*satsa, "db_worker", "--batch", "--no-startup-delay", "--no-reload"], env, 120)
    _run([*satsa, "schedule_daily"], env, 60)  # the deploy queues the daily run
    failed_tasks = subprocess.run(
        [
            *satsa,
            "shell",
            "--verbosity=0",
            "-c",
            "from django_tasks_db.models import DBTaskResult; "
            "r = DBTaskResult.objects.exclude(status='SUCCESSFUL'); "
            "print(r.exclude(status='READY', task_path='satsa.core.daily.daily_run').count(), "
            "r.filter(status='READY', task_path='satsa.core.daily.daily_run').count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if failed_tasks.returncode or failed_tasks.stdout.split()[-2:] != ["0", "1"]:
        print(
            "FAILED: worker tasks not successful, or not one daily run queued: "
            f"{failed_tasks.stdout}{failed_tasks.stderr}"
        )
        return 1
    print("== the worker ran the queued reminders; the daily run is queued")

    log = Path(var) / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:satsa.gunicorn_config", "satsa.wsgi"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(port, server, 60)
            print(f"== gunicorn with {args.workers} workers at {HOST}:{port}")
            _check_proxy_trust(port)
            _, home, _ = Browser(port, "192.0.2.1").request("GET", "/")
            static = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', home)))
            public = PUBLIC_PATHS + static
            private = _coordinator_paths(port, "orebro", COORDINATORS["orebro"], 15)
            print(f"   {len(public)} public paths, {len(private)} coordinator paths")
            tally = Tally()
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=_load, args=(port, n, until, public, private, tally))
                for n in range(args.threads)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 90)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    lines = log.read_text(errors="replace").splitlines()
    total = sum(tally.statuses.values())
    times = sorted(tally.times) or [0.0]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"== {total} requests in {args.seconds:.0f} s ({total / args.seconds:.1f}/s), "
        f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )
    if tally.errors or total == 0:
        print("FAILED: server errors or no requests:", *tally.errors[:20], sep="\n  ")
        print("-- last lines of gunicorn's log:", *lines[-40:], sep="\n")
        return 1
    print("== no server errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
