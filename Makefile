# fogofwar: `make run` and `make test` work on a fresh machine (they create .venv first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= fogofwar.db

.PHONY: run test bench install clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Ingest the bundled sample corpus into the embedded database, then show the articles, claims and events.
run: $(STAMP)
	$(BIN)/fogofwar --db $(DB) ingest src/fogofwar/samples
	$(BIN)/fogofwar --db $(DB) articles
	$(BIN)/fogofwar --db $(DB) claims
	$(BIN)/fogofwar --db $(DB) events

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache
