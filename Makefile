# Statusrapport for botilbud – run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# DATA empty: the data folder the published site was built from (statusrapport datamappe),
# else data/raw. DATA=… another folder: also NY_DATA=1 to build the site from it (--ny-data).
DATA   ?=
YEAR   ?=
JOBS   ?=
NY_DATA ?=
DATA_ARG := $(if $(DATA),--data $(DATA)) $(if $(NY_DATA),--ny-data)
RUN_ARGS := $(if $(YEAR),--year $(YEAR)) $(if $(JOBS),--jobs $(JOBS))

# The offline Quarto kit, when installed (bash ../shared/tools/quarto/install.sh .tools/quarto),
# is used by every target; otherwise the quarto on PATH (conda-forge or quarto.org), if any.
QUARTO_KIT := $(CURDIR)/.tools/quarto/bin
ifneq ($(wildcard $(QUARTO_KIT)/quarto),)
export PATH := $(QUARTO_KIT):$(PATH)
endif

.PHONY: help venv lab demo-data validate report run test test-fast lint format bench scheduled screenshots clean a11y deploy
.PHONY: page check-notebooks bench-correction

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)
	@echo "Miljøet i $(VENV) er klar."

venv: $(STAMP) ## Create or update the virtual environment in .venv

LAB_STAMP := $(VENV)/.lab-installed

$(LAB_STAMP): $(STAMP) requirements-lab.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-lab.lock
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP) ## JupyterLab on notebooks/, reading the site's data folder (or DATA=…)
	@folder="$(if $(DATA),$(abspath $(DATA)),$$($(BIN)/statusrapport datamappe))"; \
	 echo "Notebooks læser data fra $$folder (sitets datamappe; en anden med make lab DATA=…)."; \
	 echo "Rapportåret er parameteren year i første celle; seneste år med data: $$(STATUSRAPPORT_DATA=$$folder \
	  $(BIN)/python -c 'from statusrapport import data; print(data.load().latest_year)' 2>/dev/null || echo ukendt)."; \
	 echo "Tabeller fra en interaktiv kørsel gemmes i interaktiv/ (ignoreres af git)."; \
	 echo "Gem notebooks uden output (pre-commit kører nbstripout), og byg siden med: make page PAGE=SIDE"; \
	 STATUSRAPPORT_ROOT=$(CURDIR) STATUSRAPPORT_DATA=$$folder \
	  $(BIN)/jupyter lab --notebook-dir=$(CURDIR)/notebooks $(LAB_ARGS)

demo-data: $(STAMP) ## Write demo data to data/raw (or DATA=…) if it holds none
	@out="$(or $(DATA),data/raw)"; if ls $$out/*.csv >/dev/null 2>&1; then echo "$$out har allerede data – demo-data springes over."; \
	 else $(BIN)/statusrapport demo-data --out $$out; fi

validate: $(STAMP) ## Validate the input data (Great Expectations)
	$(BIN)/statusrapport validate $(if $(DATA),--data $(DATA)) $(if $(YEAR),--year $(YEAR))

report: demo-data ## Set up, make demo data if none, run the pipeline for the latest year, render
	$(BIN)/statusrapport run $(DATA_ARG) $(RUN_ARGS)

run: $(STAMP) ## Run the pipeline on the site's data folder (or DATA=… NY_DATA=1): changed pages, render, publish
	$(BIN)/statusrapport run $(DATA_ARG) $(RUN_ARGS)

page: $(STAMP) ## One page again and the site: make page PAGE=sygefravaer [TILBUD=CLB07] [YEAR=…]
	@test -n "$(PAGE)" || { echo "Skriv siden: make page PAGE=sygefravaer (eller PAGE=tilbudsprofil TILBUD=CLB07)"; exit 2; }
	$(BIN)/statusrapport run $(DATA_ARG) --only $(PAGE) $(if $(TILBUD),--tilbud $(TILBUD)) $(RUN_ARGS)

check-notebooks: $(STAMP) ## The notebooks' conventions and declared tables in seconds (no kernel; also in test-fast)
	$(BIN)/python -m pytest tests/unit/test_notebook_conventions.py -q -p no:cacheprovider \
	  -k "not adding_a_page" tests/unit/test_pages.py

test: $(STAMP) ## Run the whole test suite on both cores: the unit layer, then the slow layers file by file
	@rc=0; \
	 $(BIN)/python -m pytest tests/unit -n 2 --durations=15 || rc=$$?; \
	 $(BIN)/python -m pytest tests/notebooks tests/e2e tests/site -n 2 --dist loadfile --durations=25 || rc=$$?; \
	 exit $$rc

test-fast: $(STAMP) ## Unit tests only (tests/unit, not slow): no notebooks, no pipeline, no Quarto
	$(BIN)/python -m pytest tests/unit -m "not slow" -n 2

lint: $(STAMP) ## Check the code with ruff and the package's types with mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP) ## Benchmarks: validation at national scale, pipeline speed
	$(BIN)/python benchmarks/run.py

bench-correction: $(STAMP) ## Issue 22: one facility's absence corrected against a cold year (real Quarto)
	PATH="$(CURDIR)/.tools/quarto/bin:$$PATH" $(BIN)/python benchmarks/run.py --skip-validation --skip-archive --skip-pipeline

scheduled: demo-data ## Quiet run for cron/systemd; appends to logs/scheduled.log
	@mkdir -p logs
	@$(BIN)/statusrapport run --quiet $(DATA_ARG) $(RUN_ARGS) >> logs/scheduled.log 2>&1

deploy: $(STAMP) ## Copy the published site as plain files to TO=DIR (or TO=host:path, with rsync)
	@test -n "$(TO)" || { echo "Angiv målet: make deploy TO=/var/www/statusrapport (eller TO=vært:sti)"; exit 2; }
	$(BIN)/statusrapport deploy --to "$(TO)"

screenshots: $(STAMP) ## Screenshots of the built site at phone and desktop width
	$(BIN)/python -m statusrapport.screenshots

clean: ## Remove everything a run made: reports, site and their versions, staging, caches (keeps data and .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf _site _site.* ._site.versions .build .quarto .pytest_cache interaktiv

a11y: ## Accessibility check (axe-core in headless Chromium) of the built site in _site/
	npm ci --silent
	node tests/a11y/run-axe.mjs _site
