"""The ``satsa`` command: one entry point for every tool Satsa offers.

Pure commands (``calc``, ``rules``) run without Django so that they start fast and work
without a database; everything else is a Django management command, so ``satsa demo``
and ``satsa migrate`` honour ``DATABASE_URL`` like the web application does.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable

# command name -> "module:function" taking argv (without the command) and returning an exit code
PURE_COMMANDS: dict[str, str] = {
    "calc": "satsa.economics.cli:main",
    "rules": "satsa.rules.cli:main",
    "evaluate": "satsa.evaluation.cli:main",
}


def _load(target: str) -> Callable[[list[str]], int]:
    module_name, _, func = target.partition(":")
    return getattr(importlib.import_module(module_name), func)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PURE_COMMANDS:
        return _load(PURE_COMMANDS[argv[0]])(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satsa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["satsa", *argv])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
