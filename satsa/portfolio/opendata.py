"""The open-data shape of the public record: the contract documented in docs/open-data.md.

Keys and their meaning are a published interface other tools read; add keys, never rename
or remove them.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from satsa.core.tabular import RFC4180, Column, Table, to_csv
from satsa.orgs.models import Organisation
from satsa.portfolio.selectors import PublicIntervention, public_interventions

FORMAT_VERSION = 1
# Column order of the CSV; the JSON objects carry the same keys (lists stay lists there).
FIELDS = [
    "id",
    "name",
    "diarienummer",
    "decided_on",
    "start_date",
    "end_date",
    "granted_amount",
    "departments",
    "boards",
    "partners",
    "target_group",
    "status",
    "final_report_url",
    "ended_on",
]


def intervention_record(item: PublicIntervention, organisation: Organisation) -> dict[str, Any]:
    """One intervention as open data: dates ISO 8601, the amount a decimal string."""
    report_url = (
        reverse(
            "public_portfolio:final_report",
            kwargs={"org_slug": organisation.slug},
        )
        + f"?id={item.final_report.pk}"
        if item.final_report
        else None
    )
    return {
        "id": item.id,
        "name": item.name,
        "diarienummer": item.diarienummer or None,
        "decided_on": item.decided_on.isoformat() if item.decided_on else None,
        "start_date": item.start_date.isoformat() if item.start_date else None,
        "end_date": item.end_date.isoformat() if item.end_date else None,
        # A string keeps the exact öre ("5400000.00"); null when the decision states no sum.
        "granted_amount": f"{item.granted_amount:.2f}" if item.granted_amount is not None else None,
        "departments": item.departments,
        "boards": item.boards,
        "partners": item.partners,
        "target_group": item.target_group,
        "status": item.status,
        "final_report_url": report_url,
        "ended_on": item.ended_on.isoformat() if item.ended_on else None,
    }


def interventions_document(organisation: Organisation) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "organisation": {
            "slug": organisation.slug,
            "name": organisation.name,
            "code": organisation.code,
        },
        "interventions": [
            intervention_record(item, organisation) for item in public_interventions(organisation)
        ],
    }


def interventions_csv(organisation: Organisation) -> str:
    """CSV (RFC 4180, UTF-8, comma-separated); list fields joined by "; ".

    Text a spreadsheet would run as a formula gets a leading apostrophe (docs/open-data.md).
    """
    records = (
        intervention_record(item, organisation) for item in public_interventions(organisation)
    )
    table = Table(
        [Column(key) for key in FIELDS],
        (
            [
                "; ".join(value) if isinstance(value, list) else value
                for value in map(record.get, FIELDS)
            ]
            for record in records
        ),
    )
    return to_csv(table, RFC4180).decode("utf-8")
