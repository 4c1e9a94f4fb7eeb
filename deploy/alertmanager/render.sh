#!/bin/sh
# render.sh TEMPLATE OUTPUT: fills the ${ALERTMANAGER_*} placeholders of the Alertmanager config
# from the environment (Alertmanager itself does not read environment variables). POSIX sh and
# sed only, so that it runs inside the Alertmanager image. Fails when a placeholder has no value.
set -eu
template="$1" output="$2"
: "${ALERTMANAGER_SMTP_REQUIRE_TLS:=true}"
export ALERTMANAGER_SMTP_REQUIRE_TLS
script=""
for name in $(grep -o '\${ALERTMANAGER_[A-Z_]*}' "$template" | sort -u | tr -d '${}'); do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "render.sh: $name is not set" >&2
    exit 1
  fi
  # Escape what sed's replacement treats specially.
  value=$(printf '%s' "$value" | sed -e 's/[\\|&]/\\&/g')
  script="$script s|\${$name}|$value|g;"
done
sed -e "$script" "$template" >"$output"
