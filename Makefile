# `make build` and `make test` are the two commands of the README: each installs what it
# needs into .venv (and WeasyPrint's system libraries when missing), then builds or tests.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: build test bench install clean

$(VENV)/.installed: pyproject.toml scripts/system-deps.sh
	scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

build: $(VENV)/.installed
	$(BIN)/reportgen build sample_data/relazione-2024 --out output
	$(BIN)/reportgen build sample_data/abstract-2023 --out output
	$(BIN)/reportgen build sample_data/nota-preliminare-2024 --out output
	$(BIN)/reportgen build sample_data/schede-obiettivi-2024 --out output

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed  # all run; fails when any misses a budget
	$(BIN)/python benchmarks/bench_build.py; build=$$?; \
	$(BIN)/python benchmarks/bench_load.py; load=$$?; \
	$(BIN)/python benchmarks/bench_batch.py && [ $$build -eq 0 ] && exit $$load

clean:
	rm -rf output $(VENV)
