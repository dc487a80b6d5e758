# Two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
VENV := .venv
VPY := $(VENV)/bin/python
MANAGE := $(VPY) manage.py
STATIC_STAMP := infohus/static/vendor/.built
PG_URL ?= postgres://postgres@127.0.0.1:5432/infohus

# Django 6.1 needs Python 3.12+: look on PATH, then in pyenv's versions. pyenv shims
# for versions not selected answer "command not found", so each candidate is tried.
define find_python
for c in python3.14 python3.13 python3.12 python3 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin 2>/dev/null | sort -rV | sed 's|$$|/python3|'); do \
  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; \
done
endef

.PHONY: run test venv static migrate demo lint typecheck pytest pytest-sqlite pytest-postgres chromium messages clean

$(VPY):
	@py="$$($(find_python))"; \
	if [ -z "$$py" ]; then \
	  echo "Infohus needs Python 3.12 or newer (Django 6.1). Install one, for example 'pyenv install 3.12' or Debian's python3.12, then run make again." >&2; exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VPY)
	$(VPY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

$(STATIC_STAMP): frontend/node_modules/.package-lock.json frontend/build.mjs
	node frontend/build.mjs
	touch $@

static: $(STATIC_STAMP)

messages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore '.venv' --ignore 'frontend' -v 0

migrate: venv static messages
	$(MANAGE) migrate --no-input -v 0

demo: migrate
	$(MANAGE) demo
	$(MANAGE) demo_desk
	$(MANAGE) load_instruments
	$(MANAGE) demo_assessments
	$(MANAGE) demo_training
	$(MANAGE) demo_interventions
	$(MANAGE) demo_community
	$(MANAGE) demo_insights
	$(MANAGE) load_directory_sample

# The web server with the background worker beside it, both queueing tasks in the database
# (TASKS_BACKEND=database). The worker stops when the web server does, however that ends; a task
# cut short, even by a kill, is recorded as failed and tried again at the next start
# (recover_stalled_tasks). The worker does not reload on code changes: restart `make run` after
# changing a task.
run: demo
	@export TASKS_BACKEND=database; \
	$(MANAGE) recover_stalled_tasks --worker-id make-run; \
	$(MANAGE) db_worker --no-reload --worker-id make-run & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	echo "Background worker running (manage.py db_worker, process $$worker); it stops with the web server."; \
	$(MANAGE) runserver 127.0.0.1:8000

# Debian's chromium for the browser tests; never a browser download.
chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

# No cache: an incremental run hid an error that a fresh checkout shows (it takes seconds anyway).
typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy --cache-dir=/dev/null $(wildcard infohus/*/services.py infohus/*/services/*.py infohus/*/selectors.py infohus/*/selectors/*.py) infohus/accounts/permissions.py

pytest-sqlite: $(VENV)/.installed-test static messages chromium
	env -u DATABASE_URL $(VENV)/bin/pytest -q

# On PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432.
pytest-postgres: $(VENV)/.installed-test static messages chromium
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(VPY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "No PostgreSQL: set DATABASE_URL or start a server on 127.0.0.1:5432 (skipped)"; exit 0; fi; \
	echo "PostgreSQL run on $$url"; DATABASE_URL="$$url" $(VENV)/bin/pytest -q

pytest: pytest-sqlite pytest-postgres

test: lint typecheck pytest

clean:
	rm -rf $(VENV) frontend/node_modules infohus/static/vendor
