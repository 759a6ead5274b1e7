"""The demo data set: each part of Satsa contributes a loader, run in this order."""

from __future__ import annotations

import importlib

# Each app adds its loader here, after the loaders whose data it builds on.
LOADERS = [
    "satsa.orgs.demo.load",
    "satsa.eid.demo.load",
    "satsa.funds.demo.load_deposits",
    "satsa.calculations.demo.load",
    "satsa.rulebooks.demo.load",
    "satsa.cases.demo.load",
    "satsa.funds.demo.load_payments",
    "satsa.followup.demo.load",
    # Ends the portfolio's finished projects, releasing what they never claimed.
    "satsa.followup.demo.close_finished",
    # The portfolio's repayment plans, settlements and repayments (needs what was paid).
    "satsa.funds.demo.load_repayments",
    # Made-up projects running now: claims to approve, reports due.
    "satsa.followup.demo.load_running",
]


def load_all() -> list[str]:
    done = []
    for dotted in LOADERS:
        module_name, _, func = dotted.rpartition(".")
        getattr(importlib.import_module(module_name), func)()
        done.append(dotted)
    return done
