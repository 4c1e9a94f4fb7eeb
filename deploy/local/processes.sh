# Background processes tracked by PID files in $RUN, for the local start scripts. Sourced, not run:
# the caller defines RUN and log().

# alive NAME: the process of $RUN/NAME.pid is running.
alive() { [[ -f "$RUN/$1.pid" ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# launch NAME COMMAND...: run COMMAND in the background, its output in $RUN/logs/NAME.log.
launch() {
  local name="$1"; shift
  nohup "$@" >"$RUN/logs/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# await NAME SECONDS CHECK...: wait until CHECK succeeds; fail (showing the log's end) if the
# process dies or SECONDS pass first.
await() {
  local name="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    if ! alive "$name" || (( SECONDS > deadline )); then
      log "$name did not become ready; last log lines:"; tail -20 "$RUN/logs/$name.log" >&2
      return 1
    fi
    sleep 0.3
  done
}

# stop_pid NAME: stop the process of $RUN/NAME.pid (TERM, then KILL after 20 s).
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
