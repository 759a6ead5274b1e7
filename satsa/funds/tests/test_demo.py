"""The demo money: Örebro's deposits as the sources tell them, loaded once however often."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from satsa.funds import demo
from satsa.funds.selectors import fund_position


def test_orebro_has_87_msek_by_2017_and_100_by_2019(orebro: Any) -> None:
    demo.load_deposits()
    demo.load_deposits()
    assert fund_position(organisation=orebro, on=dt.date(2013, 6, 30)).deposited == Decimal(
        "65000000"
    )
    assert fund_position(organisation=orebro, on=dt.date(2017, 12, 31)).deposited == Decimal(
        "87000000"
    )
    assert fund_position(organisation=orebro, on=dt.date(2019, 12, 31)).deposited == Decimal(
        "100000000"
    )


def test_payments_are_made_in_arrears_up_to_the_grant(orebro: Any, make_case: Any) -> None:
    demo.load_deposits()
    case = make_case(
        orebro,
        title="El Sistema",
        granted=Decimal("3000000"),
        start=dt.date(2015, 1, 1),
        end=dt.date(2017, 12, 31),
    )
    demo.load_payments()
    demo.load_payments()
    position = fund_position(organisation=orebro, on=dt.date(2018, 12, 31))
    assert position.committed == position.paid == Decimal("3000000")
    assert case.fund_claims.count() == 6  # delår 2 and helår in 2015, 2016, 2017
    assert fund_position(organisation=orebro, on=dt.date(2015, 9, 29)).paid == 0
