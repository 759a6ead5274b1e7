"""Hypothesis strategies for cases: random consortia with missing, extra and odd values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from satsa.rules import PARTY_TYPES, preset_ids

AREAS = ["social", "school", "preschool", "culture", "labour", "health", " Social ", ""]
FORMS = ["forening", "stiftelse", "kooperativ", "valgorenhetsorganisation", "aktiebolag"]
CASE_KEYS = [
    "parties",
    "duration_years",
    "start_date",
    "end_date",
    "co_financing_share",
    "requested_amount",
    "total_cost",
    "project_leader_share",
    "submitted_date",
    "intake_round",
    "new_grants_this_year",
    "expected_savings",
]

rulebook_ids = st.sampled_from(preset_ids())
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
extra_values = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
extras = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda key: key not in CASE_KEYS),
    extra_values,
    max_size=2,
)
names = st.none() | st.text(max_size=12) | st.sampled_from(["Socialnämnden", "Konsult AB"])

parties = st.builds(
    lambda fields, more: {**more, **fields},
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.none() | st.sampled_from(PARTY_TYPES),
            "name": names,
            "area": st.none() | st.sampled_from(AREAS) | st.text(max_size=6),
            "form": st.none() | st.sampled_from(FORMS) | st.text(max_size=6),
            "municipal_ownership": st.none() | shares,
        },
    ),
    extras,
)

# Parties with a type and plausible fields: consortia the rules actually decide on.
typed_parties = st.one_of(
    st.builds(
        lambda area, name: {"type": "board", "name": name, "area": area},
        st.sampled_from(AREAS[:4]),
        st.sampled_from(["Socialnämnden", "Skolnämnden", "Kulturnämnden", "Nämnd X"]),
    ),
    st.builds(
        lambda form: {"type": "civil_society", "name": "Föreningen", "form": form},
        st.sampled_from(FORMS),
    ),
    st.builds(
        lambda owned: {
            "type": "municipal_company",
            "name": "Bolaget",
            "municipal_ownership": owned,
        },
        st.none() | shares,
    ),
    st.sampled_from(
        [
            {"type": "other_public", "name": "Regionen"},
            {"type": "company", "name": "Konsult AB"},
            {"type": "contracted_operator", "name": "Omsorg AB"},
        ]
    ),
)
consortia = st.lists(typed_parties, max_size=5)

amounts = (
    st.integers(min_value=0, max_value=10**13)
    | st.floats(min_value=0, max_value=1e13, allow_nan=False)
    | st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False)
)
signed_amounts = st.decimals(
    min_value=-(10**13), max_value=10**13, places=2, allow_nan=False, allow_infinity=False
)
iso_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)).map(
    dt.date.isoformat
)


def _case(fields: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    return {**more, **fields}


cases = st.builds(
    _case,
    st.fixed_dictionaries(
        {},
        optional={
            "parties": st.none() | consortia | st.lists(parties, max_size=7),
            "duration_years": st.none()
            | st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
            | st.integers(min_value=0, max_value=10),
            "start_date": st.none() | iso_dates,
            "end_date": st.none() | iso_dates,
            "co_financing_share": st.none() | shares,
            "requested_amount": st.none() | amounts,
            "total_cost": st.none() | amounts,
            "project_leader_share": st.none() | shares,
            "submitted_date": st.none() | iso_dates,
            "intake_round": st.none() | st.sampled_from(["2018", "2019", "0001", "spring", ""]),
            "new_grants_this_year": st.none() | st.integers(min_value=0, max_value=50),
            "expected_savings": st.none() | signed_amounts,
        },
    ),
    extras,
)

# Anything JSON could hold, to check that bad input gives CaseError and nothing worse.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.just(Decimal("NaN")),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
junk_cases = st.dictionaries(st.sampled_from(CASE_KEYS), json_values, max_size=6) | json_values

company = st.fixed_dictionaries(
    {"type": st.just("company")},
    optional={"name": names, "area": st.sampled_from(AREAS), "form": st.sampled_from(FORMS)},
)
