"""Socio-economic calculation engine (pure Python + numpy, no Django).

``calculate(case, draws, seed)`` takes a case in the exchange format of ECONOMICS.md §5
and returns flows, totals, the approval rule, uncertainty, comparison alternatives and
the repayment plan as plain data; ``satsa calc`` prints the same. ``npv_draws`` gives
the Monte Carlo draws behind ``calculate``'s ``monte_carlo``. See docs/economics.md.
"""

from __future__ import annotations

from satsa.economics.errors import CalculationError, Issue
from satsa.economics.report import calculate, npv_draws

__all__ = ["CalculationError", "Issue", "calculate", "npv_draws"]
