# Two commands: `make demo` and `make test`. Each creates .venv/ when it is missing or stale.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint format clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/syndetect demo --out out/demo

SHARED_DATA := ../shared/data

test: $(STAMP)
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-java.sh
	$(VENV)/bin/ruff check syndetect cli tests benchmarks
	@test -d $(SHARED_DATA)/exara || echo "!!! QUALITY GATE DID NOT RUN: $(SHARED_DATA)/exara is missing (tests/test_quality_gate.py skipped) !!!"
	bash scripts/ensure-redis.sh run $(VENV)/bin/python -m pytest syndetect tests
	@test -d $(SHARED_DATA)/exara || echo "!!! QUALITY GATE DID NOT RUN: $(SHARED_DATA)/exara is missing !!!"

lint: $(STAMP)
	$(VENV)/bin/ruff check syndetect cli tests benchmarks
	$(VENV)/bin/ruff format --check syndetect cli tests benchmarks

format: $(STAMP)
	$(VENV)/bin/ruff format syndetect cli tests benchmarks
	$(VENV)/bin/ruff check --fix syndetect cli tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
