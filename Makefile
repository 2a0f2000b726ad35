# The two commands a new machine needs: `make run` and `make test`.
# Both create .venv with Python 3.11 and install what they need.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUN_ENV := DJANGO_DEBUG=1 PORT=$(PORT) CAFE_SSO_DEMO_PROVIDER=1
PYTEST_ARGS ?=

.PHONY: run test lint check-deploy prod-smoke services bench bench-board clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt requirements-demo.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-demo.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-demo.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: install, migrate, load demo data (quietly: its e-mails stay in the outbox) and
## serve on http://127.0.0.1:$(PORT) (SQLite, tasks in-process, e-mail printed to the
## console). `make run PORT=8080` moves the server and the links in e-mails. A local
## OpenID provider with the demo people (127.0.0.1:9400) shows the single sign-on.
run: $(VENV)/.installed-run
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py demo_identity_provider >/dev/null 2>&1 & \
	idp=$$!; trap 'kill $$idp 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: install and run the whole suite (PostgreSQL/Redis when DATABASE_URL and
## CELERY_BROKER_URL point at them; those tests skip otherwise). In parallel, one
## pytest-xdist worker per core, when there is more than one core (TEST_WORKERS=1
## runs it in one process). Each file runs whole on one worker (its tests may share a
## resource); every worker has its own test database and its own Redis database.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
XDIST_ARGS = $(if $(filter-out 0 1,$(TEST_WORKERS)),-p xdist -n $(TEST_WORKERS) --dist loadfile,)
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(XDIST_ARGS) $(PYTEST_ARGS)

## lint: ruff and the migrations checks (none missing; each safe on a live database)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check_migrations_safe

## bench: the benchmark (bench/, docs/performance.md): every page's queries and time
## at F = 0.01, 1 and 10; the mixed load (locust, gunicorn, Celery, its own Redis),
## paced, saturated and with Redis frozen; the registration rush; the roster import;
## the live questions (100 phones at once, scripts/board_load.py); exits 1 on a miss.
## Starts the local PostgreSQL (scripts/services.sh) unless DATABASE_URL names one.
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	@case "$$DATABASE_URL" in postgres*) ;; *) eval "$$(scripts/services.sh start)";; esac; \
	$(BIN)/python -m bench $(BENCH_ARGS) && \
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

## prod-smoke: the production topology run as one (scripts/prod_smoke.py): the
## Procfile's web, worker and beat under honcho with production settings, against
## PostgreSQL, its own Redis and a local SMTP sink; a scenario across the processes,
## a killed worker, a restarted beat, Redis stopped; then the restore drill.
## Starts the local PostgreSQL (scripts/services.sh) unless DATABASE_URL names one.
prod-smoke: $(VENV)/.installed-dev
	@case "$$DATABASE_URL" in postgres*) ;; *) eval "$$(scripts/services.sh start)";; esac; \
	$(BIN)/python scripts/prod_smoke.py

## services: start PostgreSQL and Redis on 127.0.0.1 (prints the variables to export)
services:
	@scripts/services.sh start

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
