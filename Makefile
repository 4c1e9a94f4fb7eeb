# Motcua — two commands: `make run` brings the system up with a demo province, `make test` runs
# every test against a real Kafka broker and a real MongoDB-wire server. Both install what is
# missing. Downloads and builds are cached in $(MOTCUA_CACHE) (outside git) and reused.

SHELL := /bin/bash
export MOTCUA_CACHE ?= $(HOME)/.cache/motcua
export MOTCUA_RUN ?= $(CURDIR)/.run
UV := $(MOTCUA_CACHE)/tools/bin/uv
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
SECRET_FILE := $(MOTCUA_RUN)/jwt-secret
ROLE ?= receiver
UNIT ?= H15

.PHONY: help doctor install infra provision run stop test test-fast lint token bench tools browser postgres clean

help:
	@echo "make run     start Kafka, FerretDB, the three services and a demo province"
	@echo "make stop    stop what make run started"
	@echo "make doctor  check the prerequisites (Python, JDK, Maven, Go, ports, disk)"
	@echo "make test    install what is missing and run the whole test suite"
	@echo "make token ROLE=receiver UNIT=H15.01.36       print a development JWT"
	@echo "make bench   run the benchmarks and print figures"

doctor:
	@deploy/local/doctor.sh

$(UV):
	@python3 -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 14) else "Python 3.11 to 3.14 is required (make doctor)")'
	@deploy/local/timed.sh "installing uv into $(MOTCUA_CACHE)/tools (first run only)" \
	  bash -c 'python3 -m venv $(MOTCUA_CACHE)/tools && $(MOTCUA_CACHE)/tools/bin/pip install -q uv==0.13.8'

$(VENV)/.synced: $(UV) uv.lock pyproject.toml libs/platform/pyproject.toml services/*/pyproject.toml
	@deploy/local/timed.sh "installing the Python dependencies from uv.lock into .venv" \
	  $(UV) sync --frozen --python python3
	@touch $@

install: $(VENV)/.synced

$(SECRET_FILE):
	@mkdir -p $(MOTCUA_RUN)
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(32))' > $@
	@chmod 600 $@

# The local MongoDB-wire server (FerretDB) keeps its data in Debian's PostgreSQL.
postgres:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the local MongoDB-wire server"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

infra: install postgres
	@PYTHON=$(PY) deploy/local/infra.sh start

provision: infra
	@$(VENV)/bin/motcua-provision --topics

run: provision $(SECRET_FILE)
	@MOTCUA_JWT_SECRET=$$(cat $(SECRET_FILE)) PYTHON=$(PY) deploy/local/services.sh start

stop:
	@deploy/local/services.sh stop
	@deploy/local/infra.sh stop

tools:
	@deploy/tools/install.sh

# The kiosk is tested in a real browser: Debian's Chromium, driven by Playwright (never a
# browser download of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the kiosk browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: provision tools browser
	@$(PY) -m pytest -q -p no:cacheprovider

test-fast: install
	@$(PY) -m pytest -q -m "not integration and not e2e" -p no:cacheprovider

lint: install
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy libs/platform/src services/intake/src services/workflow/src services/feedback/src

token: install $(SECRET_FILE)
	@MOTCUA_JWT_SECRET=$$(cat $(SECRET_FILE)) $(VENV)/bin/motcua-token --role $(ROLE) --unit $(UNIT)

bench: provision
	@$(PY) -m benchmarks

clean: stop
	rm -rf $(MOTCUA_RUN)
