# Thin wrappers. `make demo` and `make test` create the virtual environment on first use.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3.13 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-all lint bench app clean-venv

$(STAMP): pyproject.toml requirements-lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]" -c requirements-lock.txt
	@touch $(STAMP)

# The comparison (with the documented posterior, so the brief shows both intervals), then reduced
# targeting, ablation, story and sensitivity experiments (marked as preliminary in the brief),
# then the brief in English and in Dutch.
DEMO_STORES := results/compare-baseline-vs-mentoring results/demo-experiments

demo: $(STAMP)
	$(BIN)/throughflow compare baseline mentoring --replications 20 --posterior docs/calibration/baseline
	$(BIN)/python -m throughflow.briefing.demo --out results/demo-experiments
	$(BIN)/throughflow brief $(DEMO_STORES) --out results/brief --format html
	$(BIN)/throughflow brief $(DEMO_STORES) --out results/brief-nl --format html --lang nl

# the tests run on TEST_WORKERS processes, each test file in one of them (its module fixtures built once)
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "slow or not slow"

lint: $(STAMP)
	$(BIN)/ruff check model tests benchmarks
	$(BIN)/ruff format --check model tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean-venv:
	rm -rf $(VENV)

app: $(STAMP)
	$(BIN)/throughflow app
