#!/usr/bin/env bash
# Preflight for `make run` and `make test`: checks every prerequisite and says what to install.
# Exit status 0 when everything needed is present, 1 otherwise (warnings do not fail).
#
# The versions below are the floors the builds need:
#   Python 3.11-3.14  requires-python in pyproject.toml (wheels of every dependency exist for these)
#   JDK 17+           Kafka 4 brokers need Java 17
#   Maven 3.6+        fetches Kafka's jars (deploy/local/kafka/pom.xml)
#   PostgreSQL        Debian's package, the local FerretDB's storage
#   Go 1.24+          builds FerretDB (deploy/local/ferretdb/go.mod); `make tools` builds Helm and
#                     the manifest validator, whose go.mod asks for 1.26 (Go fetches that toolchain
#                     itself unless GOTOOLCHAIN=local)
set -uo pipefail

CACHE="${MOTCUA_CACHE:-$HOME/.cache/motcua}"
NEED_DISK_MB=3000
failed=0

ok() { printf '  ok    %-10s %s\n' "$1" "$2"; }
warn() { printf '  warn  %-10s %s\n' "$1" "$2"; }
fail() { printf '  MISSING %-8s %s\n' "$1" "$2"; failed=1; }

# version_at_least 17.0.2 17 -> true
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" == "$2" ]]; }

check_python() {
  local v
  if ! v="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)"; then
    fail python "python3 not found: apt-get install python3 python3-venv (3.11 to 3.14)"; return
  fi
  if ! version_at_least "$v" 3.11 || version_at_least "$v" 3.15; then
    fail python "python3 is $v; Motcua needs 3.11 to 3.14 (Debian 12: 3.11, Debian 13: 3.13, Ubuntu 24.04: 3.12)"
    return
  fi
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    fail python "python3 $v has no venv/ensurepip: apt-get install python3-venv"; return
  fi
  ok python "$v"
}

check_java() {
  local java="java" v
  [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
  if ! v="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -1)" || [[ -z "$v" ]]; then
    fail java "no JDK found: apt-get install openjdk-17-jdk-headless (or any JDK 17+, JAVA_HOME honoured)"
    return
  fi
  if ! version_at_least "$v" 17; then
    fail java "Java $v is too old for Kafka: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
    return
  fi
  ok java "$v"
}

check_maven() {
  local v
  if ! v="$(mvn -v 2>/dev/null | sed -n 's/.*Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -1)" || [[ -z "$v" ]]; then
    fail maven "mvn not found: apt-get install maven (downloads Kafka's jars from Maven Central)"
    return
  fi
  version_at_least "$v" 3.6 || { fail maven "Maven $v is too old: 3.6+ (apt-get install maven)"; return; }
  ok maven "$v"
}

check_go() {
  local v
  if ! v="$(go env GOVERSION 2>/dev/null)" || [[ -z "$v" ]]; then
    fail go "go not found: Go 1.24+ from https://go.dev/doc/install (Debian 13: apt-get install golang; Debian 12's golang is too old)"
    return
  fi
  v="${v#go}"
  if ! version_at_least "$v" 1.24; then
    fail go "Go $v is too old to build FerretDB: Go 1.24+ from https://go.dev/doc/install"; return
  fi
  if ! version_at_least "$v" 1.26 && [[ "$(go env GOTOOLCHAIN 2>/dev/null)" == local* ]]; then
    warn go "$v; make tools needs Go 1.26 (GOTOOLCHAIN=local forbids fetching it)"; return
  fi
  ok go "$v"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port already answering is not an error: `make run` reuses a Kafka or FerretDB that answers, and
# a second `make run` finds its own services. It is worth saying, though, in case it is a stranger.
check_ports() {
  local name port busy=()
  for name in KAFKA:9092 KAFKA_CONTROLLER:9093 MONGO:27017 POSTGRES:55432 INTAKE:8001 \
      WORKFLOW:8002 FEEDBACK:8003 PROMETHEUS:9090 ALERTMANAGER:9095; do
    local var="MOTCUA_${name%%:*}_PORT"
    port="${!var:-${name##*:}}"
    port_open "$port" && busy+=("$port (${name%%:*}, $var)")
  done
  if ((${#busy[@]})); then
    warn ports "in use: ${busy[*]} -- fine if it is Motcua from an earlier make run, otherwise set the variable"
  else
    ok ports "9092 9093 27017 55432 8001-8003 9090 9095 free"
  fi
}

# The local MongoDB-wire server keeps its data in PostgreSQL (Debian's package); make installs it
# with apt-get when it is missing and the user is root.
check_postgresql() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [[ -x "$bin/postgres" ]]; then
    ok postgres "$("$bin/postgres" --version | awk '{print $3}')"
  elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    warn postgres "not installed yet: make installs Debian's postgresql package"
  else
    fail postgres "PostgreSQL is missing: apt-get install postgresql (as root)"
  fi
}

check_disk() {
  mkdir -p "$CACHE" 2>/dev/null
  local free_mb
  free_mb="$(df -Pm "$CACHE" 2>/dev/null | awk 'NR == 2 {print $4}')"
  if [[ -z "$free_mb" ]]; then warn disk "cannot read free space of $CACHE"; return; fi
  if ((free_mb < NEED_DISK_MB)); then
    fail disk "$free_mb MB free under $CACHE; the first run needs about $NEED_DISK_MB MB (Kafka jars, Go builds, Python packages); set MOTCUA_CACHE elsewhere"
    return
  fi
  ok disk "$free_mb MB free under $CACHE"
}

echo "Motcua prerequisites:"
check_python
check_java
check_maven
check_go
check_postgresql
check_ports
check_disk
if ((failed)); then
  echo "Install what is MISSING above, then run make doctor again."
  exit 1
fi
echo "All prerequisites present."
