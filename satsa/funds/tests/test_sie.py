"""The SIE 4 export parses back under the format's rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from satsa.funds import services
from satsa.funds.exports import journal_sie
from satsa.funds.sie import SieError, parse_sie


def test_the_sie_file_round_trips(
    client_as: Any, alice: Any, leader: Any, granted_case: Any
) -> None:
    claim = services.claim_submit(
        case=granted_case,
        period_code="delar2",
        period_end=dt.date(2016, 8, 31),
        amount=Decimal("123456.78"),
        actor=leader,
        idempotency_key="k",
    )
    services.claim_approve(
        claim=claim, actor=alice, idempotency_key="a", approved_on=dt.date(2016, 9, 15)
    )
    services.payment_book(
        claim=claim, booked_on=dt.date(2016, 9, 30), actor=alice, idempotency_key="p"
    )
    response = client_as(alice).get(reverse("funds:journal_sie", args=["orebro"]), {"ar": "2016"})
    assert response.status_code == 200
    data = response.content
    assert data.startswith(b"#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n")
    assert "Örebro".encode("cp437") in data  # PC8, not UTF-8
    sie = parse_sie(data)
    assert sie.year == (dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    assert [len(v.rows) for v in sie.verifications] == [2, 2, 2]
    # The 2015 deposit is the opening balance; 2016's payment moved the treasury.
    assert sie.opening["2091"] == Decimal("-10000000.00")
    assert sie.closing["1930"] == Decimal("-123456.78")
    assert sie.closing["2091"] == Decimal("-9000000.00")
    assert (("6", str(granted_case.pk))) in sie.objects


def test_the_reader_refuses_what_breaks_the_rules(granted_case: Any) -> None:
    good = journal_sie(granted_case.organisation, 2016)
    parse_sie(good)
    for broken, message in [
        (good.replace(b"-1000000.00", b"-999999.00"), "off by"),
        (good.replace(b"#KONTO 2092", b"#KONTO 2999"), "not declared"),
        (good.replace(b"#VER F 1 20160101", b"#VER F 1 20170101"), "outside the fiscal year"),
        (good.replace(b"#FORMAT PC8", b"#FORMAT UTF8"), "PC8"),
    ]:
        with pytest.raises(SieError, match=message):
            parse_sie(broken)
