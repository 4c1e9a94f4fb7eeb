#!/usr/bin/env bash
# Local infrastructure without containers: Apache Kafka (KRaft, jars from Maven Central),
# FerretDB (MongoDB wire protocol, built as a Go dependency) over Debian's PostgreSQL (or over
# SQLite with MOTCUA_MONGO_BACKEND=sqlite), and an S3-compatible object server (gofakes3 over a
# bbolt file, built the same way). Everything downloaded or built goes to $MOTCUA_CACHE and is
# reused; runtime state (PIDs, logs, data) goes to $MOTCUA_RUN.
#
#   infra.sh fetch            download/build what is missing
#   infra.sh start            start Kafka, PostgreSQL, FerretDB and the object server unless
#                             already answering; wait until ready
#   infra.sh stop             stop what this script started (by saved PID)
#   infra.sh status
#   infra.sh ferretdb-bin     build FerretDB if missing and print its path (tests start their own)
#   infra.sh objectstore-bin  the same for the object server
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${MOTCUA_CACHE:-$HOME/.cache/motcua}"
RUN="${MOTCUA_RUN:-$here/../../.run}"
KAFKA_PORT="${MOTCUA_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${MOTCUA_KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${MOTCUA_MONGO_PORT:-27017}"
S3_PORT="${MOTCUA_S3_PORT:-8333}"
S3_BUCKET="${MOTCUA_S3_BUCKET:-motcua-local}"
MONGO_BACKEND="${MOTCUA_MONGO_BACKEND:-postgresql}"
POSTGRES_PORT="${MOTCUA_POSTGRES_PORT:-55432}"
POSTGRES_OPTIONS="${MOTCUA_POSTGRES_OPTIONS:-}"  # more server settings, e.g. for tests: -c name=value
KAFKA_LIBS="$CACHE/kafka/libs"
# One binary per version of its sources, so checkouts with different versions never replace each
# other's binary (nor one that is running).
FERRETDB_HASH="$(cat "$here"/ferretdb/go.mod "$here"/ferretdb/go.sum "$here"/ferretdb/*.go \
  "$here"/ferretdb/*.sh "$here"/ferretdb/*.patch | sha256sum | cut -c1-16)"
FERRETDB_BIN="$CACHE/bin/ferretdb-$FERRETDB_HASH"
OBJECTSTORE_HASH="$(cat "$here"/objectstore/go.mod "$here"/objectstore/go.sum \
  "$here"/objectstore/*.go | sha256sum | cut -c1-16)"
OBJECTSTORE_BIN="$CACHE/bin/objectstore-$OBJECTSTORE_HASH"
mkdir -p "$CACHE" "$RUN"

log() { printf '[infra] %s\n' "$*" >&2; }
# shellcheck source=processes.sh
source "$here/processes.sh"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch_kafka() {
  local stamp="$KAFKA_LIBS/.pom-$(sha256sum "$here/kafka/pom.xml" | cut -c1-16)"
  [[ -f "$stamp" ]] && return 0
  rm -rf "$KAFKA_LIBS"
  "$here/timed.sh" "fetching Kafka's jars from Maven Central (first run only, about a minute)" \
    mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime
  touch "$stamp"
}

