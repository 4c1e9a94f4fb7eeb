#!/usr/bin/env bash
# timed.sh LABEL COMMAND...  runs COMMAND and reports how long it took, so that a first run that
# downloads and builds for minutes shows where it is instead of looking stuck.
set -uo pipefail
label="$1"; shift
printf '[step] %s ...\n' "$label" >&2
start=$SECONDS
"$@"
status=$?
elapsed=$((SECONDS - start))
if ((status == 0)); then
  printf '[step] %s: done in %dm%02ds\n' "$label" $((elapsed / 60)) $((elapsed % 60)) >&2
else
  printf '[step] %s: FAILED after %dm%02ds (exit %d)\n' "$label" $((elapsed / 60)) $((elapsed % 60)) "$status" >&2
fi
exit "$status"
