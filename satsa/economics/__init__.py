"""Socio-economic calculation engine (pure Python + numpy, no Django).

``calculate(case, draws, seed)`` takes a case in the exchange format of ECONOMICS.md §5
and returns flows, totals, the approval rule, uncertainty, comparison alternatives and
the repayment plan as plain data; ``satsa calc`` prints the same. See docs/economics.md.
"""

from __future__ import annotations

from satsa.economics.errors import CalculationError, Issue
from satsa.economics.report import calculate

__all__ = ["CalculationError", "Issue", "calculate"]
