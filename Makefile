# rida: two commands. `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-fast lint bench docs docs-images clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.docs-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/rida init
	$(BIN)/rida demo --if-empty
	$(BIN)/rida serve --host $(HOST) --port $(PORT)

# The tests run in parallel (pytest-xdist, one worker per core; PYTEST_ARGS adds options):
#   make test       the whole suite, what CI runs (.ci/run; with CI=1 nothing may skip):
#                   browser (e2e), PostgreSQL (RIDA_TEST_POSTGRES_URL), LibreOffice, fuzzing,
#                   benchmark smoke runs; under 8 minutes on 2 cores.
#   make test-fast  the loop while working: without the tests marked slow (fuzzing,
#                   durability, benchmarks, PDF, route crawls) nor e2e, on SQLite only
#                   (the PostgreSQL variants skipped: make test runs them); under 2 minutes.
# Style and types are `make lint`.
PYTEST_ARGS ?=

test: $(VENV)/.dev-installed
	$(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)

test-fast: $(VENV)/.dev-installed
	env -u RIDA_TEST_POSTGRES_URL -u CI \
		$(BIN)/pytest -n auto --dist worksteal -m "not slow and not e2e" $(PYTEST_ARGS)

# Style, types (mypy, settings in pyproject.toml) and the layers of the package
# (lint-imports, contracts in pyproject.toml).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check rida tests benchmarks scripts docs/hooks
	$(BIN)/ruff format --check rida tests benchmarks scripts docs/hooks
	$(BIN)/mypy rida
	$(BIN)/lint-imports --no-logo

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/autosave.py
	$(BIN)/python benchmarks/page_render.py
	$(BIN)/python benchmarks/docx_render.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/search_quality.py
	$(BIN)/python benchmarks/actions.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/live.py
	$(BIN)/python benchmarks/page_weight.py

# The manual (docs/, mkdocs.yml) into site/, strict: a broken link or anchor is an error.
docs: $(VENV)/.docs-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Pictures of the demo compte-rendu for the README and the manual (needs LibreOffice and poppler-utils).
docs-images: $(VENV)/.installed
	$(BIN)/python scripts/readme_images.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .mypy_cache .grimp_cache site
