# Two commands for a fresh clone: `make run` (the main job) and `make test`.
# Everything runs in .venv, built from requirements.lock (every package pinned).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 -p no:cacheprovider

.PHONY: install run test unit nbval lab notebooks bench bench-quick clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/corpus-utils run --out-dir output

test: unit nbval

unit: install
	$(BIN)/python -m pytest -q tests

# no progress bars in the kernels: their rates and timings would differ from the saved outputs
nbval: install
	CORPUS_UTILS_PROGRESS=0 scripts/offline.sh $(BIN)/python -m pytest -q $(NBVAL) notebooks

lab: install
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

notebooks: install
	$(BIN)/corpus-utils run --in-place

bench: install
	$(BIN)/python benchmarks/run.py --sizes 1000 10000 100000

bench-quick: install
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf output .pytest_cache
