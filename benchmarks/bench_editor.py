"""Benchmark of the calculation editor's recompute on edit (run by ``make bench``).

The 20-line reference case of ``bench_economics.py`` is loaded into a case's calculation,
the editor's form is read from the page as a browser sends it, and the results region
(``calculations:results``, what htmx posts on every edit) is requested many times; the
script prints the median server time of one recompute (target < 100 ms): reading and
checking the grid's forms, the engine with the editor's Monte Carlo draws, the charts and
the rendering. It uses a fresh in-memory database and never fails on timing. Ranges the
grid has no cells for (per-year volume ranges, cost ranges) are left out by the form, as
they would be by a save in the editor.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satsa.settings")

REPEATS = 31
FORM = "application/x-www-form-urlencoded"


def form_data(html: str) -> dict[str, str]:
    """The editor's form as the browser would send it."""
    start = html.index('id="calc-form"')
    form = html[start : html.index("</form>", start)]
    form = re.sub(r"<template.*?</template>", "", form, flags=re.S)
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def main() -> None:
    import django

    django.setup()
    from bench_economics import reference_case
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from satsa.calculations import services
    from satsa.cases.models import Case
    from satsa.events.actors import system_actor
    from satsa.orgs.models import Membership, Organisation
    from satsa.orgs.roles import Role

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    org = Organisation.objects.create(slug="orebro", name="Örebro kommun", kind="kommun")
    user = get_user_model().objects.create_user(username="alice", password="x")
    Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
    case = Case.objects.create(
        organisation=org, title="Referens", stage="application", created_by=user
    )
    calculation = services.calculation_create(case=case, actor=system_actor())
    data = reference_case()
    data.pop("repayment", None)
    services.calculation_update(calculation=calculation, data=data, actor=system_actor())
    client = Client()
    client.force_login(user)
    html = client.get(f"/o/orebro/kalkyler/arende/{case.pk}/").content.decode()
    post = form_data(html)
    url = f"/o/orebro/kalkyler/arende/{case.pk}/resultat/"
    times = []
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    cpu_times = []
    for i in range(REPEATS):
        # A different figure each time, as someone typing.
        post["effects-0-y2028"] = str(1 + i % 3)
        started, cpu_started = time.perf_counter(), time.process_time()
        # Sent as htmx sends it: URL-encoded.
        response = client.post(url, urlencode(post), content_type=FORM)
        times.append(time.perf_counter() - started)
        # CPU time too: on a shared, busy machine the wall time waits for a core.
        cpu_times.append(time.process_time() - cpu_started)
        body = response.content.decode()
        assert response.status_code == 200 and 'id="npv"' in body, re.findall(
            r'class="error">([^<]*)', body
        )[:5]
    if profile is not None:
        import pstats

        profile.disable()
        stats = pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"])
        stats.print_stats(40)
        # BENCH_CALLERS=name: who calls the functions matching it, and for how long
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
    # For scale: the engine alone on what the form sends (the editor's Monte Carlo draws),
    # timed alongside, since these machines are shared.
    from satsa.calculations import engine
    from satsa.calculations.models import Calculation

    sent = Calculation.objects.get(pk=calculation.pk).data
    engine_times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        engine.run(sent, seed=1)
        engine_times.append(time.perf_counter() - started)
    lines = len(data["effects"]) + len(data["costs"])
    print(
        f"editor recompute, 20-line reference ({lines} lines in the grid): "
        f"median {statistics.median(times) * 1000:.1f} ms, "
        f"min {min(times) * 1000:.1f} ms over {REPEATS} requests (target < 100 ms), "
        f"CPU median {statistics.median(cpu_times) * 1000:.1f} ms; "
        f"of which the engine alone ({engine.DRAWS} draws): "
        f"median {statistics.median(engine_times) * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
