# Two commands do everything on a fresh machine: `make serve` and `make test`.
PY := .venv/bin/python
PORT ?= 8000

.PHONY: setup site serve test bench check clean

setup:
	@bash scripts/setup.sh

check: setup
	$(PY) scripts/check_sources.py

site: setup
	$(PY) scripts/build.py

serve: site
	$(PY) scripts/serve.py --port $(PORT)

test: site
	$(PY) -m pytest -q

bench: site
	$(PY) scripts/bench_build.py
	$(PY) scripts/bench_calculator.py
	$(PY) scripts/bench_page.py

# Lighthouse on home, a document page, the pseudocode table and the calculator,
# FR and NL (slow: a few minutes); fails below the thresholds of scripts/audit.py.
.PHONY: audit
audit: site
	$(PY) scripts/audit.py

clean:
	rm -rf site build docs/fr docs/nl .pytest_cache
