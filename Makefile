# akhbar: two commands for a newcomer, `make run` and `make test`.
# Everything is set up from scratch in .venv when missing or when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test eval bench train gazetteer ui ui-stop clean-warehouse

UI_HOST ?= 127.0.0.1
UI_PORT ?= 4200

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $(STAMP)

setup: $(STAMP)

## run the pipeline on seeds/articles into warehouse/akhbar.duckdb (INPUT=dir WAREHOUSE=file to override)
run: $(STAMP)
	$(VENV)/bin/akhbar run $(if $(INPUT),--input $(INPUT)) $(if $(WAREHOUSE),--warehouse $(WAREHOUSE))

## the test suite
test: $(STAMP)
	$(PY) -m pytest

## entity-extraction figures: the seeds and ANERcorp test (../shared/ner), then the warehouse on
## ../shared/eval/dev-modern overall, per type and per source, against its floors
eval: $(STAMP)
	$(PY) -m flows.ner_eval
	$(PY) -m flows.dev_eval --floor

## rebuild the NER model files in seeds/models from ../shared
train: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[train]"
	$(PY) -m flows.train_tagger

## rebuild seeds/gazetteer/entities*.csv from ../shared and the curated files
gazetteer: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[train]"
	$(PY) -m flows.build_gazetteer

## benchmark on the ANT corpus from ../shared (N=5000 for a quick run)
bench: $(STAMP)
	$(PY) -m flows.bench $(if $(N),--n $(N))

## a local Prefect server + UI for this project (state in .prefect-server/); runs report to it
ui: $(STAMP)
	$(PY) -m flows.ui start --host $(UI_HOST) --port $(UI_PORT)

ui-stop:
	$(PY) -m flows.ui stop

clean-warehouse:
	rm -f warehouse/akhbar.duckdb warehouse/akhbar.duckdb.wal warehouse/akhbar.duckdb.lock
	rm -rf warehouse/data_docs
