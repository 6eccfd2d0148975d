# Invloed — the two commands that matter: `make run` (demo, no services) and `make test`
# (`make test-fast` while working: the tests that need no service, in under 3 minutes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SCALE ?= 100000
USERS ?= 50
DURATION ?= 60
# pytest-xdist workers for make test / test-fast: one per CPU.
JOBS ?= auto
export DJANGO_DEBUG ?= 1

.PHONY: run test test-fast lint format worker beat migrate demo bench load eval messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

## run: demo on SQLite with eager tasks — create the venv, migrate, seed if empty, serve on :8000
## (friendly 404/500 pages as in production, Django's technical pages stay for `manage.py runserver`)
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty --url http://127.0.0.1:$(PORT)
	@$(BIN)/python manage.py seed_demo --print-logins --url http://127.0.0.1:$(PORT)
	DJANGO_FRIENDLY_ERRORS=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite; service tests skip with a reason unless REQUIRE_SERVICES=1. In parallel
## (pytest-xdist, one worker per core, each with its own test database) except the tests marked
## `serial` (shared Redis, real workers, fixed ports), which run after it, alone.
test: $(VENV)/.dev-installed
	$(BIN)/pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder -m "not serial"
	$(BIN)/pytest -m serial

## test-fast: everything that needs no service, browser, live server or worker (not `slow`), in parallel
test-fast: $(VENV)/.dev-installed
	$(BIN)/pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder -m "not slow"

## lint: ruff (lint + format) and mypy (django-stubs, djangorestframework-stubs) on the app code
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput

## worker / beat: need CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and usually DATABASE_URL
worker: $(VENV)/.runtime-installed
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: $(VENV)/.runtime-installed
	$(BIN)/celery -A config beat --loglevel=INFO

## bench: scale benchmark (docs/benchmarks.md) on its own database invloed_bench, which it drops and
## recreates; SCALE=100000 by default, SCALE=1000000 needs ~13 GB and 25–50 min. BENCH_ARGS=--reuse keeps a loaded data set.
## BENCH_CLUSTER=DIR runs it on a private PostgreSQL in DIR (initdb if empty) with production settings sized
## for this machine (bench/cluster.py), on port BENCH_CLUSTER_PORT (5440); it is left running.
BENCH_CLUSTER ?=
BENCH_CLUSTER_PORT ?= 5440
bench: $(VENV)/.runtime-installed
	nice -n 10 $(BIN)/python -m bench all --scale $(SCALE) \
		$(if $(BENCH_CLUSTER),--cluster $(BENCH_CLUSTER) --cluster-port $(BENCH_CLUSTER_PORT)) $(BENCH_ARGS)

## load: USERS (50) concurrent users for DURATION (60) s against gunicorn (2 sync workers, production
## settings) on PostgreSQL with the bench data set of SCALE influencers in its own database invloed_bench_load
## (recreated, ~3 min at 100,000); LOAD_ARGS=--reuse keeps a loaded data set. Fails on any failed request.
load: $(VENV)/.dev-installed
	$(BIN)/python -m bench.loadtest --scale $(SCALE) --users $(USERS) --duration $(DURATION) $(LOAD_ARGS)

## eval: ranking quality on planted populations (docs/metrics.md#ranking-evaluation) in a throwaway test
## database of the configured one (DATABASE_URL, else SQLite); EVAL_ARGS="--seeds 1 2 --verbose" to narrow it
eval: $(VENV)/.runtime-installed
	nice -n 10 $(BIN)/python -m campaigns.matching.evaluate $(EVAL_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .staticfiles .media .pytest_cache
