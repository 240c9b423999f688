# Quickstart: `make run` serves the demo network; `make test` runs every test.
# The first Python 3.11+ that actually runs (version managers may install shims that fail).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= sqlite:///$(CURDIR)/var/winwin.sqlite3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: install run test test-fast mutants bench lint format clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	WINWIN_DATABASE_URL=$(DB) $(BIN)/winwin init
	WINWIN_DATABASE_URL=$(DB) $(BIN)/winwin demo
	WINWIN_DATABASE_URL=$(DB) $(BIN)/winwin serve --host $(HOST) --port $(PORT)

# Browser tests run in their own process: Playwright's sync API cannot share a worker
# with tests that leave an asyncio loop behind.
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q -m "not browser"
	$(BIN)/pytest -q -m browser
	$(MAKE) mutants

# Named mistakes in the visibility rule, its SQL twin and the score must fail the tests
# (docs/testing.md); runs on SQLite, in temporary copies, never in the working tree.
mutants: install
	$(BIN)/python tools/mutants.py --jobs $(PYTEST_WORKERS)

test-fast: install
	$(BIN)/pytest -q -m "not browser" -x

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src
	$(BIN)/mypy src/winwin bench

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
