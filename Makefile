# `make serve` and `make test` work from a fresh clone: they create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint typecheck schema bench bench-bids bench-rest clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/gavel serve --demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/gavel export-schema > schema.graphql

bench: $(STAMP)
	$(BIN)/python bench/graph_read.py

bench-bids: $(STAMP)
	$(BIN)/python bench/bids.py

bench-rest: $(STAMP)
	$(BIN)/python bench/rest_read.py

clean:
	rm -rf $(VENV) .gavel .pytest_cache .mypy_cache .ruff_cache
