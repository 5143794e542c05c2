# The README's two commands: `make run` (the playground at http://127.0.0.1:8000) and `make test`.
# Both create .venv and install the pinned requirements first, so a fresh machine needs only
# Python 3.11+ (and, for the browser tests, Debian's chromium: see .ci/run).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint typecheck pytest bench api-bench load-bench install clean

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

# Benchmarks, each against a reference measured in the same run (figures: docs/benchmarks.md).
bench: install
	$(PY) -m bench.engine_bench --json docs/results/engine.json

api-bench: install  # needs wrk (Debian package wrk)
	$(PY) -m bench.api_bench --json docs/results/api.json

load-bench: install
	$(PY) -m bench.load_bench --json docs/results/load.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache test-artifacts
