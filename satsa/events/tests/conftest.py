"""The fixtures notifications are tested with: the pipeline's people and walks (cases),
the fund's granted case (funds) and follow-up's case with its schema (followup)."""

from satsa.cases.tests.conftest import _media, people, walk  # noqa: F401
from satsa.followup.tests.conftest import case, lina, schema  # noqa: F401
from satsa.funds.tests.conftest import funded, granted_case, leader, make_case  # noqa: F401
