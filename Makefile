# Two entry points: `make run` (check the bundled examples) and `make test`.
# Both bootstrap what they need on a fresh Linux machine with Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint sysdeps examples bench fuzz clean

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

run: $(STAMP)
	$(BIN)/budgetlint check examples --fail-on never

test: $(STAMP) sysdeps
	$(BIN)/ruff check src tests bench docs
	$(BIN)/python -m pytest -q

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
