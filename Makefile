# `make test` runs the README's test command; `make bench` the benchmark suite (bench/RESULTS.md).
PYTHON ?= .venv/bin/python

.PHONY: test bench bench-quick

test:
	python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt '.[test]' && .venv/bin/python -m pytest -q

bench:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[bench]'
	$(PYTHON) -m bench

bench-quick:
	$(PYTHON) -m bench --quick
