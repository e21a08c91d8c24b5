# Recert — everything a fresh machine needs goes through these targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
CATALOG ?= data/catalog.duckdb
PORT ?= 8501
export UV_PYTHON_DOWNLOADS := never
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false
# Some machines set this; without bytecode caches every `recert` subprocess in the tests recompiles its imports.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup app sample test test-fast lint format bench chromium clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(UV) pip install -q --python $(PY) -r requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $@

$(CATALOG): | setup
	$(VENV)/bin/recert sample --catalog $(CATALOG)

sample: setup
	$(VENV)/bin/recert sample --catalog $(CATALOG)

app: setup $(CATALOG)
	RECERT_CATALOG=$(CATALOG) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.address localhost \
		--server.headless true --browser.gatherUsageStats false

chromium:
	@command -v chromium >/dev/null || { \
		echo "installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/vulture  # dead code: pyproject.toml [tool.vulture], framework names in vulture_whitelist.py
	$(VENV)/bin/lint-imports --no-cache  # the layers as contracts: pyproject.toml [tool.importlinter]

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup chromium lint
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not e2e and not slow"

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
