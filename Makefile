# Rapport — the two commands that matter: `make run` and `make test`.
#
#   make run            install, migrate, demo data (first run), serve http://127.0.0.1:8000
#                       with the background worker beside it
#                       (`make run PORT=8001` for another port)
#   make test           install + lint + the whole suite on SQLite (browser tests included, in
#                       Chromium) + the whole suite again on a throw-away PostgreSQL (no browser)
#   make test-sqlite    the whole suite on SQLite: without browser on 2 processes, then the
#                       browser tests (also on 2 processes)
#   make test-postgres  the whole suite on a throw-away PostgreSQL server, browser tests excluded
#   make test-browser   only the browser tests (Playwright driving /usr/bin/chromium), on SQLite
#   make lint           ruff check, ruff format --check, mypy, the apps' dependency order
#                       (import-linter, pyproject.toml) and the sizes of modules and functions
#                       (scripts/check-sizes.py)
#   make bench          the benchmarks (bench/README.md): every scenario on SQLite, then on a
#                       throw-away PostgreSQL server, each on a fresh database thrown away after
#                       it; results in bench/results/latest.json. `make bench QUICK=1`: a tenth
#                       of every size. `make bench-sqlite` / `make bench-postgres`: one database;
#                       `BENCH_ARGS="segments_log"`: some scenarios only
#   make messages | clean
#
# Extra pytest arguments: `make test-sqlite PYTEST_ARGS="-k number_series -x"`.
SHELL := /bin/bash
# The steps share the database, the venv and the browser: never run them in parallel.
.NOTPARALLEL:

PYTHON_VERSION := $(shell cat .python-version 2>/dev/null || echo 3.13)
# pyenv's folder first (its shim for a version that is not selected errors out), then PATH.
PYTHON ?= $(shell scripts/find-python.sh $(PYTHON_VERSION))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTIFACTS := test-artifacts

STEP := scripts/step.sh
# The port `make run` serves on (127.0.0.1 only): `make run PORT=8001`.
PORT ?= 8000
PYTEST := $(BIN)/pytest
# -ra lists every test that did not pass (skips with their reasons included); --durations shows
# where the time goes.
PYTEST_FLAGS ?= -ra --durations=10
PYTEST_ARGS ?=
# The tests run on 2 processes (pytest-xdist; each has its own test database): on 2 cores that
# took the PostgreSQL run from about 19 to 13 minutes. The browser tests run after the others,
# also on 2 processes (each with its own live server and Chromium: 3m47s -> 2m55s for 51 tests).
# `--dist loadgroup` keeps the tests of one `xdist_group` (those sharing child processes) on one
# worker. `make test PYTEST_WORKERS=0` runs everything serially.
PYTEST_WORKERS ?= 2
ifeq ($(filter-out 0,$(strip $(PYTEST_WORKERS))),)
XDIST :=
else
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup
endif
# STEP_TIMINGS: where scripts/step.sh appends each step's time (`make test` prints them at the end).
export STEP_TIMINGS

.PHONY: run test test-sqlite test-postgres test-browser lint lint-ruff lint-format lint-mypy \
	lint-imports lint-sizes \
	bench bench-sqlite bench-postgres install messages compilemessages chromium pdf-libs clean

install: $(STAMP) node_modules/.installed compilemessages pdf-libs

$(STAMP): pyproject.toml constraints.txt
	@if ! $(BIN)/python -c '' 2>/dev/null; then \
		python='$(PYTHON)'; \
		if [ -z "$$python" ]; then echo "No Python >= 3.12 found: set PYTHON=/path/to/python3.13" >&2; exit 1; fi; \
		echo "Creating $(VENV) with $$python ($$($$python --version))"; \
		rm -rf $(VENV) && $$python -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules/.installed

# The Dutch UI needs compiled catalogues (.mo); they are built from the .po files when gettext's
# msgfmt is there (Django skips catalogues whose .mo is newer than the .po).
compilemessages: $(STAMP)
	@if find rapport locale -name '*.po' 2>/dev/null | grep -q .; then \
		if command -v msgfmt >/dev/null 2>&1; then \
			$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules \
				--ignore=.git --ignore=var --ignore=staticfiles --ignore=$(ARTIFACTS); \
		else \
			echo "msgfmt (Debian package gettext) is missing: translations were not compiled" >&2; \
		fi; \
	fi

# Debian's Chromium for the browser tests: installed with apt when missing and root; otherwise a
# loud message, and the browser tests skip themselves.
chromium:
	@scripts/ensure-chromium.sh

# The system libraries WeasyPrint needs to print letters (Pango, HarfBuzz, a font): installed
# with apt-get when missing and root; otherwise a loud message, and printing answers an error.
pdf-libs:
	@scripts/ensure-pdf-libs.sh

