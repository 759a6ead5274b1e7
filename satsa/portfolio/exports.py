"""XLSX exports of the portfolio's lists (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from satsa.portfolio.selectors import Dashboard

MONEY = '#,##0 "kr"'


def portfolio_xlsx(organisation_name: str, board: Dashboard) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Satsningar"
    header = [
        "Satsning",
        "Diarienummer",
        "Beslutsdatum",
        "Startdatum",
        "Slutdatum",
        "Beviljat (kr)",
        "Förvaltningar",
        "Nämnder",
        "Målgrupp",
        "Skede",
    ]
    ws.append(header)
    for case in board.granted:
        ws.append(
            [
                case.title,
                case.diarienummer or "",
                case.decided_on,
                case.start_date,
                case.end_date,
                case.granted_amount,
                ", ".join(sorted(d.name for d in case.departments.all())),
                ", ".join(sorted(b.name for b in case.boards.all())),
                case.target_group,
                str(case.get_stage_display()),
            ]
        )
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = MONEY
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append(["Summa", None, None, None, None, board.granted_total])
    ws.cell(ws.max_row, 6).number_format = MONEY
    _style(ws, len(header))

    pipe = wb.create_sheet("Ärenden per skede")
    pipe.append(["Skede", "Antal", "Beviljat (kr)"])
    for row in board.pipeline:
        pipe.append([row.label, row.count, row.amount])
        pipe.cell(pipe.max_row, 3).number_format = MONEY
    _style(pipe, 3)

    savings = wb.create_sheet("Besparingar per nämnd")
    savings.append(["Nämnd", "Förväntat (kr)", "Realiserat (kr)"])
    for name, expected, realised in board.savings:
        savings.append([name, expected, realised])
        for col in (2, 3):
            savings.cell(savings.max_row, col).number_format = MONEY
    _style(savings, 3)

    wb.properties.title = f"Portfölj – {organisation_name}"
    wb.properties.creator = "Satsa"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _style(ws: object, columns: int) -> None:
    for cell in ws[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"  # type: ignore[attr-defined]
    for i in range(1, columns + 1):
        ws.column_dimensions[get_column_letter(i)].width = 22 if i != 1 else 40  # type: ignore[attr-defined]
