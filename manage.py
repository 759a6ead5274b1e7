#!/usr/bin/env python
"""Django's manage.py, kept for habit; ``satsa`` is the documented entry point."""

from satsa.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
