# The README's two commands: `make run` (the playground at http://127.0.0.1:8000) and `make test`.
# Both create .venv and install the pinned requirements first, so a fresh machine needs only
# Python 3.11+ (and, for the browser tests, Debian's chromium: see .ci/run).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint typecheck pytest bench install clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m app

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy

pytest: install
	$(PY) -m pytest

test: lint typecheck pytest

bench: install
	$(PY) -m bench.engine_bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache test-artifacts
