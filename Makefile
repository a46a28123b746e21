# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := participation

.PHONY: run test install install-test translations db seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install
	$(BIN)/flask translate compile

db: install
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed-demo

run: translations seed
	$(BIN)/flask jobs run-all --host 127.0.0.1 --port 5000

test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy participation
	$(BIN)/flask translate compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