# The worker (background logging and delivery) runs beside the server and stops with it.
run: install
	$(BIN)/rapport migrate --noinput
	$(BIN)/rapport demo --if-empty
	@$(BIN)/rapport worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/rapport serve 127.0.0.1:$(PORT)

lint: lint-ruff lint-format lint-mypy lint-imports lint-sizes

lint-ruff: install
	@$(STEP) "lint: ruff check" $(BIN)/ruff check .

lint-format: install
	@$(STEP) "lint: ruff format --check" $(BIN)/ruff format --check .

lint-mypy: install
	@$(STEP) "lint: mypy" $(BIN)/mypy rapport config

# The apps' order (ARCHITECTURE.md): each imports only from the apps below it (the layers contract
# in pyproject.toml, [tool.importlinter]).
lint-imports: install
	@$(STEP) "lint: import-linter" $(BIN)/lint-imports

# No module over 600 lines, no function over 60 (data modules, migrations and tests aside).
lint-sizes: install
	@$(STEP) "lint: sizes of modules and functions" $(BIN)/python scripts/check-sizes.py

# Every step runs even when an earlier one failed (make -k), so that one run shows every
# problem; `make test` fails when any step failed.
test: install chromium
	@mkdir -p $(ARTIFACTS); : > $(ARTIFACTS)/timings.txt; start=$$(date +%s); \
	$(MAKE) --no-print-directory --keep-going lint test-sqlite test-postgres \
		STEP_TIMINGS=$(abspath $(ARTIFACTS))/timings.txt; \
	status=$$?; seconds=$$(( $$(date +%s) - start )); \
	echo; echo "Timings (also in $(ARTIFACTS)/timings.txt):"; cat $(ARTIFACTS)/timings.txt; \
	printf '%-48s %8s\n' "make test (after install)" "$$((seconds / 60))m$$((seconds % 60))s"; \
	if [ $$status -eq 0 ]; then echo "make test: everything passed"; \
	else echo "make test: FAILED (see above)"; fi; \
	exit $$status

test-sqlite: install chromium
	@$(STEP) "pytest on SQLite (without browser)" scripts/pytest-selected.sh \
		env -u DATABASE_URL $(PYTEST) -m "not browser" $(XDIST) $(PYTEST_FLAGS) $(PYTEST_ARGS)
	@$(STEP) "pytest on SQLite (browser tests)" scripts/pytest-selected.sh \
		env -u DATABASE_URL $(PYTEST) -m browser $(XDIST) $(PYTEST_FLAGS) $(PYTEST_ARGS)

test-postgres: install
	@$(STEP) "pytest on PostgreSQL (browser tests excluded)" \
		scripts/with-postgres.sh $(PYTEST) -m "not browser" $(XDIST) $(PYTEST_FLAGS) $(PYTEST_ARGS)

test-browser: install chromium
	@$(STEP) "pytest: browser tests (Chromium, SQLite)" \
		env -u DATABASE_URL $(PYTEST) -m browser $(PYTEST_FLAGS) $(PYTEST_ARGS)

# QUICK=1 (a tenth of every size) reaches the bench through its environment, explicitly; so do
# BENCH_ROWS and BENCH_RUNS when given. Scenarios to run: BENCH_ARGS (default: all).
QUICK ?=
BENCH_ARGS ?=
BENCH_ENV = QUICK=$(QUICK) $(if $(BENCH_ROWS),BENCH_ROWS=$(BENCH_ROWS)) \
	$(if $(BENCH_RUNS),BENCH_RUNS=$(BENCH_RUNS))

bench: bench-sqlite bench-postgres

bench-sqlite: install
	env -u DATABASE_URL $(BENCH_ENV) $(BIN)/python -m bench $(BENCH_ARGS)

bench-postgres: install
	scripts/with-postgres.sh env $(BENCH_ENV) $(BIN)/python -m bench $(BENCH_ARGS)

# Refresh the Dutch catalogue from the code and templates (existing translations are kept; new
# or changed texts appear untranslated or fuzzy), then compile it.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles \
	--ignore=$(ARTIFACTS) --ignore=bench --ignore=tests --ignore='*/tests/*'
messages: install
	$(BIN)/python manage.py makemessages -l nl --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=.git
	@msgattrib --untranslated --only-fuzzy locale/nl/LC_MESSAGES/django.po >/dev/null 2>&1; \
	 left=$$(msgattrib --untranslated locale/nl/LC_MESSAGES/django.po | grep -c '^msgid' || true); \
	 echo "Untranslated Dutch texts: $$left (0 or 1 = complete; the header counts as one)"

clean:
	rm -rf $(VENV) node_modules staticfiles $(ARTIFACTS) .import_linter_cache
