# Two commands do all the set-up: `make report` and `make test`. Each creates .venv and installs
# the project into it the first time (or when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: report test lint bench notebooks clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV): $(RUNTIME) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## The main result: the recommendation report for the bundled seed team, reports/seed-team.pdf.
report: $(RUNTIME)
	$(BIN)/analyzer report

## The whole test suite.
test: $(DEV)
	$(BIN)/python -m pytest

## The notebooks in notebooks/, in JupyterLab (jupyter is part of the dev environment).
notebooks: $(DEV)
	$(BIN)/jupyter lab notebooks/

lint: $(DEV)
	$(BIN)/ruff check analyzer tests benchmarks notebooks
	$(BIN)/mypy analyzer

bench: $(DEV)
	for f in benchmarks/bench_*.py; do echo "== $$f"; PYTHONPATH=. $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) reports/*.pdf reports/*.md reports/*.json
