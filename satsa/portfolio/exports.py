"""XLSX export of the portfolio's lists (written by satsa.core.tabular)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from satsa.core.tabular import Column, Kind, Table, to_xlsx
from satsa.portfolio.selectors import PortfolioList, granted_rows

MONEY = '#,##0 "kr"'


def _money(header: str) -> Column:
    return Column(header, Kind.MONEY, width=22, number_format=MONEY)


def _date(header: str) -> Column:
    return Column(header, Kind.DATE, width=22)


def _text(header: str, width: float = 22) -> Column:
    return Column(header, width=width)


def _granted_rows(board: PortfolioList) -> Iterator[list[Any]]:
    for row in granted_rows(board):
        yield [
            row.title,
            row.diarienummer or None,
            row.decided_on,
            row.start_date,
            row.end_date,
            row.granted_amount,
            ", ".join(row.departments),
            ", ".join(row.boards),
            row.target_group,
            row.stage_label,
        ]
    yield []
    yield ["Summa", None, None, None, None, board.granted_total]


def portfolio_tables(board: PortfolioList) -> list[Table]:
    return [
        Table(
            [
                _text("Satsning", 40),
                _text("Diarienummer"),
                _date("Beslutsdatum"),
                _date("Startdatum"),
                _date("Slutdatum"),
                _money("Beviljat (kr)"),
                _text("Förvaltningar"),
                _text("Nämnder"),
                _text("Målgrupp"),
                _text("Skede"),
            ],
            _granted_rows(board),
            title="Satsningar",
        ),
        Table(
            [_text("Skede", 40), Column("Antal", Kind.INT, width=22), _money("Beviljat (kr)")],
            ([row.label, row.count, row.amount] for row in board.pipeline),
            title="Ärenden per skede",
        ),
        Table(
            [_text("Nämnd", 40), _money("Förväntat (kr)"), _money("Realiserat (kr)")],
            ([name, expected, realised] for name, expected, realised in board.savings),
            title="Besparingar per nämnd",
        ),
    ]


def portfolio_xlsx(organisation_name: str, board: PortfolioList) -> bytes:
    return to_xlsx(*portfolio_tables(board), title=f"Portfölj – {organisation_name}")
