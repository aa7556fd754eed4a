# The two commands: `make run` (set up and serve with demo content) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)

.PHONY: help install run serve test lint format demo clean

help:
	@echo "make run    set up everything (SQLite by default), serve http://127.0.0.1:8000 and run the task worker"
	@echo "make test   lint, format check and the test suite (on DATABASE_URL if set)"
	@echo "make serve  production settings: gunicorn and the task worker (needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS)"

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "SpasmCMS needs Python 3.12 or newer, but $(PYTHON) is " + sys.version.split()[0] + ".")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Development server and task worker: debug on, SQLite under var/ unless DATABASE_URL says
# otherwise. The worker prints the emails it would send.
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	mkdir -p var
	DATABASE_STATEMENT_TIMEOUT_MS=0 $(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) create_demo_accounts
	$(BIN)/honcho start --procfile Procfile.dev --port 8000  # dev server and task worker

# Production: debug off, deployment checks must pass, hashed and compressed static files.
serve: $(STAMP)
	mkdir -p var
	$(MANAGE) check --deploy --fail-level WARNING
	DATABASE_STATEMENT_TIMEOUT_MS=0 $(MANAGE) migrate --noinput  # a migration may take long
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/honcho start  # gunicorn and the task worker (Procfile)

demo: export DJANGO_DEBUG ?= 1
demo: $(STAMP)
	$(MANAGE) load_demo_content

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests get a pytest run (and test database) of their own: their live server
# needs committed data, and keeping them apart keeps both runs independent.
# Both runs use TEST_WORKERS pytest-xdist workers, one per CPU by default, each with a test
# database (and for the browser tests a live server and Chromium) of its own;
# tests/conftest.py says how tests are shared out. TEST_WORKERS=0 runs them in one process.
# TEST_MARKERS picks the non-browser tests by marker (pytest -m): .ci/run's PostgreSQL pass
# leaves out what its SQLite pass already ran. Tests marked `timing` time milliseconds by the
# wall clock, so they run afterwards in one process with nothing beside them (only their
# files are collected; exit status 5 says none was picked).
test: export DJANGO_DEBUG ?= 1
TEST_WORKERS ?= auto
TEST_MARKERS ?=
SELECTED = $(if $(TEST_MARKERS),($(TEST_MARKERS)) and )
TIMING_FILES = $(shell grep -rlE 'pytest\.mark\.timing\b' tests --include='test_*.py')
# BROWSER_TESTS=0 leaves the browser run out (CI runs it once, on the default database).
BROWSER_TESTS ?= 1
test: lint
	$(BIN)/pytest --ignore=tests/browser -n $(TEST_WORKERS) -m "$(SELECTED)not timing"
	$(BIN)/pytest --ignore=tests/browser -m "$(SELECTED)timing" $(TIMING_FILES) || [ $$? -eq 5 ]
ifeq ($(BROWSER_TESTS),1)
	$(BIN)/pytest tests/browser -n $(TEST_WORKERS)
else
	@echo "Browser tests left out (BROWSER_TESTS=$(BROWSER_TESTS))."
endif

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
