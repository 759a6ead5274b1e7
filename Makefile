# Everything a newcomer needs: `make run` (Satsa with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
AXE    := node_modules/axe-core/axe.min.js
HOST   ?= 127.0.0.1:8000

.PHONY: venv run demo test test-sqlite test-postgres lint check bench messages clean serve worker loadcheck

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Satsa needs Python >= 3.12 (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# SAML signatures (e-legitimation) need Debian's xmlsec1: installed here when we may.
	@command -v xmlsec1 >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xmlsec1; } \
	  || echo "NOTE: install Debian's xmlsec1 (apt-get install xmlsec1) for e-legitimation"
	touch $(STAMP)

venv: $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $(AXE)

# The demo identity provider (e-legitimation, docs/login.md) runs beside Satsa.
run: demo
	$(BIN)/satsa demo_idp & trap "kill $$!" EXIT; $(BIN)/satsa runserver $(HOST)

demo: $(STAMP)
	$(BIN)/satsa migrate --noinput
	$(BIN)/satsa demo

# The whole suite on SQLite (browser tests included), then again on a throwaway PostgreSQL.
test: test-sqlite test-postgres

test-sqlite: $(STAMP) $(AXE)
	$(BIN)/pytest

test-postgres: $(STAMP)
	$(BIN)/python -m satsa.testing.pgcluster -- $(BIN)/pytest -m "not browser" -p no:cacheprovider

# mypy checks all of satsa/ with the Django plugin (config in pyproject.toml: tests and
# migrations are excluded; the pure packages economics/rules/evaluation keep the --strict flags).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy satsa

check: $(STAMP)
	$(BIN)/satsa makemigrations --check --dry-run
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  DJANGO_ALLOWED_HOSTS=satsa.example.se $(BIN)/satsa check --deploy --fail-level WARNING

# Production-style serving (docs/operations.md): gunicorn with satsa/gunicorn_config.py, and
# the tasks worker beside it. Settings come from the environment (DATABASE_URL, ...).
serve: $(STAMP)
	$(BIN)/satsa migrate --noinput
	$(BIN)/satsa collectstatic --noinput
	$(BIN)/gunicorn -c python:satsa.gunicorn_config satsa.wsgi

worker: $(STAMP)
	$(BIN)/satsa schedule_daily
	$(BIN)/satsa db_worker --no-reload

# gunicorn with two workers on a throwaway PostgreSQL, the demo loaded, a ~20 s load on
# 127.0.0.1; fails on any 5xx (satsa/testing/loadcheck.py).
loadcheck: $(STAMP)
	$(BIN)/python -m satsa.testing.pgcluster -- $(BIN)/python -m satsa.testing.loadcheck --seconds 20

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var
