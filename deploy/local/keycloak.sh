#!/usr/bin/env bash
# Keycloak for local runs without containers: the distribution zip from Maven Central
# (org.keycloak:keycloak-quarkus-dist), unpacked once into $MOTCUA_CACHE, started in development
# mode with every realm file of deploy/keycloak/realms imported. The built (augmented) server
# stays in the cache; runtime state (an in-memory database, logs, PID) goes to $MOTCUA_RUN.
#
#   keycloak.sh fetch     download and unpack what is missing
#   keycloak.sh start     start Keycloak unless already answering; wait until the realms answer
#   keycloak.sh stop      stop what this script started (by saved PID)
#   keycloak.sh java      print the JAVA_HOME used for Keycloak (Java 21 or newer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
CACHE="${MOTCUA_CACHE:-$HOME/.cache/motcua}"
RUN="${MOTCUA_RUN:-$root/.run}"
VERSION="${MOTCUA_KEYCLOAK_VERSION:-26.7.3}"
PORT="${MOTCUA_KEYCLOAK_PORT:-8180}"
REALMS="$root/deploy/keycloak/realms"
DIST="$CACHE/keycloak/keycloak-$VERSION"
HOME_DIR="$RUN/keycloak/home"
mkdir -p "$CACHE/keycloak" "$RUN/logs"

log() { printf '[keycloak] %s\n' "$*" >&2; }
# shellcheck source=processes.sh
source "$here/processes.sh"

# Keycloak 26 needs Java 21+, while Kafka runs on the default JDK 17: find a newer JDK and use
# it for Keycloak alone.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }

find_java() {
  local candidate
  for candidate in "${MOTCUA_KEYCLOAK_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
    local major; major="$(java_major "$candidate")"
    if [[ -n "$major" ]] && (( major >= 21 )); then echo "$candidate"; return 0; fi
  done
  cat >&2 <<MSG
[keycloak] Keycloak $VERSION needs Java 21 or newer and none was found (looked at
[keycloak] \$MOTCUA_KEYCLOAK_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/* and java on the PATH).
[keycloak] Install one, e.g. on Debian: apt-get install openjdk-21-jdk-headless
[keycloak] (or a Temurin 21+), or point MOTCUA_KEYCLOAK_JAVA_HOME at one.
MSG
  return 1
}

fetch() {
  [[ -x "$DIST/bin/kc.sh" ]] && return 0
  log "fetching Keycloak $VERSION from Maven Central into $CACHE/keycloak"
  local zip="$CACHE/keycloak/keycloak-quarkus-dist-$VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" \
      -DoutputDirectory="$CACHE/keycloak"
  fi
  local tmp="$CACHE/keycloak/unpack-$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/keycloak-$VERSION" "$DIST" && rm -rf "$tmp" "$zip"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

realm_answers() {
  "${PYTHON:-python3}" -c "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:$PORT/realms/$1/.well-known/openid-configuration', timeout=2).status == 200 else 1)" 2>/dev/null
}

# A home of our own under $RUN (its data/ holds the realms to import and the development
# database), sharing the cached libraries, so the augmented build is made once and several
# checkouts do not collide. The database is kept between starts (creating its schema is the slow
# part of a start) until a realm file changes: then it is made afresh from the realm files.
prepare_home() {
  local stamp; stamp="$(cat "$REALMS"/*.json | sha256sum | cut -c1-16)"
  if [[ ! -f "$HOME_DIR/data/.realms-$stamp" ]]; then
    rm -rf "$HOME_DIR/data"
    mkdir -p "$HOME_DIR/data/import"
    cp "$REALMS"/*.json "$HOME_DIR/data/import/"
    touch "$HOME_DIR/data/.realms-$stamp"
  fi
  rm -rf "$HOME_DIR/bin" && cp -r "$DIST/bin" "$HOME_DIR/bin"
  local part
  for part in lib conf providers themes version.txt; do ln -sfn "$DIST/$part" "$HOME_DIR/$part"; done
}

admin_password() {
  local file="$RUN/keycloak-admin-password"
  if [[ ! -s "$file" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$file")
  fi
  cat "$file"
}

start() {
  if port_open "$PORT"; then
    realm_answers officials && { log "Keycloak already answering on :$PORT"; return 0; }
    log "port $PORT is taken by something that has no 'officials' realm"; exit 1
  fi
  fetch
  local java_home; java_home="$(find_java)"
  prepare_home
  log "starting Keycloak $VERSION on 127.0.0.1:$PORT (Java from $java_home)"
  JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx640m" \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(admin_password)" \
    launch keycloak "$HOME_DIR/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$PORT" \
      --import-realm
  await keycloak 600 realm_answers officials || exit 1
  log "Keycloak ready: http://127.0.0.1:$PORT (realm officials)"
}

stop() { stop_pid keycloak; }

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  java) find_java ;;
  *) echo "usage: $0 fetch|start|stop|java" >&2; exit 2 ;;
esac
