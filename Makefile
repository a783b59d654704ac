# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
WORK   ?= demo-work

.PHONY: demo test bench bench-large lint docs install browser pdf clean help

help:
	@echo "make demo   - build the synthetic demo partnership and serve the dashboard on http://localhost:8501"
	@echo "make test   - run the whole test suite (installs Debian chromium for browser tests if missing)"
	@echo "make bench  - time generation, ingest, the full run and page loads on a 300,000-children partnership"
	@echo "make lint   - ruff"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's chromium (a downloaded browser build does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The PDF board pack (WeasyPrint) needs Pango from the system (its tests read the PDF with pypdf).
pdf:
	@{ $(PYTHON) -c "import ctypes.util as u, sys; sys.exit(not (u.find_library('pango-1.0') \
	     and u.find_library('pangoft2-1.0')))"; } || { \
	  echo "installing Pango for the PDF board pack"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

demo: $(STAMP) pdf
	$(VENV)/bin/lscp demo --work $(WORK) $(if $(DEMO_ROLE),--role $(DEMO_ROLE))

test: $(STAMP) browser pdf
	$(VENV)/bin/lint-imports
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

# BENCH_DB=FILE: only the pack and the pages, over a published database already built
bench: $(STAMP)
	$(PY) -m tests.bench.run_bench $(if $(BENCH_DB),--db $(BENCH_DB))

bench-large: $(STAMP)
	$(PY) -m tests.bench.run_bench --large 2000000

# The extracts' column reference is derived from the contracts (a test fails when stale).
docs: $(STAMP)
	$(PY) -m data_contracts.docs

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(WORK) bench-work .pytest_cache
