# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test coverage lint format bench messages lock schema otp clean

help:
	@echo "make run    install, migrate, load the demo data, start web app + Celery worker/beat on :$(PORT)"
	@echo "make test   install and run the whole test suite (installs Chromium for browser tests)"
	@echo "make lint   ruff check, ruff format --check, import contracts, migrations check"
	@echo "make bench  benchmark figures at national scale (see docs/benchmarks.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/nl/LC_MESSAGES/django.mo: locale/nl/LC_MESSAGES/django.po | $(VENV)/.installed
	cd locale/nl/LC_MESSAGES && msgfmt --check -o django.mo django.po

install: $(VENV)/.installed node_modules/.installed locale/nl/LC_MESSAGES/django.mo

# First command of the README: a working demo on embedded defaults (SQLite, filesystem broker).
run: export DJANGO_DEBUG ?= true
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) demo_data --if-empty
	PORT=$(PORT) scripts/run-dev

# Second command of the README: the whole suite (browser tests included).
test: install
	@scripts/ensure-chromium
	$(BIN)/pytest -p xdist -n 2 $(PYTEST_ARGS)

# The suite under coverage (serially), with a summary per module.
coverage: install
	@scripts/ensure-chromium
	$(BIN)/coverage run -m pytest -q $(PYTEST_ARGS)
	$(BIN)/coverage report

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	scripts/bench $(BENCH_ARGS)
	scripts/bench-demo-year

messages: install
	DJANGO_DEBUG=true $(MANAGE) makemessages --locale nl --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*'

schema: install
	DJANGO_DEBUG=true $(MANAGE) spectacular --file docs/api/openapi.yaml --validate

# The second factor of a demo account: its authenticator app's current code (DEBUG only).
otp: install
	@test -n "$(user)" || { echo "usage: make otp user=ondersteuner"; exit 2; }
	@DJANGO_DEBUG=true $(MANAGE) demo_otp "$(user)"

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/celery var/static
