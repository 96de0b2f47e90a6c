# akhbar: two commands for a newcomer, `make run` and `make test`.
# Everything is set up from scratch in .venv when missing or when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test eval bench train clean-warehouse

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

## entity-extraction figures on ../shared/ner (ANERcorp test) and the seeds
eval: $(STAMP)
	$(PY) -m flows.ner_eval

## rebuild the NER model files in seeds/models from ../shared
train: $(STAMP)
	$(PY) -m flows.train_tagger

clean-warehouse:
	rm -f warehouse/akhbar.duckdb warehouse/akhbar.duckdb.wal warehouse/akhbar.duckdb.lock
	rm -rf warehouse/data_docs
