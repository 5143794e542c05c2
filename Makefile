# The README's two commands: `make run` (the playground at http://127.0.0.1:8000) and `make test`.
# Both create .venv and install the pinned requirements first, and `make test` the page's lint and
# test tools (package-lock.json, into node_modules), so a fresh machine needs only Python 3.11+ and
# Node.js 18+ with npm (and, for the browser tests, Debian's chromium: see .ci/run).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint typecheck js pytest bench api-bench load-bench page-bench layouts-bench scale-bench install clean

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

# the page's modules: ESLint, Prettier, and node's test runner on their pure helpers (tests/js)
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

js: node_modules/.installed
	npx eslint static/js tests/js
	npx prettier --check static/js tests/js
	node --test tests/js/*.test.js

pytest: install
	$(PY) -m pytest

test: lint typecheck js pytest

# Benchmarks, each against a reference measured in the same run (figures: docs/benchmarks.md).
bench: install
	$(PY) -m bench.engine_bench --json docs/results/engine.json

api-bench: install  # needs wrk (Debian package wrk)
	$(PY) -m bench.api_bench --json docs/results/api.json

load-bench: install
	$(PY) -m bench.load_bench --json docs/results/load.json

page-bench: install  # needs Chromium (Debian package chromium, or CHROMIUM_PATH)
	$(PY) -m bench.page_bench --json docs/results/page.json

layouts-bench: install  # needs Chromium: what a Plotly figure of bars costs a frame, by layout
	$(PY) -m bench.plotly_layouts

scale-bench: install  # needs redis-server and wrk (Debian packages redis-server, wrk)
	$(PY) -m bench.scale_bench --json docs/results/scale.json

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache test-artifacts
