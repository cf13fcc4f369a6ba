# Two entry points: `make run` (check the bundled examples) and `make test`.
# Both bootstrap what they need on a fresh Linux machine with Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-pyodide nodedeps lint sysdeps examples bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests use: LibreOffice renders annotated workbooks to PDF,
# pdftoppm turns the PDF into PNG, Noto CJK draws the Chinese text.
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  echo "installing LibreOffice, poppler-utils and fonts-noto-cjk (Debian packages)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui poppler-utils fonts-noto-cjk >/dev/null; \
	fi

# Node.js for the Pyodide test (tests/test_pyodide.py), from Debian when `node` is missing.
nodedeps:
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "installing nodejs and npm (Debian packages) for the Pyodide test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    nodejs npm >/dev/null; \
	fi

run: $(STAMP)
	$(BIN)/budgetlint check examples --fail-on never

# The whole suite includes tests/test_pyodide.py (the core under Pyodide in Node, about
# 15 s; the first run installs the pinned pyodide npm package into build/pyodide/).
test: $(STAMP) sysdeps nodedeps
	$(BIN)/ruff check src tests bench docs
	$(BIN)/python -m pytest -q

# The core under Pyodide alone: wheel built, installed offline, findings equal CPython's.
test-pyodide: $(STAMP) nodedeps
	$(BIN)/python -m pytest -q -s tests/test_pyodide.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs

examples: $(STAMP)
	$(BIN)/python -m budgetlint.build

# Speed and memory against openpyxl's read-only read; e.g. make bench BENCH_ARGS=--quick
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The checker on mutated example workbooks for FUZZ_MINUTES (default 3); not part of
# `make test`.  Findings are kept under build/fuzz/; e.g. make fuzz FUZZ_ARGS="--host openpyxl"
FUZZ_MINUTES ?= 3
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/fuzz_reader.py --minutes $(FUZZ_MINUTES) $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
