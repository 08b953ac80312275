# Portico — the two commands: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORTICO := $(BIN)/portico
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL cluster `make test` and `make bench` start (pg_ctlcluster; see scripts/postgres.sh).
PG_PORT ?= 54329
PG_URL := postgres://portico:portico@127.0.0.1:$(PG_PORT)/portico

.PHONY: help demo test install assets messages catalogs migrate lint typecheck migrations-check pytest pytest-postgres \
        system-deps postgres serve worker clean bench bench-seed layers cluster-deps cluster-test checks \
        audit audit-imported

help:
	@echo "make demo   install, build, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install what tests need, lint, type-check, run tests on SQLite and PostgreSQL"
	@echo "make cluster-test  run Portico scaled out on loopback ports and break it (part of make test)"
	@echo "make bench-seed  seed benchmark-scale data (BENCH_SIZE=500|5000|50000) for make bench"
	@echo "make bench  measure the seeded data on SQLite and PostgreSQL, write docs/benchmarks.md"
	@echo "make audit  pip-audit every pin of requirements.lock, print the findings (docs/security.md)"

# --- install ---------------------------------------------------------------------------------
$(BIN)/uv:
	@echo "==> creating the virtual environment in $(VENV)/"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/uv
	@echo "==> installing Python packages from requirements.lock"
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip sync --quiet requirements.lock
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@echo "==> installing front-end packages from package-lock.json"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The translation catalogs (src/portico/locale/*/LC_MESSAGES/django.po) compiled to .mo files,
# which are built, never committed; msgfmt comes from Debian's gettext (scripts/system-deps.sh).
messages: install system-deps
	@echo "==> compiling translation catalogs"
	$(PORTICO) compilemessages --ignore=$(VENV) --ignore=node_modules --ignore=var --verbosity 0

# Extract the marked strings of templates and Python into the catalogs (docs/translations.md).
catalogs: install system-deps
	$(PORTICO) makemessages -l de -l fr -l es -l ar --no-obsolete \
	  --ignore=$(VENV) --ignore=node_modules --ignore=var --ignore=tests --ignore=bench \
	  --ignore=docs --ignore=scripts --ignore=src/portico/core/static/vendor

assets: node_modules/.installed install messages
	@echo "==> building static assets"
	npm run --silent build
	$(PORTICO) collectstatic --noinput --verbosity 0

migrate: install
	@mkdir -p var/mail
	$(PORTICO) migrate --noinput --verbosity 1

# --- demo ------------------------------------------------------------------------------------
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: assets migrate
	@echo "==> loading demo data"
	$(PORTICO) demo
	@echo
	@echo "==> Portico is starting on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PORTICO) worker & \
	  $(PORTICO) runserver --noreload $(HOST):$(PORT)

serve: install
	$(PORTICO) runserver $(HOST):$(PORT)

worker: install
	$(PORTICO) worker

# --- test ------------------------------------------------------------------------------------
system-deps:
	@bash scripts/system-deps.sh

postgres: system-deps
	@bash scripts/postgres.sh $(PG_PORT)

lint: install
	@echo "==> ruff"
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

typecheck: install
	@echo "==> mypy"
	$(BIN)/mypy src

layers: install
	@echo "==> import-linter (the layers of docs/architecture.md)"
	$(BIN)/lint-imports --no-cache

# Dependency audit (docs/security.md): pip-audit against requirements.lock. `make audit` asks about
# every pin; make test asks only about the packages Portico imports, within 15 s, and fails only on
# a fixed advisory in one of them; offline or unanswered, both print a notice and pass.
audit: install
	$(BIN)/python scripts/dependency_audit.py --timeout 300

audit-imported: install
	$(BIN)/python scripts/dependency_audit.py --imported-only --timeout 15

migrations-check: install
	@echo "==> makemigrations --check"
	$(PORTICO) makemigrations --check --dry-run

# Most of the suite waits (browsers, live servers), so a few more workers than cores pays off;
# a file's tests stay on one worker (its live server and fixtures are shared).
PYTEST_WORKERS ?= 3
pytest: install assets system-deps
	@echo "==> pytest on SQLite ($(PYTEST_WORKERS) workers)"
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

pytest-postgres: install messages postgres
	@echo "==> pytest on PostgreSQL (tests marked postgres)"
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m postgres

# Scaled out on one machine (docs/deployment.md): PostgreSQL, Redis, moto S3, two web nodes,
# two RQ workers and nginx on loopback ports, a customer journey with faults; a few minutes.
cluster-deps: system-deps
	@bash scripts/cluster-deps.sh

cluster-test: install assets cluster-deps postgres
	@echo "==> cluster test (PostgreSQL, Redis, S3, 2 nodes, 2 workers, nginx)"
	PG_PORT=$(PG_PORT) $(BIN)/python -m tests.cluster.run

# The checks, then the PostgreSQL cluster stopped again (when they started it) whatever the result.
test:
	@status=0; $(MAKE) --no-print-directory checks || status=$$?; \
	  bash scripts/postgres-stop.sh; exit $$status

checks: lint typecheck layers migrations-check audit-imported pytest pytest-postgres cluster-test
	@echo "==> all checks passed"

# --- bench -----------------------------------------------------------------------------------
# bench-seed: fresh benchmark-scale data in var/bench/ (SQLite) and portico_bench (PostgreSQL);
# BENCH_SIZE is the big customer's invoices (500, 5000 or 50000).
# bench: measures that data (refused, with how to seed it, when it is missing) and writes
# docs/benchmarks.md. Needs the built assets: it serves with DEBUG off. BENCH_ALONGSIDE (another
# size's BENCH_VAR) and BENCH_ALONGSIDE_PG (its PostgreSQL database) add the flatness table,
# both sizes measured side by side.
BENCH_SIZE ?= 5000
bench-seed: install postgres
	@status=0; PG_PORT=$(PG_PORT) $(BIN)/python -m bench --seed --size $(BENCH_SIZE) || status=$$?; \
	  bash scripts/postgres-stop.sh; exit $$status

bench: install postgres assets
	@bash bench/system-deps.sh
	@status=0; PG_PORT=$(PG_PORT) $(BIN)/python -m bench || status=$$?; \
	  bash scripts/postgres-stop.sh; exit $$status

clean:
	rm -rf $(VENV) node_modules var src/portico/core/static/vendor
