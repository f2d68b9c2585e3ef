# Sirkel – the commands in the README. Everything installs what it needs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sirkel_test
# Two workers: the suite is CPU-bound and CI machines have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: install demo test test-postgres fuzz check lint format messages bench chromium clean

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# The bench's own dependencies (DuckDB, the SSB table's yardstick; locust, the load test), never the product's.
$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

demo: install
	SIRKEL_ENV=demo PORT=$(PORT) $(BIN)/sirkel demo

chromium:
	@scripts/ensure-chromium.sh

test: install chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install chromium
	@scripts/ensure-postgres-client.sh
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest $(PYTEST_ARGS)

# Schemathesis against a throwaway demo server, bounded by FUZZ_SECONDS (see scripts/fuzz.py).
fuzz: install
	$(BIN)/python scripts/fuzz.py

check: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src tests bench scripts
	$(BIN)/sirkel makemigrations --check --dry-run
	@scripts/ensure-gettext.sh
	$(BIN)/python scripts/check_messages.py

format: install
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

# Update both catalogues from the source, then compile them (the .mo files are committed).
messages: install
	@scripts/ensure-gettext.sh
	cd src/sirkel && ../../$(BIN)/sirkel makemessages -l nb -l en --no-obsolete --add-location file
	cd src/sirkel && ../../$(BIN)/sirkel makemessages -d djangojs -l nb -l en --no-obsolete --add-location file
	$(BIN)/python scripts/check_messages.py --fill-english
	cd src/sirkel && ../../$(BIN)/sirkel compilemessages

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/bench
