# Steward: `make run` to run it, `make test` to test it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
LLAMA_STAMP := $(VENV)/.installed-llama-cpp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/steward
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint format browser clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[guard]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[guard,dev]'
	touch $@ $(RUN_STAMP)

## run: install, migrate, load demo data and users, then web + worker + beat on :8000
run: $(RUN_STAMP)
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py setup_demo
	@HTTPS_ONLY=$${HTTPS_ONLY:-false} $(PY) manage.py serve

## test: install with dev extras, lint, and run the whole suite against PostgreSQL and Redis
test: lint browser $(LLAMA_STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	STEWARD_ENV=development HTTPS_ONLY=false \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## llama.cpp's server for the guard-server tests: built once per machine into ~/.cache/steward
$(LLAMA_STAMP): scripts/llama_cpp_wheel.py | $(DEV_STAMP)
	$(PY) scripts/llama_cpp_wheel.py install
	touch $@

## browser: Debian's Chromium for the Playwright tests (installed when missing and we are root)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

## lint: ruff (lint + format), import-linter (app boundaries) and mypy over the whole tree
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
