# The README's two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# pyenv's interpreter when there is one, else python3.13, python3.12 or python3 on PATH
# (refused below if older than 3.12).
PYTHON ?= $(shell if command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" ]; then echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python"; else command -v python3.13 || command -v python3.12 || command -v python3; fi)
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python 3.12 or newer: older, pip fails on it half way through.
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 12))

define PYTHON_HELP
Django 6.1 needs Python 3.12 or newer. Install Python $(PYTHON_VERSION), then run make again:
  with pyenv:   pyenv install $(PYTHON_VERSION)   (.python-version selects it)
  with apt:     sudo apt-get install python3.13 python3.13-venv   (where your release has it)
or name one:    make PYTHON=/path/to/python3.13
endef
export PYTHON_HELP
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install format clean bench loadtest faultcheck oidc-dev

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python found (pyenv's $(PYTHON_VERSION), python3.13, python3.12 or python3 on PATH)." >&2; \
	  echo "$$PYTHON_HELP" >&2; exit 1; fi
	@if ! "$(PYTHON)" -c '$(NEW_ENOUGH)' 2>/dev/null; then \
	  echo "$(PYTHON) is $$("$(PYTHON)" -V 2>/dev/null || echo "not a Python that runs")." >&2; \
	  echo "$$PYTHON_HELP" >&2; exit 1; fi
	@# A virtualenv an older Python made (before this check) only fails again: make it anew.
	@if [ -e $(VENV) ] && ! $(PY) -c '$(NEW_ENOUGH)' 2>/dev/null; then \
	  echo "$(VENV) was made by $$($(PY) -V 2>/dev/null || echo "a Python that no longer runs"): making it again with $$("$(PYTHON)" -V)."; \
	  rm -rf $(VENV); fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

## Serve the site on an embedded SQLite database with the demo data, with a task worker
## beside it (scripts/run_dev.py: Ctrl-C stops both); email is written to var/mail/.
run: install
	DJANGO_DEBUG=true $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=true $(PY) manage.py load_demo
	DJANGO_DEBUG=true $(PY) scripts/run_dev.py $(HOST):$(PORT)

## A local identity provider (django-oidc-provider) on port 8001 to try single sign-on
## with `make run`: it prints the settings to start the register with (README).
oidc-dev: install
	$(PY) -m tests.oidc_provider_site.run 8001 http://$(HOST):$(PORT)

## Lint, check migrations, run the whole suite (browser tests included).
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# On an in-memory SQLite database: the check asks a database what it supports (for
	@# GeneratedField), and CI's PostgreSQL database is only created by the tests.
	DJANGO_DEBUG=true DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n auto --dist loadfile $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 var

## Stop and restart PostgreSQL under load: 503 during the outage, 200 after, no restart.
## Needs root and the local PostgreSQL; stops it for everyone for OUTAGE seconds.
OUTAGE ?= 10
faultcheck: install
	$(PY) scripts/faultcheck.py --outage $(OUTAGE)

## Benchmarks (not CI): synthetic data at 1x, 10x and 100x the West Midlands register on
## local PostgreSQL (127.0.0.1:5432, user postgres); writes benchmarks/results.json.
BENCH_SCALES ?= 1 10 100
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@touch $@

bench: install $(VENV)/.bench-installed
	$(PY) -m benchmarks.run $(BENCH_SCALES)

## gunicorn (2 workers) under locust for 60 s per phase; writes benchmarks/loadtest-results.json.
loadtest: install $(VENV)/.bench-installed
	$(PY) -m benchmarks.loadtest
