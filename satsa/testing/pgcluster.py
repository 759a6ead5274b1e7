"""Run a command against a throwaway PostgreSQL cluster.

    python -m satsa.testing.pgcluster -- pytest -m "not browser"

starts a fresh cluster (initdb + pg_ctl from this machine) on a free local port, runs the
command with ``DATABASE_URL`` pointing at it, then stops and removes the cluster. When
PostgreSQL is not installed the pass is skipped with a visible reason, except under
``CI=true``, where that is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _find(tool: str) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m satsa.testing.pgcluster -- COMMAND ...", file=sys.stderr)
        return 2
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    if not (initdb and pg_ctl):
        reason = "MISSING: PostgreSQL (initdb/pg_ctl) not found; install Debian's postgresql"
        if os.environ.get("CI") == "true":
            print(f"FAILED: {reason} (required under CI=true)", file=sys.stderr)
            return 1
        print(f"SKIPPED the PostgreSQL test pass: {reason}", file=sys.stderr)
        return 0

    root = tempfile.mkdtemp(prefix="satsa-pg-")
    run_as: list[str] = []
    # initdb refuses to run as root: hand the cluster to the postgres system user.
    if os.geteuid() == 0:
        try:
            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            print("FAILED: running as root and there is no 'postgres' user", file=sys.stderr)
            return 1
        os.chown(root, pg_user.pw_uid, pg_user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log = os.path.join(root, "data"), os.path.join(root, "server.log")
    port = _free_port()
    try:
        subprocess.run(
            [
                *run_as,
                initdb,
                "-D",
                data,
                "-U",
                "satsa",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = dict(os.environ, DATABASE_URL=f"postgres://satsa@127.0.0.1:{port}/postgres")
        print(f"== PostgreSQL test pass on a throwaway cluster at 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env).returncode
    except subprocess.CalledProcessError as error:
        print(f"FAILED to start PostgreSQL: {error}", file=sys.stderr)
        if os.path.exists(log):
            print(Path(log).read_text(), file=sys.stderr)
        return 1
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
