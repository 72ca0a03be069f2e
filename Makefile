# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
DEV_KEY ?= slotline-dev-key

.PHONY: install run test lint replay reliability bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Serve the demo tenants on SQLite at 127.0.0.1:$(PORT) (requests signed with $(DEV_KEY) unless
# SLOTLINE_RETELL_API_KEYS is set; admin reports with the bearer $(DEMO_ADMIN_TOKEN) unless
# SLOTLINE_ADMIN_TOKEN is set). Demo values only: never serve real callers with them.
DEMO_ADMIN_TOKEN ?= slotline-demo-admin
PORT ?= 8080
run: install
	$(BIN)/slotline db upgrade
	$(BIN)/slotline tenants load fixtures/tenants/demo-salon.yaml fixtures/tenants/demo-physio.yaml
	@echo "admin token (demo): $${SLOTLINE_ADMIN_TOKEN:-$(DEMO_ADMIN_TOKEN)}   e.g. curl -H 'Authorization: Bearer $${SLOTLINE_ADMIN_TOKEN:-$(DEMO_ADMIN_TOKEN)}' 'http://127.0.0.1:$(PORT)/admin/costs?tenant=demo-salon&by=day'"
	SLOTLINE_RETELL_API_KEYS="$${SLOTLINE_RETELL_API_KEYS:-$(DEV_KEY)}" SLOTLINE_LOG_FORMAT="$${SLOTLINE_LOG_FORMAT:-console}" \
		SLOTLINE_ADMIN_TOKEN="$${SLOTLINE_ADMIN_TOKEN:-$(DEMO_ADMIN_TOKEN)}" \
		$(BIN)/slotline serve --host 127.0.0.1 --port $(PORT)

# The whole suite: lint and types (`make lint`), pytest (every DB test on SQLite and PostgreSQL) and the call
# replays on both engines.
test: lint
	$(BIN)/pytest -q -p no:cacheprovider
	$(BIN)/slotline replay fixtures/calls
	$(BIN)/python scripts/with_postgres.py $(PG_URL) -- $(BIN)/slotline replay --database-url {database_url} fixtures/calls

# ruff (layout, and the rules with their reasons in pyproject.toml) and mypy (the packages listed under
# [tool.mypy]: strict on booking_core, nlu and textfold, checked on the edges).
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

replay: install
	$(BIN)/slotline replay fixtures/calls

# The reliability and security suite at full scale (races across 4 server processes, retries, crashes,
# fuzzed input, tenant isolation), with its report. `make test` runs the same tests at a short scale.
reliability: install
	SLOTLINE_RELIABILITY=full $(BIN)/pytest -q -p no:cacheprovider tests/reliability

# The HTTP benchmark on SQLite; add BENCH_ARGS="--database-url $(PG_URL)" for PostgreSQL (that database is wiped).
bench: install
	$(BIN)/slotline bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
