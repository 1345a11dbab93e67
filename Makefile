# Rapport — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 2>/dev/null | tail -n 1 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres test-browser lint bench install messages clean

install: $(STAMP) node_modules/.installed

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules/.installed

run: install
	$(BIN)/rapport migrate --noinput
	$(BIN)/rapport demo --if-empty
	$(BIN)/rapport serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rapport config

test: install lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

messages: install
	cd rapport && ../$(BIN)/django-admin makemessages -l nl --ignore '*/tests/*' && ../$(BIN)/django-admin makemessages -d djangojs -l nl
	$(BIN)/python manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules staticfiles
