# Two commands do everything on a fresh machine: `make serve` and `make test`.
# `make test-fast` is the quick loop while editing (under a minute: no build, browser or Pyodide).
PY := .venv/bin/python
PORT ?= 8000

.PHONY: setup site serve test test-fast bench check clean

setup:
	@bash scripts/dev/setup.sh

check: setup
	$(PY) -m scripts.check.check_sources

site: setup
	$(PY) -m scripts.build

serve: site
	$(PY) -m scripts.dev.serve --port $(PORT)

test: site
	$(PY) -m pytest -q

# The engine, the sources and the build-time rendering; the markers are given by tests/conftest.py.
FAST := not browser and not build and not pyodide
test-fast: setup
	$(PY) -m pytest -q -m "$(FAST)"

bench: site
	$(PY) -m scripts.bench.bench_build
	$(PY) -m scripts.bench.bench_calculator
	$(PY) -m scripts.bench.bench_page

# Lighthouse on home, a document page, the pseudocode table and the calculator,
# FR and NL (slow: a few minutes); fails below the accessibility,
# best-practices and SEO thresholds of scripts/dev/audit.py; performance is printed as a figure.
.PHONY: audit
audit: site
	$(PY) -m scripts.dev.audit

clean:
	rm -rf site build docs/fr docs/nl .pytest_cache
