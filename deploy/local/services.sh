#!/usr/bin/env bash
# Starts or stops the three Motcua services as local processes (PID files in $MOTCUA_RUN).
#   services.sh start   start intake, workflow and feedback; wait until each /readyz answers 200
#   services.sh stop
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
RUN="${MOTCUA_RUN:-$root/.run}"
PYTHON="${PYTHON:-$root/.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
declare -A PORTS=([intake]="${MOTCUA_INTAKE_PORT:-8001}" [workflow]="${MOTCUA_WORKFLOW_PORT:-8002}" [feedback]="${MOTCUA_FEEDBACK_PORT:-8003}" [console]="${MOTCUA_CONSOLE_PORT:-8004}")
SERVICES=(intake workflow feedback)
KEYCLOAK_PORT="${MOTCUA_KEYCLOAK_PORT:-8180}"
OIDC_ISSUER="http://127.0.0.1:$KEYCLOAK_PORT/realms/officials"
PORTAL_PORT="${MOTCUA_PORTAL_PORT:-8005}"
CITIZENS_REALM="http://127.0.0.1:$KEYCLOAK_PORT/realms/citizens"
mkdir -p "$RUN/logs"

log() { printf '[services] %s\n' "$*" >&2; }
# shellcheck source=processes.sh
source "$here/processes.sh"

