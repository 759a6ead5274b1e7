"""``satsa fund position``: exact figures, precise errors."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("fund", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_position_as_exact_decimal_strings(granted_case: Any) -> None:
    data = json.loads(
        run("position", "--org", "orebro", "--date", "2016-12-31", "--format", "json")
    )
    assert data["deposited"] == "10000000.00"
    assert data["committed"] == "1000000.00"
    assert data["free"] == "9000000.00"
    assert data["paid"] == data["repaid"] == data["fees"] == "0.00"
    assert data["on"] == "2016-12-31"


def test_the_position_at_an_earlier_date_leaves_later_bookings_out(granted_case: Any) -> None:
    data = json.loads(
        run("position", "--org", "orebro", "--date", "2015-12-31", "--format", "json")
    )
    assert (data["deposited"], data["committed"]) == ("10000000.00", "0.00")


def test_the_text_format_names_every_figure(funded: Any) -> None:
    text = run("position", "--org", "orebro", "--date", dt.date(2020, 1, 1).isoformat())
    assert "fritt att bevilja" in text and "10000000.00 kr" in text


def test_it_names_an_unknown_organisation(orebro: Any) -> None:
    with pytest.raises(CommandError, match="no organisation 'nowhere' \\(known: orebro\\)"):
        run("position", "--org", "nowhere")


def test_it_refuses_a_bad_date(orebro: Any) -> None:
    with pytest.raises(CommandError, match="'2017-13-01' is not a date"):
        run("position", "--org", "orebro", "--date", "2017-13-01")


def test_a_bad_date_exits_non_zero_from_the_command_line(orebro: Any, capsys: Any) -> None:
    from satsa.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["fund", "position", "--org", "orebro", "--date", "31/12/2017"])
    assert exit_.value.code != 0
    assert "is not a date" in capsys.readouterr().err
