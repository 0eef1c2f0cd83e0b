# debtflow: the two commands are `make run` and `make test`; everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PACKAGES := -e shared -e services/invoice-svc -e services/escalation-svc \
            -e services/notify-svc -e services/analytics-svc -e '.[dev]'

.DEFAULT_GOAL := help
.PHONY: help install run test check lint typecheck layers pytest pytest-unit asyncapi bench infra-up infra-down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml shared/pyproject.toml services/*/pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "debtflow needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt $(PACKAGES)
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything for development

run: $(STAMP) ## run the whole suite in one process (SQLite, in-process bus) with demo data
	DEBTFLOW_CLOCK=$${DEBTFLOW_CLOCK:-controlled} DEBTFLOW_LOG_JSON=$${DEBTFLOW_LOG_JSON:-false} \
		$(BIN)/debtflow run

test: $(STAMP) ## lint, type-check, then every test against a real PostgreSQL and Kafka
	$(BIN)/python scripts/testinfra.py run -- $(MAKE) --no-print-directory check pytest

check: lint typecheck layers ## ruff, mypy, the layer contracts and the AsyncAPI document's freshness
	$(BIN)/debtflow asyncapi --check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP) ## the import-linter contracts of pyproject.toml (layers, no service imports another)
	$(BIN)/lint-imports

# Tests mostly wait on the database and the broker: three workers on two cores halve the run.
PYTEST_WORKERS ?= 3

pytest: $(STAMP) ## pytest alone (infra tests skip unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS are set)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

pytest-unit: $(STAMP) ## the fast tests on the embedded default only
	$(BIN)/pytest -m "not infra and not smoke"

asyncapi: $(STAMP) ## regenerate docs/asyncapi.yaml from the event catalog
	$(BIN)/debtflow asyncapi

bench: $(STAMP) ## benchmarks (figures go in issue notes, never in tests)
	$(BIN)/python scripts/testinfra.py run -- $(BIN)/python -m benchmarks

infra-up: ## start PostgreSQL and Kafka for repeated pytest runs (source .testinfra/env)
	$(PYTHON) scripts/testinfra.py up

infra-down: ## stop what infra-up started
	$(PYTHON) scripts/testinfra.py down

clean: ## remove the virtualenv, caches and the local data folder
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache .testinfra
