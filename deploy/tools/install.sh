#!/usr/bin/env bash
# Installs the tools that validate deploy/ into "${MOTCUA_CACHE:-$HOME/.cache/motcua}/bin":
#
#   helm         built from its Go module (helm.sh/helm/v3) with the local Go toolchain
#   k8svalidate  our strict manifest validator (deploy/tools/k8svalidate), built with go build
#   promtool     Debian's prometheus package (also gives `prometheus`), linked into the bin dir
#   amtool       Debian's prometheus-alertmanager package (also gives `alertmanager`), linked too
#
# Idempotent: a tool already at the wanted version is left alone, so a second run takes a moment.
# Nothing here downloads a prebuilt binary; only the Go module proxy and Debian's archive are used.
set -euo pipefail

HELM_VERSION="v3.22.0"
# Helm's Makefile stamps the Kubernetes version its client libraries speak (k8s.io/client-go
# v0.37 -> 1.37) into `helm template` and `helm lint`; `go install` must do the same, or Helm
# assumes Kubernetes 1.20 and refuses charts that need newer APIs.
HELM_KUBE_MINOR="37"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${MOTCUA_CACHE:-$HOME/.cache/motcua}"
bin="$cache/bin"
mkdir -p "$bin"

log() { printf 'install.sh: %s\n' "$*" >&2; }

need_go() {
    command -v go >/dev/null 2>&1 || { log "Go is required (https://go.dev/doc/install)"; exit 1; }
}

install_helm() {
    local stamp="$bin/.helm.build" build="$HELM_VERSION kube-1.$HELM_KUBE_MINOR" ldflags x
    if [[ -x "$bin/helm" && -f "$stamp" && "$(cat "$stamp")" == "$build" ]]; then
        return
    fi
    need_go
    log "building helm $HELM_VERSION from the Go module proxy (about a minute on a cold cache)"
    ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
    for x in pkg/chartutil pkg/lint/rules; do
        ldflags+=" -X helm.sh/helm/v3/$x.k8sVersionMajor=1 -X helm.sh/helm/v3/$x.k8sVersionMinor=$HELM_KUBE_MINOR"
    done
    GOBIN="$bin" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    printf '%s\n' "$build" >"$stamp"
}

install_k8svalidate() {
    local src="$here/k8svalidate" stamp="$bin/.k8svalidate.sha256" sum
    sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -d' ' -f1)"
    if [[ -x "$bin/k8svalidate" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
        return
    fi
    need_go
    log "building k8svalidate"
    (cd "$src" && go build -trimpath -o "$bin/k8svalidate" .)
    printf '%s\n' "$sum" >"$stamp"
}

install_promtool() {
    if ! command -v promtool >/dev/null 2>&1; then
        if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
            log "promtool is missing: install Debian's package as root: apt-get install prometheus"
            exit 1
        fi
        log "installing Debian's prometheus package (promtool)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends prometheus >/dev/null ||
            { apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus >/dev/null; }
    fi
    local tool path
    for tool in promtool prometheus; do
        path="$(command -v "$tool")" || continue
        [[ "$path" == "$bin/$tool" ]] || ln -sfn "$path" "$bin/$tool"
    done
}

install_alertmanager() {
    if ! command -v amtool >/dev/null 2>&1; then
        if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
            log "amtool is missing: install Debian's package as root: apt-get install prometheus-alertmanager"
            exit 1
        fi
        log "installing Debian's prometheus-alertmanager package (amtool)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends prometheus-alertmanager >/dev/null ||
            { apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus-alertmanager >/dev/null; }
    fi
    ln -sfn "$(command -v amtool)" "$bin/amtool"
    local server
    server="$(command -v prometheus-alertmanager || command -v alertmanager)"
    [[ "$server" == "$bin/alertmanager" ]] || ln -sfn "$server" "$bin/alertmanager"
}

install_helm
install_k8svalidate
install_promtool
install_alertmanager

log "ready in $bin: $("$bin/helm" version --template '{{.Version}}'), k8svalidate, $("$bin/promtool" --version 2>&1 | sed -n 1p), amtool"
