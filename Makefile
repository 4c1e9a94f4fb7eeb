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

.PHONY: help doctor install infra provision run stop test test-fast lint token citizen-token bench tools browser postgres clean keycloak

help:
	@echo "make run     start Kafka, FerretDB, the three services and a demo province"
	@echo "make stop    stop what make run started"
	@echo "make doctor  check the prerequisites (Python, JDK, Maven, Go, ports, disk)"
	@echo "make test    install what is missing and run the whole test suite"
	@echo "make token ROLE=receiver UNIT=H15.01.36       print a development JWT"
	@echo "make citizen-token PERSONAL_ID=079203001234   print a development citizen token"
	@echo "make bench   run the benchmarks and print figures"
	@echo "make keycloak  start the officials' identity provider (make run and make test do)"

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

# The officials' identity provider (Keycloak from Maven Central, realm files in deploy/keycloak).
keycloak: install
	@PYTHON=$(PY) deploy/local/keycloak.sh start

run: provision $(SECRET_FILE) keycloak
	@MOTCUA_JWT_SECRET=$$(cat $(SECRET_FILE)) PYTHON=$(PY) deploy/local/services.sh start

stop:
	@deploy/local/services.sh stop
	@deploy/local/infra.sh stop
	@deploy/local/keycloak.sh stop

tools:
	@deploy/tools/install.sh

# The kiosk is tested in a real browser: Debian's Chromium, driven by Playwright (never a
# browser download of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the kiosk browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# No test outcome may depend on when the suite runs. The simulated clocks of the test stacks
# start at a pinned instant (MOTCUA_TEST_NOW, default a Wednesday 10:30 Vietnam time); the tests
# that run services on that clock run again after the 15:00 same-day cut-off. Other instants:
# make test TEST_INSTANTS="2026-03-08T10:30:00+07:00 2026-02-16T16:30:00+07:00" (a Sunday, the eve
# of Tết).
TEST_INSTANTS ?= 2026-03-04T16:30:00+07:00

# Answers that carry a key their response model does not declare fail the tests (see
# motcua_platform.http.answers).
test: export MOTCUA_STRICT_ANSWERS = 1
test: provision tools browser keycloak
	@$(PY) -m pytest -q -p no:cacheprovider
	@for at in $(TEST_INSTANTS); do \
	  echo "time-sensitive tests with the simulated clocks starting at $$at"; \
	  MOTCUA_TEST_NOW=$$at $(PY) -m pytest -q -p no:cacheprovider -m clock || exit 1; \
	done

test-fast: install
	@MOTCUA_STRICT_ANSWERS=1 $(PY) -m pytest -q -m "not integration and not e2e" -p no:cacheprovider

lint: install
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy libs/platform/src services/intake/src services/workflow/src services/feedback/src services/portal/src services/console/src

token: install $(SECRET_FILE)
	@MOTCUA_JWT_SECRET=$$(cat $(SECRET_FILE)) $(VENV)/bin/motcua-token --role $(ROLE) --unit $(UNIT)

# A development citizen token (what the citizens' realm issues): PERSONAL_ID=079203001234
PERSONAL_ID ?= 079203001234
citizen-token: install $(SECRET_FILE)
	@MOTCUA_JWT_SECRET=$$(cat $(SECRET_FILE)) $(VENV)/bin/motcua-citizen-token --personal-id $(PERSONAL_ID)

bench: provision keycloak
	@$(PY) -m benchmarks

clean: stop
	rm -rf $(MOTCUA_RUN)
