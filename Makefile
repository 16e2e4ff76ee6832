# The two commands a new user runs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every installed package at a tested version (pip constraints); `make lock` makes it anew.
LOCK := constraints.txt
# Where `make run` listens: `make run HOST=0.0.0.0 PORT=8010`.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run shell test lint install bench clean web lock

# The web console: built by Vite into the package, again only when its sources changed.
WEB_STAMP := src/customlabels/static/.built
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/package.json \
	web/package-lock.json web/vite.config.ts web/tsconfig.json

$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -c $(LOCK) pip
	$(BIN)/pip install -q -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

# Resolve pyproject's ranges afresh in a throwaway environment and pin what they gave
# (without local version labels: torch's `+cpu` build here, a CUDA one on a GPU machine).
lock:
	rm -rf .lock-venv
	$(PY) -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q -e '.[dev]'
	{ sed -n '1,2p' $(LOCK); .lock-venv/bin/pip freeze --all --exclude-editable \
		| grep -v -E '^(setuptools|wheel)==' | sed -E 's/^([^=]+==[^+]+)\+.*/\1/'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .lock-venv

install: $(STAMP)

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

$(WEB_STAMP): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

run: $(STAMP) $(WEB_STAMP)
	$(BIN)/customlabels serve --demo --host $(HOST) --port $(PORT)

# A shell whose PATH starts with the virtualenv, so `customlabels ...` works as typed.
shell: $(STAMP)
	@echo "customlabels is on PATH here; leave with exit"
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $${SHELL:-/bin/sh}

# PostgreSQL, Redis and Chromium are made ready first (scripts/test-services).
test: $(STAMP) $(WEB_STAMP)
	scripts/test-services
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/import_folder.py
	$(BIN)/python bench/import_s3.py
	$(BIN)/python bench/query.py
	$(BIN)/python bench/manifest.py
	$(BIN)/python bench/load.py --db sqlite
	$(BIN)/python bench/load.py --db postgresql
	$(BIN)/python bench/compat.py --db sqlite
	$(BIN)/python bench/compat.py --db postgresql

clean:
	rm -rf $(VENV) build *.egg-info web/node_modules src/customlabels/static
