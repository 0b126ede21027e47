# `make render` renders every clip into media/; `make test` runs the tests.
# Both install what they need first: the system packages Manim builds against and
# runs (checked on every call, installed only when missing), then .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: render test lint precompute clean system-packages

render: system-packages $(STAMP)
	$(BIN)/optmem render

test: system-packages $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check optimizers scenes tests
	$(BIN)/ruff format --check optimizers scenes tests

precompute: $(STAMP)
	$(BIN)/optmem precompute

system-packages:
	@bash scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf media
