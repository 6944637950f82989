# crisisprog — `make run` starts the whole system on embedded defaults; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=

.PHONY: run test screenshots bench simulate audit install install-dev migrate messages catalogs seed lint check-migrations check-deploy schema clean

# pip speaks only on errors (-qq): a newcomer's first `make run` shows no notes about the machine's
# package indexes before its "ready" banner.
$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(PY) -m pip install -qq -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(PY) -m pip install -qq -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogs are committed; recompile when GNU gettext is there to do it.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

# After a change to a marked string: the Spanish catalog gets every message; each other resident language's
# catalog gets the new resident messages (untranslated, until a translator fills them) and loses the unused
# ones (scripts/resident_catalogs.py); then everything is compiled.
catalogs: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --no-obsolete
	$(PY) scripts/resident_catalogs.py
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Folders, database, demo data, then web + worker + beat and one "ready" banner (scripts/run_all.py).
run: messages
	@$(PY) scripts/run_all.py

test: install-dev messages
	DJANGO_SETTINGS_MODULE=crisisprog.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks need PostgreSQL and Redis on this machine (BENCH_DATABASE_URL, BENCH_BROKER_URL,
# BENCH_CACHE_URL) and wrk for load.py (installed here when missing). Every script exits 1 while a
# target is missed; the leading '-' lets the run go on so the whole table is printed (see
# bench/results.json), each miss is noted in $(BENCH_MISSED) and the last line fails the target when
# there is one. load.py runs last: it loads the whole machine.
BENCH_MISSED := var/bench-missed
bench: install-dev
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'crisisprog_bench'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE crisisprog_bench"
	@mkdir -p var && rm -f $(BENCH_MISSED)
	-$(PY) bench/notifications.py || { echo notifications >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/reports.py || { echo reports >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/roster.py || { echo roster >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/themes.py || { echo themes >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/pages.py || { echo pages >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/scale_checks.py || { echo scale_checks >> $(BENCH_MISSED); exit 1; }
	-$(PY) bench/operations.py || { echo operations >> $(BENCH_MISSED); exit 1; }
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; } \
	  || sudo sh -c 'apt-get update -qq && apt-get install -y -qq wrk'
	-$(PY) bench/load.py || { echo load >> $(BENCH_MISSED); exit 1; }
	@if [ -s $(BENCH_MISSED) ]; then echo "make bench: target missed by $$(paste -sd ' ' $(BENCH_MISSED))" >&2; \
	  exit 1; fi

# A year in the life (apps/simulation): 13 simulated months from 2027-01-04 on PostgreSQL (database
# crisisprog_sim, created when missing, emptied by --reset) and Redis db 7, with the test settings'
# in-memory mail and SMS. SIMULATE_ARGS to change the span, e.g. the CI-sized run:
#   make simulate SIMULATE_ARGS="--weeks 10 --start 2027-02-22T08:00-05:00"
SIMULATE_ARGS ?= --months 13 --seed 1
simulate: install-dev
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'crisisprog_sim'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE crisisprog_sim"
	DJANGO_SETTINGS_MODULE=crisisprog.settings.simulation $(PY) manage.py migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=crisisprog.settings.simulation $(PY) manage.py simulate --reset $(SIMULATE_ARGS)

# Known vulnerabilities in the pinned requirements. pip-audit asks PyPI's JSON API (or OSV) on the
# internet; --strict fails when a package could not be audited, so a closed network fails loudly
# instead of passing with nothing checked. Installed in its own venv: it is a tool, not a dependency.
audit:
	@[ -x var/audit-venv/bin/pip-audit ] || { $(PYTHON) -m venv var/audit-venv && var/audit-venv/bin/pip install --quiet pip-audit==2.10.1; }
	var/audit-venv/bin/pip-audit --strict --no-deps --disable-pip -r requirements.txt -r requirements-dev.txt

lint: install-dev
	$(PY) -m ruff check .

check-migrations: install-dev
	DJANGO_SETTINGS_MODULE=crisisprog.settings.test $(PY) manage.py makemigrations --check --dry-run

# `check --deploy` under production settings with throw-away secrets.
check-deploy: install
	DJANGO_SETTINGS_MODULE=crisisprog.settings.production SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DATABASE_URL=sqlite:///var/check.sqlite3 ALLOWED_HOSTS=crisisprog.example.org \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1 \
	$(PY) manage.py check --deploy --fail-level WARNING

schema: install
	DJANGO_SETTINGS_MODULE=crisisprog.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf var/broker var/cache var/staticfiles

# A full-page PNG of every main staff and resident screen on the demo data, desktop and phone, in
# var/screenshots/ (index.html shows them all). Needs Debian's chromium. SCREENSHOTS_ONLY=<text> for some.
screenshots: install-dev messages
	$(PY) scripts/screenshots.py
