"""The rulebook of a case: parsed once per version, looked up once per organisation and request."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from satsa.cases.models import Case
from satsa.events.actors import system_actor
from satsa.rulebooks import selectors
from satsa.rulebooks.services import rulebook_presets_install


def test_many_cases_read_their_rulebook_with_one_query_per_organisation(orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    cases = [
        Case.objects.create(organisation=orebro, title=f"Fall {n}", rulebook_key="orebro-2016")
        for n in range(20)
    ]
    selectors.rulebook_for(cases[0])  # parsed once for the process
    with selectors.memo(), CaptureQueriesContext(connection) as queries:
        rulebooks = {id(selectors.rulebook_for(case)) for case in cases}
    assert len(rulebooks) == 1
    assert len(queries) == 1
    # The lookup reads the version's id, never its TOML again.
    assert "source_toml" not in queries[0]["sql"]


def test_cases_under_different_keys_of_one_organisation_cost_one_query(orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    old = Case.objects.create(organisation=orebro, title="Gammal", rulebook_key="orebro-2016")
    new = Case.objects.create(organisation=orebro, title="Ny", rulebook_key="orebro-2020")
    selectors.rulebook_for(old), selectors.rulebook_for(new)  # parsed once for the process
    with selectors.memo(), CaptureQueriesContext(connection) as queries:
        selectors.rulebook_for(old)
        selectors.rulebook_for(new)
        selectors.rulebook_for(old)
    assert len(queries) == 1


def test_a_new_version_is_read_under_its_own_key(orebro: Any) -> None:
    rulebook_presets_install(organisation=orebro, actor=system_actor())
    with selectors.memo():
        old = selectors.rulebook_by_key(orebro, "orebro-2016")
        new = selectors.rulebook_by_key(orebro, "orebro-2020")
    assert old.repayment.model != new.repayment.model
