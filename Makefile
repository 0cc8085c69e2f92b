# Two commands for a new machine: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install node-deps run test lint format benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Test-only JavaScript: axe-core for the browser tests (tests/browser/). Without npm the browser
# tests skip and print why, unless NEWSROOM_REQUIRE_BROWSER=1 (CI) makes them fail instead.
NODE_STAMP := node_modules/.installed-stamp

$(NODE_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $(NODE_STAMP)

node-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory --silent $(NODE_STAMP); \
	else echo "npm not found: not installing axe-core; the browser tests will be skipped"; fi

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_editor
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# On every core (pytest-xdist); PYTEST_ARGS="-n 0" runs in one process.
test: install node-deps
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

benchmark: install
	$(BIN)/python benchmarks/benchmark.py $(BENCHMARK_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
