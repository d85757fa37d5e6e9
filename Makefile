# Two commands do everything: `make run` (the app on demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export DASHBOARD_DB ?= data/dashboard.duckdb

.PHONY: install install-test run demo test test-unit test-loaders test-metrics test-pages test-browser test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks (npm registry); skipped with a message if npm is absent.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/browser && npm ci --silent --no-audit --no-fund && touch node_modules/.installed; \
	else echo "npm not found: the browser tests' axe checks will be skipped (apt-get install -y npm)"; fi

install-test: $(VENV)/.installed-test tests/browser/node_modules/.installed

demo: install
	$(BIN)/python -m loaders demo --if-empty

run: demo
	DASHBOARD_LOCAL=1 $(BIN)/streamlit run dashboard.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

lint: install-test
	$(BIN)/ruff check .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# One layer at a time (no ruff): `make test-unit` is everything but the browser tests.
test-unit: install-test
	$(BIN)/python -m pytest -q -m "not browser"

test-loaders: install-test
	$(BIN)/python -m pytest -q tests/loaders tests/demo

test-metrics: install-test
	$(BIN)/python -m pytest -q tests/metrics tests/charts

test-pages: install-test
	$(BIN)/python -m pytest -q tests/pages tests/access tests/ui

test-browser: install-test
	$(BIN)/python -m pytest -q tests/browser

# Everything but the browser tests and the full-size files.
test-fast: install-test
	$(BIN)/python -m pytest -q -m "not browser and not slow"

bench: install-test
	@for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
