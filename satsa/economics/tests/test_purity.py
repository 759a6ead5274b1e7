"""The package stays pure: importing all of it loads no Django."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
DJANGO_IMPORT = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)


def test_no_module_imports_django() -> None:
    modules = list(PACKAGE.rglob("*.py"))
    assert len(modules) > 10
    for path in modules:
        assert not DJANGO_IMPORT.search(path.read_text(encoding="utf-8")), path


def test_importing_the_package_and_its_cli_loads_no_django() -> None:
    code = (
        "import sys, satsa.economics, satsa.economics.cli; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
