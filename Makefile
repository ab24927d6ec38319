# The README's two commands. Each does all set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test install lint clean

demo: $(INSTALLED)
	$(BIN)/caremarket demo

test: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -n auto --dist loadfile  # each file on one worker: its fixtures made once

install: $(INSTALLED)

$(INSTALLED): pyproject.toml package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund  # GOV.UK Frontend's CSS, JS and images, into node_modules/
	touch $@

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) node_modules caremarket.db .pytest_cache