# A random secret kept in $RUN/<name> (created on first use), so it survives restarts.
secret_file() {
  local file="$RUN/$1"
  if [[ ! -s "$file" ]]; then
    (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$file")
  fi
  cat "$file"
}

ready() { "$PYTHON" -c "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:$1/readyz', timeout=2).status == 200 else 1)" 2>/dev/null; }

DEMO_COUNTER="H15.01.36-Q01"

# The device link of a counter's kiosk, asked of the running feedback service by a leader of the
# counter's unit (a counter code is <unit>-<counter id>): the only address at which the kiosk
# page shows the dossiers returned at that counter.
kiosk_link() {
  local token
  token="$("$BIN/motcua-token" --role leader --unit "${1%%-*}")" || return 1
  MOTCUA_TOKEN="$token" "$PYTHON" - "http://127.0.0.1:${PORTS[feedback]}/kiosk/$1/link" <<'PY'
import json, os, sys, urllib.request

request = urllib.request.Request(
    sys.argv[1], headers={"Authorization": "Bearer " + os.environ["MOTCUA_TOKEN"]}
)
with urllib.request.urlopen(request, timeout=5) as response:
    print(json.load(response)["url"])
PY
}

start() {
  : "${MOTCUA_JWT_SECRET:?MOTCUA_JWT_SECRET must be set (make run sets a local one)}"
  export MOTCUA_PSEUDONYM_KEY="${MOTCUA_PSEUDONYM_KEY:-$MOTCUA_JWT_SECRET-pseudonym}"
  # Its own key, as in production: the online rating tokens derived from it outlive a JWT secret.
  MOTCUA_KIOSK_KEY="${MOTCUA_KIOSK_KEY:-$(secret_file kiosk-key)}"
  export MOTCUA_KIOSK_KEY
  oidc_settings
  citizen_oidc_settings
  for s in "${SERVICES[@]}"; do
    if alive "$s"; then log "$s already running (pid $(cat "$RUN/$s.pid"))"; continue; fi
    MOTCUA_HTTP_PORT="${PORTS[$s]}" launch "$s" "$BIN/motcua-$s"
  done
  for s in "${SERVICES[@]}"; do
    await "$s" 90 ready "${PORTS[$s]}" || exit 1
  done
  start_console
  start_portal
  start_prometheus
  "$PYTHON" -m motcua_intake.demo --intake "http://127.0.0.1:${PORTS[intake]}" || log "demo data not loaded"
  local kiosk console_line
  if [[ -f "$RUN/console.pid" ]]; then
    console_line="http://127.0.0.1:${PORTS[console]}  (sign in as a demo official:)
$(demo_users)"
  else
    console_line="not started: it needs Keycloak (make keycloak)"
  fi
  kiosk="$(kiosk_link "$DEMO_COUNTER" 2>/dev/null)" \
    || kiosk="GET /kiosk/$DEMO_COUNTER/link with a leader's token (not reachable now)"
  cat <<MSG

Motcua is running$( [[ "${MOTCUA_SIMULATION:-0}" == 1 ]] && echo " (simulation: time travel allowed)"):
  intake    http://127.0.0.1:${PORTS[intake]}/docs     (AsyncAPI: /asyncapi)
  workflow  http://127.0.0.1:${PORTS[workflow]}/docs
  feedback  http://127.0.0.1:${PORTS[feedback]}/docs
  kiosk     $kiosk
            (device link of counter $DEMO_COUNTER: open it on the counter's tablet)
  console   $console_line
  portal    $( [[ -f "$RUN/portal.pid" ]] && echo "http://127.0.0.1:$PORTAL_PORT  (citizens sign in with a demo personal ID, e.g. 079203001234 / motcua-demo)" || echo "not started: it needs Keycloak's citizens realm (make keycloak)")
  metrics   http://127.0.0.1:${PORTS[intake]}/metrics, :${PORTS[workflow]}/metrics, :${PORTS[feedback]}/metrics
  Prometheus $( [[ -f "$RUN/prometheus.pid" ]] && echo "http://127.0.0.1:$PROM_PORT (rules and alerts from deploy/prometheus)" || echo "not installed (make tools installs it)")
  Kafka     127.0.0.1:${MOTCUA_KAFKA_PORT:-9092}    MongoDB wire 127.0.0.1:${MOTCUA_MONGO_PORT:-27017}
  logs      $RUN/logs/
  a token:  make token ROLE=receiver UNIT=H15.01.36    (the demo centre of phường Buôn Ma Thuột)
  prefill:  curl -H "Authorization: Bearer \$(make -s token ROLE=receiver UNIT=H15.01.36)" \\
              http://127.0.0.1:${PORTS[intake]}/citizens/079203001234
Stop everything with: make stop
MSG
}

# The services accept the officials' realm's tokens (through its JWKS) besides the development
# ones, when Keycloak is up (make run starts it).
oidc_settings() {
  if "$PYTHON" -c "import sys, urllib.request as u; sys.exit(0 if u.urlopen('$OIDC_ISSUER/.well-known/openid-configuration', timeout=2).status == 200 else 1)" 2>/dev/null; then
    export MOTCUA_OIDC_ISSUER="$OIDC_ISSUER"
    export MOTCUA_OIDC_JWKS_URL="$OIDC_ISSUER/protocol/openid-connect/certs"
    export MOTCUA_OIDC_AUDIENCE=motcua-api
  fi
}

# The officials' console (a web app over the three services), when Keycloak is up.
start_console() {
  [[ -n "${MOTCUA_OIDC_ISSUER:-}" ]] || { log "Keycloak not answering: console not started"; return 0; }
  alive console && return 0
  MOTCUA_HTTP_PORT="${PORTS[console]}" \
  MOTCUA_INTAKE_URL="http://127.0.0.1:${PORTS[intake]}" \
  MOTCUA_WORKFLOW_URL="http://127.0.0.1:${PORTS[workflow]}" \
  MOTCUA_FEEDBACK_URL="http://127.0.0.1:${PORTS[feedback]}" \
  MOTCUA_OIDC_CLIENT_SECRET="${MOTCUA_OIDC_CLIENT_SECRET:-motcua-console-local-secret}" \
  MOTCUA_SESSION_SECRET="${MOTCUA_SESSION_SECRET:-$(secret_file console-session-key)}" \
    launch console "$BIN/motcua-console"
  await console 60 ready "${PORTS[console]}" || return 0
}

# The demo officials of the local realm (deploy/keycloak/realms/officials.json).
demo_users() {
  "$PYTHON" - "$root/deploy/keycloak/realms/officials.json" <<'PY'
import json, sys

realm = json.load(open(sys.argv[1], encoding="utf-8"))
for user in realm["users"]:
    name = f"{user['firstName']} {user['lastName']}"
    roles = ", ".join(user["realmRoles"])
    print(f"            {user['username']:<16} {roles:<11} {user['attributes']['unit'][0]:<10} {name}")
print("            password of every demo official: " + realm["users"][0]["credentials"][0]["value"])
PY
}

PROM_PORT="${MOTCUA_PROMETHEUS_PORT:-9090}"

realm_answers() {
  "$PYTHON" -c "import sys, urllib.request as u; sys.exit(0 if u.urlopen('$1/.well-known/openid-configuration', timeout=2).status == 200 else 1)" 2>/dev/null
}

# Intake and feedback accept the citizens' realm's tokens (through its JWKS) besides the
# development ones, when Keycloak is up.
citizen_oidc_settings() {
  realm_answers "$CITIZENS_REALM" || return 0
  export MOTCUA_CITIZEN_OIDC_ISSUER="$CITIZENS_REALM"
  export MOTCUA_CITIZEN_OIDC_JWKS_URL="$CITIZENS_REALM/protocol/openid-connect/certs"
  export MOTCUA_CITIZEN_OIDC_AUDIENCE="motcua-citizen-api"
}

# The citizens' portal, when the citizens' realm answers (its sign-in needs it).
start_portal() {
  realm_answers "$CITIZENS_REALM" || { log "portal not started: no citizens' realm at $CITIZENS_REALM"; return 0; }
  alive portal && return 0
  MOTCUA_PORTAL_HTTP_PORT="$PORTAL_PORT" \
  MOTCUA_PORTAL_INTAKE_URL="http://127.0.0.1:${PORTS[intake]}" \
  MOTCUA_PORTAL_FEEDBACK_URL="http://127.0.0.1:${PORTS[feedback]}" \
  MOTCUA_PORTAL_OIDC_ISSUER="$CITIZENS_REALM" \
  MOTCUA_PORTAL_SESSION_SECRET="$(secret_file portal-session-secret)" \
    launch portal "$BIN/motcua-portal"
  await portal 60 ready "$PORTAL_PORT"
}

# Prometheus (Debian's package, installed by `make tools`) scrapes the three services and
# evaluates the same rules as compose and Helm; started only when it is installed.
start_prometheus() {
  local bin="${MOTCUA_CACHE:-$HOME/.cache/motcua}/bin/prometheus"
  [[ -x "$bin" ]] || bin="$(command -v prometheus || true)"
  [[ -n "$bin" ]] || return 0
  alive prometheus && return 0
  mkdir -p "$RUN/prometheus"
  launch prometheus "$bin" --config.file="$root/deploy/prometheus/prometheus.yml" \
    --storage.tsdb.path="$RUN/prometheus" --web.listen-address="127.0.0.1:$PROM_PORT"
}

stop() {
  for s in portal console "${SERVICES[@]}" prometheus; do stop_pid "$s"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
