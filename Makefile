# The two commands a new machine needs: `make run` and `make test`.
# Both create .venv with Python 3.11 and install what they need.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_ENV := DJANGO_DEBUG=1
PYTEST_ARGS ?=

.PHONY: run test lint check-deploy services bench bench-board clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: install, migrate, load demo data and serve on http://127.0.0.1:8000 (SQLite,
## tasks in-process, e-mail printed to the console)
run: $(VENV)/.installed-run
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install and run the whole suite (PostgreSQL/Redis when DATABASE_URL and
## CELERY_BROKER_URL point at them; those tests skip otherwise)
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff and the migrations check
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

## bench: the performance benchmark on PostgreSQL (docs/performance.md): pages at
## F = 0.01 and F = 1, the registration rush, the bulletin fan-out, the live questions
## (100 phones at once, scripts/board_load.py); exits 1 on a miss.
## Starts the local PostgreSQL (scripts/services.sh) unless DATABASE_URL names one.
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	@case "$$DATABASE_URL" in postgres*) ;; *) eval "$$(scripts/services.sh start)";; esac; \
	$(BIN)/python manage.py bench $(BENCH_ARGS) && \
	$(BIN)/python scripts/board_load.py $(BOARD_LOAD_ARGS)

## bench-board: only the live questions under load (scripts/board_load.py).
BOARD_LOAD_ARGS ?=
bench-board: $(VENV)/.installed-dev
	@case "$$DATABASE_URL" in postgres*) ;; *) eval "$$(scripts/services.sh start)";; esac; \
	$(BIN)/python scripts/board_load.py $(BOARD_LOAD_ARGS)

## check-deploy: Django's deployment checks under production-like settings
check-deploy: $(VENV)/.installed-run
	DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY=ci-only-$$(date +%s)-a-long-random-looking-secret-key-for-checks \
	DJANGO_ALLOWED_HOSTS=cafe.example.gov.co \
	DJANGO_CSRF_TRUSTED_ORIGINS=https://cafe.example.gov.co \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## services: start PostgreSQL and Redis on 127.0.0.1 (prints the variables to export)
services:
	@scripts/services.sh start

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
