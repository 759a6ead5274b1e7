# The pipeline's fixture people and walk (satsa/cases/tests/conftest.py) serve here too.
from satsa.cases.tests.conftest import _media, people, walk  # noqa: F401
