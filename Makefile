# Two commands for a new machine: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install node-deps run serve test lint format benchmark clean

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

# The demo site as in production on http://127.0.0.1:8000 (SERVE_PORT=8123 for another port):
# debug off, gunicorn, static files collected (hashed, compressed) and served by WhiteNoise.
# SQLite unless DATABASE_URL is set; a random secret key unless DJANGO_SECRET_KEY is set.
# Plain HTTP on the loopback address, so no redirect to HTTPS and cookies without Secure (a
# browser keeps no Secure cookie over http: the admin could not keep anyone signed in). A public
# site is served over HTTPS behind a proxy instead: see "Deploying" in the README.
SERVE_PORT ?= 8000
serve: install
	export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
		DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 \
		DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c \
			'import secrets; print(secrets.token_urlsafe(50))')}" \
	&& $(BIN)/python manage.py migrate --noinput \
	&& $(BIN)/python manage.py load_demo \
	&& $(BIN)/python manage.py demo_editor \
	&& $(BIN)/python manage.py collectstatic --noinput \
	&& exec $(BIN)/gunicorn newsroom.wsgi --bind 127.0.0.1:$(SERVE_PORT) --workers 2

# On every core (pytest-xdist); PYTEST_ARGS="-n 0" runs in one process.
test: install node-deps
	$(BIN)/python -m pytest -n auto --durations=10 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# The pages as in production (debug off, gunicorn) against a bare Django view, on SQLite unless
# DATABASE_URL is set: 100,000 people by default, BENCHMARK_ARGS=--demo for the demo story only.
benchmark: install
	$(BIN)/python benchmarks/benchmark.py $(BENCHMARK_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
