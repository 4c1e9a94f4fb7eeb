#!/usr/bin/env bash
# Local infrastructure without containers: Apache Kafka (KRaft, jars from Maven Central) and
# FerretDB (MongoDB wire protocol over SQLite, built as a Go dependency). Everything downloaded or
# built goes to $MOTCUA_CACHE and is reused; runtime state (PIDs, logs, data) goes to $MOTCUA_RUN.
#
#   infra.sh fetch            download/build what is missing
#   infra.sh start            start Kafka and FerretDB unless already answering; wait until ready
#   infra.sh stop             stop what this script started (by saved PID)
#   infra.sh status
#   infra.sh ferretdb-bin     build FerretDB if missing and print its path (tests start their own)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${MOTCUA_CACHE:-$HOME/.cache/motcua}"
RUN="${MOTCUA_RUN:-$here/../../.run}"
KAFKA_PORT="${MOTCUA_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${MOTCUA_KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${MOTCUA_MONGO_PORT:-27017}"
KAFKA_LIBS="$CACHE/kafka/libs"
# One binary per version of its sources, so checkouts with different versions never replace each
# other's binary (nor one that is running).
FERRETDB_HASH="$(cat "$here"/ferretdb/go.mod "$here"/ferretdb/go.sum "$here"/ferretdb/*.go \
  "$here"/ferretdb/*.sh | sha256sum | cut -c1-16)"
FERRETDB_BIN="$CACHE/bin/ferretdb-$FERRETDB_HASH"
mkdir -p "$CACHE" "$RUN"

log() { printf '[infra] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch_kafka() {
  local stamp="$KAFKA_LIBS/.pom-$(sha256sum "$here/kafka/pom.xml" | cut -c1-16)"
  [[ -f "$stamp" ]] && return 0
  log "fetching Kafka jars from Maven Central into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime
  touch "$stamp"
}

fetch_ferretdb() {
  local src="$here/ferretdb"
  [[ -x "$FERRETDB_BIN" ]] && return 0
  log "building FerretDB into $FERRETDB_BIN"
  # Built from a vendored copy (in the cache, never in git) so that one line can be patched.
  local build="$CACHE/ferretdb-build-$FERRETDB_HASH"
  rm -rf "$build" && mkdir -p "$build" "$CACHE/bin"
  cp "$src"/go.mod "$src"/go.sum "$src"/*.go "$src"/*.sh "$build/"
  (cd "$build" && GOFLAGS=-mod=mod go mod vendor && ./patch-id-lookups.sh \
    && go build -mod=vendor -trimpath -o "$FERRETDB_BIN.tmp" . && mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN")
  rm -rf "$build"
}

java_cmd() {
  if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

start_kafka() {
  if port_open "$KAFKA_PORT"; then log "Kafka already answering on :$KAFKA_PORT"; return 0; fi
  local dir="$RUN/kafka" java; java="$(java_cmd)"
  mkdir -p "$dir/data"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
      -e "s#@DATA_DIR@#$dir/data#g" "$here/kafka/server.properties.in" > "$dir/server.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$("$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    "$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$dir/server.properties" --standalone --ignore-formatted >"$dir/format.log" 2>&1 \
      || "$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cluster_id" \
           -c "$dir/server.properties" --ignore-formatted >>"$dir/format.log" 2>&1
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  nohup "$java" -Xms256m -Xmx768m -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! >"$RUN/kafka.pid"
}

start_ferretdb() {
  if port_open "$MONGO_PORT"; then log "MongoDB wire server already answering on :$MONGO_PORT"; return 0; fi
  local dir="$RUN/ferretdb"
  mkdir -p "$dir/data"
  log "starting FerretDB on 127.0.0.1:$MONGO_PORT"
  nohup "$FERRETDB_BIN" -listen "127.0.0.1:$MONGO_PORT" -data "$dir/data" >"$dir/ferretdb.log" 2>&1 &
  echo $! >"$RUN/ferretdb.pid"
}

wait_ready() {
  local deadline=$((SECONDS + 120))
  until port_open "$MONGO_PORT"; do
    (( SECONDS < deadline )) || { log "FerretDB did not start"; tail -20 "$RUN/ferretdb/ferretdb.log" >&2; exit 1; }
    sleep 0.3
  done
  # Kafka is ready when a metadata request succeeds, not merely when the port is open.
  until "${PYTHON:-python3}" "$here/kafka_ready.py" "127.0.0.1:$KAFKA_PORT" 2>/dev/null; do
    (( SECONDS < deadline )) || { log "Kafka did not become ready"; tail -30 "$RUN/kafka/kafka.log" >&2; exit 1; }
    sleep 0.5
  done
  log "Kafka 127.0.0.1:$KAFKA_PORT and FerretDB 127.0.0.1:$MONGO_PORT are ready"
}

stop_pid() {
  local name="$1" file="$RUN/$1.pid"
  [[ -f "$file" ]] || return 0
  local pid; pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

case "${1:-}" in
  fetch) fetch_kafka; fetch_ferretdb ;;
  ferretdb-bin) fetch_ferretdb; echo "$FERRETDB_BIN" ;;
  start) fetch_kafka; fetch_ferretdb; start_ferretdb; start_kafka; wait_ready ;;
  stop) stop_pid kafka; stop_pid ferretdb ;;
  status)
    port_open "$KAFKA_PORT" && echo "kafka: up on :$KAFKA_PORT" || echo "kafka: down"
    port_open "$MONGO_PORT" && echo "mongodb-wire: up on :$MONGO_PORT" || echo "mongodb-wire: down" ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
