"""Decisions that cross apps: the steering group's ranking and the executive board's grant.

This is the top floor of the project: a decision here may change the case (its stage, in
satsa.cases), book money (satsa.funds) and keep the calculation it rests on
(satsa.calculations) in one transaction. Lower apps never import this package.
"""
