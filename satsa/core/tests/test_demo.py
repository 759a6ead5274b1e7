from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command

from satsa.orgs.models import Board, Department, Membership, Organisation
from satsa.orgs.roles import Role


def test_the_demo_loads_three_organisations_and_is_safe_to_rerun(db: Any) -> None:
    call_command("demo")
    counts = (Organisation.objects.count(), Board.objects.count(), Membership.objects.count())
    call_command("demo")
    assert (
        Organisation.objects.count(),
        Board.objects.count(),
        Membership.objects.count(),
    ) == counts
    codes = dict(Organisation.objects.values_list("slug", "code"))
    assert codes == {"orebro": "1880", "uppsala": "0380", "gavleborg": "0021"}


def test_the_demo_has_one_orebro_person_per_role_and_the_portfolio_departments(db: Any) -> None:
    call_command("demo")
    roles = set(
        Membership.objects.filter(organisation__slug="orebro").values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    departments = set(
        Department.objects.filter(organisation__slug="orebro").values_list("name", flat=True)
    )
    assert {
        "Förvaltningen förskola och skola",
        "Förvaltningen kultur och fritid",
        "Socialförvaltningen",
        "Förvaltningen funktionshindrade",
        "Förvaltningen utbildning, försörjning och arbete",
        "Kommunstyrelseförvaltningen",
    } <= departments
    anna = get_user_model().objects.get(username="anna")
    assert anna.check_password("satsa-demo")


def test_the_demo_command_honours_database_url(tmp_path: Any) -> None:
    import sqlite3
    import subprocess
    import sys

    target = tmp_path / "elsewhere.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{target}", "PATH": "/usr/bin:/bin"}
    for command in (["migrate", "-v0"], ["demo"]):
        subprocess.run([sys.executable, "-m", "satsa.cli", *command], env=env, check=True)
    slugs = sqlite3.connect(target).execute("select slug from orgs_organisation").fetchall()
    assert sorted(s for (s,) in slugs) == ["gavleborg", "orebro", "uppsala"]
