# fogofwar: `make run` and `make test` work on a fresh machine (they create .venv and
# install the web page's libraries from the npm registry first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WEB    := web/node_modules/.installed-stamp
DB     ?= fogofwar.db
PORT   ?= 8000

.PHONY: run test bench install web clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

# Leaflet, topojson-client and world-atlas, pinned in web/package-lock.json (never copied into the repo).
$(WEB): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(WEB)

web: $(WEB)

install: $(STAMP) $(WEB)

# Ingest the bundled sample corpus into the embedded database, show what was found, then
# serve the API and the web page in the foreground (Ctrl-C stops it).
run: $(STAMP) $(WEB)
	$(BIN)/fogofwar --db $(DB) ingest src/fogofwar/samples
	$(BIN)/fogofwar --db $(DB) events
	$(BIN)/fogofwar --db $(DB) conflicts --disputed
	$(BIN)/fogofwar --db $(DB) serve --port $(PORT) --read-only

test: $(STAMP) $(WEB)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache web/node_modules
