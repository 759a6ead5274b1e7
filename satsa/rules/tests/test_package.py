"""The rules package stays pure: it imports without Django."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


DJANGO_IMPORT = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)


def test_no_module_of_the_package_imports_django() -> None:
    sources = list(PACKAGE.rglob("*.py"))
    assert len(sources) > 5
    offenders = [p.name for p in sources if DJANGO_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert DJANGO_IMPORT.search("x = 1\nfrom django.db import models\n")


def test_it_imports_and_checks_a_case_without_loading_django() -> None:
    code = (
        "import sys\n"
        "from satsa.rules import check_eligibility, get_preset\n"
        "check_eligibility(get_preset('orebro-2020'), {})\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
