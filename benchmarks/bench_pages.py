"""Page benchmark (run by ``make bench``): query counts and server times at two sizes.

Builds the normal demo and the national data set (``satsa.portfolio.scale``) in a fresh
database — a temporary SQLite file, or a test database beside ``DATABASE_URL``'s when it
points at PostgreSQL — at the first size, measures every page of issue #17 through the
Django test client (the real middleware) as storstad's coordinator and as a small
organisation's, then adds cases up to the second size and measures again. It prints, per
page and person, the query count at both sizes (``!=`` marks a page whose count grows with
the data) and the median and 95th percentile server time. It prints figures only and never
fails on them; ``satsa/portfolio/tests/test_scale.py`` asserts the equal counts.

    BENCH_SIZES=1500,3000   total cases at each size (default; 1500,10000 for the issue's
                            figure). At the first size the small organisation must hold
                            ``scale.NEEDED`` cases to reach every page: 1 500 cases over 300
                            organisations give it 4, 1 000 only 3.
    BENCH_ORGS=300          organisations the cases are spread over
    BENCH_REPEATS=5         requests per page (fewer once a page has taken BENCH_PAGE_BUDGET s)
    BENCH_PAGE_BUDGET=8     seconds per page and size after which it is not repeated
"""

from __future__ import annotations

import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satsa.settings")
TMP = tempfile.mkdtemp(prefix="satsa-bench-")
os.environ.setdefault("SATSA_VAR_DIR", TMP)

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1500,3000").split(",")]
ORGS = int(os.environ.get("BENCH_ORGS", "300"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
PAGE_BUDGET = float(os.environ.get("BENCH_PAGE_BUDGET", "8"))
ORIGINAL_NAME = ""


def _setup() -> None:
    import django
    from django.conf import settings

    if "sqlite" in os.environ.get("DATABASE_URL", "sqlite"):
        os.environ.pop("DATABASE_URL", None)
    django.setup()
    # the demo's notifications go nowhere (the console would drown the figures)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(Path(TMP) / "bench.sqlite3")
    from django.db import connection

    global ORIGINAL_NAME
    ORIGINAL_NAME = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    # Django's query log keeps 9 000 queries; some pages run more before they are fixed
    connection.queries_log = collections.deque(maxlen=10_000_000)


def _measure(client: Any, page: Any) -> tuple[int, list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from satsa.portfolio.scale import form_inputs

    data = None
    if page.method == "POST":
        data = form_inputs(client.get(page.form_of).content.decode())
    times: list[float] = []
    queries = status = 0
    spent = 0.0
    for _n in range(REPEATS):
        # the log keeps 9 000 queries at most: empty it so that every count is whole
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(page.url, data) if data is not None else client.get(page.url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - started
        times.append(elapsed)
        spent += elapsed
        # the last request's count: the first may fill process-wide caches
        queries, status = len(ctx.captured_queries), response.status_code
        if spent > PAGE_BUDGET:
            break
    if len(times) == 1:
        # one request only (BENCH_REPEATS=1, or a slow page): count a second, untimed one,
        # or the first size would count the queries that fill those caches
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(page.url, data) if data is not None else client.get(page.url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        queries, status = len(ctx.captured_queries), response.status_code
    return queries, times, status


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    _setup()
    from django.db import connection
    from django.test import Client

    from satsa.core.demo import load_all
    from satsa.orgs.models import Organisation
    from satsa.portfolio import scale

    vendor = connection.vendor
    print(f"database: {vendor}; sizes {SIZES} cases over {ORGS} organisations")
    started = time.perf_counter()
    load_all()
    print(f"normal demo loaded in {time.perf_counter() - started:.1f} s")
    small_slug = scale.place_names(ORGS)[-1][0]
    results: dict[tuple[str, str], dict[int, tuple[int, list[float], int]]] = {}
    built = 0
    for size in SIZES:
        result = scale.build(cases=size - built, organisations=ORGS)
        built = size
        print(
            f"built {result.cases} more cases ({size} in all) in {result.seconds:.1f} s "
            f"({result.cpu_seconds:.1f} s CPU) "
            f"({result.cases / max(result.seconds, 1e-9):.0f} cases/s); "
            f"{sum(result.rows.values())} rows"
        )
        for who, slug in (("storstad", scale.BIG_SLUG), ("small", small_slug)):
            org = Organisation.objects.get(slug=slug)
            client = Client()
            client.force_login(scale.coordinator(org))
            n_cases = org.cases.count()
            print(f"  measuring {slug} ({n_cases} cases) as its coordinator …", flush=True)
            if n_cases < scale.NEEDED:
                print(
                    f"  note: {slug} holds fewer than the {scale.NEEDED} cases every page "
                    "needs: some pages are not measured at this size (raise the size or "
                    "lower BENCH_ORGS)"
                )
            for page in scale.pages(org):
                results.setdefault((page.name, who), {})[size] = _measure(client, page)
    a, b = SIZES[0], SIZES[-1]
    head = (
        f"{'page':34} {'who':8} {'q@' + str(a):>7} {'q@' + str(b):>7}   "
        f"{'med@' + str(a):>9} {'p95@' + str(a):>9} {'med@' + str(b):>9} {'p95@' + str(b):>9}  status"
    )
    print()
    print(head)
    print("-" * len(head))
    differ = []
    for (name, who), by_size in results.items():
        qa, ta, sa = by_size.get(a, (0, [0.0], 0))
        qb, tb, sb = by_size.get(b, (0, [0.0], 0))
        mark = "  " if qa == qb else "!="
        if qa != qb:
            differ.append(f"{name} ({who})")
        print(
            f"{name:34} {who:8} {qa:7} {qb:7} {mark} "
            f"{1000 * statistics.median(ta):7.0f}ms {1000 * _p95(ta):7.0f}ms "
            f"{1000 * statistics.median(tb):7.0f}ms {1000 * _p95(tb):7.0f}ms  {sa}/{sb}"
        )
    print()
    print(
        f"{len(differ)} page(s) whose query count grows with the data: {', '.join(differ) or '-'}"
    )
    print(f"total {time.perf_counter() - started:.0f} s")
    connection.creation.destroy_test_db(ORIGINAL_NAME, verbosity=0)


if __name__ == "__main__":
    main()
