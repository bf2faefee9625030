# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck check install install-dev lock schema bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "omi-gateway needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install ## serve the gateway on 127.0.0.1:8000 with its embedded sandbox
	$(BIN)/omi-gateway serve --sandbox --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check gateway tests bench
	$(BIN)/ruff format --check gateway tests bench

typecheck: install-dev
	$(BIN)/mypy

test: lint typecheck ## lint, type-check and run every test
	$(BIN)/python -m pytest -q

schema: install ## regenerate schema.graphql from the code
	$(BIN)/omi-gateway schema > schema.graphql

bench: install-dev ## run the benchmark suite (needs wrk: apt-get install wrk); see bench/README.md
	$(BIN)/python -m bench $(BENCH_ARGS)

lock: install-dev ## re-resolve the locked dependencies (needs uv: pip install uv)
	uv pip compile pyproject.toml -o requirements.lock --python-version 3.11
	uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info