fetch_ferretdb() {
  local src="$here/ferretdb"
  [[ -x "$FERRETDB_BIN" ]] && return 0
  # Built from a vendored copy (in the cache, never in git) so that it can be patched: _id lookups
  # on SQLite, and equality filters on PostgreSQL, that use the collection's indexes; an update
  # command of many statements that closes each statement's query (bulk writes); the limit of a
  # find by one boolean flag sent to PostgreSQL with its filter (outbox and catch-up polls); stored
  # documents decoded with goccy/go-json instead of encoding/json (twice as fast).
  local build="$CACHE/ferretdb-build-$FERRETDB_HASH"
  rm -rf "$build" && mkdir -p "$build" "$CACHE/bin"
  cp "$src"/go.mod "$src"/go.sum "$src"/*.go "$src"/*.sh "$src"/*.patch "$build/"
  (cd "$build" && "$here/timed.sh" "downloading FerretDB's Go modules (first run only)" \
      env GOFLAGS=-mod=mod go mod vendor && ./patch-id-lookups.sh \
    && patch -s -p1 -d vendor/github.com/FerretDB/FerretDB <postgresql-pushdown.patch \
    && patch -s -p1 -d vendor/github.com/FerretDB/FerretDB <update-statements.patch \
    && patch -s -p1 -d vendor/github.com/FerretDB/FerretDB <find-limit.patch \
    && patch -s -p1 -d vendor/github.com/FerretDB/FerretDB <sjson-decoder.patch \
    && "$here/timed.sh" "building FerretDB with Go (first run only, one to three minutes)" \
      go build -mod=vendor -trimpath -o "$FERRETDB_BIN.tmp" . && mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN")
  rm -rf "$build"
}

fetch_objectstore() {
  [[ -x "$OBJECTSTORE_BIN" ]] && return 0
  log "building the S3-compatible object server into $OBJECTSTORE_BIN"
  mkdir -p "$CACHE/bin"
  (cd "$here/objectstore" && go build -trimpath -o "$OBJECTSTORE_BIN.tmp" . \
    && mv "$OBJECTSTORE_BIN.tmp" "$OBJECTSTORE_BIN")
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

postgres_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -x "$bin/postgres" ]] || { log "PostgreSQL is missing: make postgres installs Debian's package"; exit 1; }
  echo "$bin"
}

# PostgreSQL refuses to run as root; as root it runs as the unprivileged account Debian's package
# creates.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The data lives in the run folder; when the unprivileged account cannot reach it (a checkout in a
# private home directory), in a folder of the system's temporary directory named after it.
postgres_dir() {
  if [[ $EUID -ne 0 ]] || runuser -u postgres -- test -x "$RUN"; then
    echo "$RUN/postgres"
  else
    echo "${TMPDIR:-/tmp}/motcua-postgres-$(printf %s "$RUN" | sha256sum | cut -c1-12)"
  fi
}

start_postgres() {
  [[ "$MONGO_BACKEND" == postgresql ]] || return 0
  if port_open "$MONGO_PORT"; then return 0; fi  # FerretDB is up, so is its database
  if port_open "$POSTGRES_PORT"; then log "PostgreSQL already answering on :$POSTGRES_PORT"; return 0; fi
  local dir bin
  dir="$(postgres_dir)"
  bin="$(postgres_bin)"
  mkdir -p "$dir"
  [[ $EUID -eq 0 ]] && chown postgres: "$dir"
  chmod 700 "$dir"
  as_postgres test -w "$dir" || { log "the postgres account cannot write $dir; set MOTCUA_RUN"; exit 1; }
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    as_postgres "$bin/initdb" -D "$dir/data" -U motcua --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { log "initdb failed"; cat "$dir/initdb.log" >&2; exit 1; }
  fi
  log "starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT"
  # Loopback only, trusted (like the local FerretDB itself). synchronous_commit=off: a commit is
  # on disk within a fraction of a second rather than before it returns; local runs trade that
  # window for writes that do not wait for an fsync each. The rest makes the planner use an index
  # whenever one answers the statement, as MongoDB does: FerretDB's documents live out of line
  # (TOAST), so a table looks small and a sequential scan cheap while every row it reads must be
  # fetched and decoded — 240 ms per relay poll at 10,000 dossiers. Statistics are refreshed
  # every 10 s after 5 % of a table changed (a bulk import no longer keeps those of its empty
  # start), random reads are priced as on a solid-state disk, and the GIN indexes' list of
  # not-yet-merged entries, which every search reads through, stays short.
  local tuning="-c enable_seqscan=off -c random_page_cost=1.1 -c gin_pending_list_limit=256kB"
  tuning+=" -c autovacuum_naptime=10s -c autovacuum_analyze_scale_factor=0.05"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $dir -c synchronous_commit=off $tuning $POSTGRES_OPTIONS" \
    >/dev/null
  touch "$RUN/postgres.started"
  if [[ -z "$(as_postgres "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U motcua -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" ]]; then
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U motcua ferretdb
  fi
}

stop_postgres() {
  [[ -f "$RUN/postgres.started" ]] || return 0
  local bin
  bin="$(postgres_bin)"
  local dir
  dir="$(postgres_dir)"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    log "stopping PostgreSQL"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -f "$RUN/postgres.started"
}

start_ferretdb() {
  if port_open "$MONGO_PORT"; then log "MongoDB wire server already answering on :$MONGO_PORT"; return 0; fi
  local dir="$RUN/ferretdb" storage
  mkdir -p "$dir/data"
  if [[ "$MONGO_BACKEND" == postgresql ]]; then
    storage=(-backend postgresql -postgresql-url "postgres://motcua@127.0.0.1:$POSTGRES_PORT/ferretdb")
  else
    storage=(-backend sqlite -data "$dir/data")
  fi
  log "starting FerretDB on 127.0.0.1:$MONGO_PORT over $MONGO_BACKEND"
  # The benchmark profiles FerretDB's CPU through Go's profiler; nothing else turns it on.
  [[ -n "${MOTCUA_FERRETDB_PROFILE_PORT:-}" ]] \
    && storage+=(-profile-addr "127.0.0.1:$MOTCUA_FERRETDB_PROFILE_PORT")
  # FerretDB allocates for every document it decodes, and with Go's default GOGC=100 its garbage
  # collector took most of its CPU (the benchmark's profile). Collecting when the heap is 9× the
  # live data instead of 2× cut its CPU for a read of 400 rows by 44% and the read's time by a third,
  # for 63 MB instead of 30 MB resident; the memory limit makes it collect sooner before it grows
  # past that.
  GOGC="${MOTCUA_FERRETDB_GOGC:-800}" GOMEMLIMIT="${MOTCUA_FERRETDB_MEMORY:-512MiB}" \
    nohup "$FERRETDB_BIN" -listen "127.0.0.1:$MONGO_PORT" "${storage[@]}" >"$dir/ferretdb.log" 2>&1 &
  echo $! >"$RUN/ferretdb.pid"
}

start_objectstore() {
  if port_open "$S3_PORT"; then log "object server already answering on :$S3_PORT"; return 0; fi
  # The data file lives in the run folder, so stored documents survive a restart.
  local dir="$RUN/objectstore"
  mkdir -p "$dir"
  log "starting the object server (S3 API) on 127.0.0.1:$S3_PORT"
  nohup "$OBJECTSTORE_BIN" -listen "127.0.0.1:$S3_PORT" -db "$dir/objects.db" \
    -bucket "$S3_BUCKET" >"$dir/objectstore.log" 2>&1 &
  echo $! >"$RUN/objectstore.pid"
}

wait_ready() {
  local deadline=$((SECONDS + 120))
  until port_open "$MONGO_PORT"; do
    (( SECONDS < deadline )) || { log "FerretDB did not start"; tail -20 "$RUN/ferretdb/ferretdb.log" >&2; exit 1; }
    sleep 0.3
  done
  until port_open "$S3_PORT"; do
    (( SECONDS < deadline )) || { log "object server did not start"; tail -20 "$RUN/objectstore/objectstore.log" >&2; exit 1; }
    sleep 0.2
  done
  # Kafka is ready when a metadata request succeeds, not merely when the port is open.
  until "${PYTHON:-python3}" "$here/kafka_ready.py" "127.0.0.1:$KAFKA_PORT" 2>/dev/null; do
    (( SECONDS < deadline )) || { log "Kafka did not become ready"; tail -30 "$RUN/kafka/kafka.log" >&2; exit 1; }
    sleep 0.5
  done
  log "Kafka 127.0.0.1:$KAFKA_PORT, FerretDB 127.0.0.1:$MONGO_PORT and S3 127.0.0.1:$S3_PORT are ready"
}

case "${1:-}" in
  fetch) fetch_kafka; fetch_ferretdb; fetch_objectstore ;;
  ferretdb-bin) fetch_ferretdb; echo "$FERRETDB_BIN" ;;
  objectstore-bin) fetch_objectstore; echo "$OBJECTSTORE_BIN" ;;
  start)
    fetch_kafka; fetch_ferretdb; fetch_objectstore
    start_postgres; start_ferretdb; start_kafka; start_objectstore; wait_ready ;;
  stop) stop_pid kafka; stop_pid ferretdb; stop_pid objectstore; stop_postgres ;;
  status)
    port_open "$KAFKA_PORT" && echo "kafka: up on :$KAFKA_PORT" || echo "kafka: down"
    port_open "$MONGO_PORT" && echo "mongodb-wire: up on :$MONGO_PORT" || echo "mongodb-wire: down"
    port_open "$S3_PORT" && echo "object server: up on :$S3_PORT" || echo "object server: down" ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
