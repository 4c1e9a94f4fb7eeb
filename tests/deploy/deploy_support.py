"""Shared by the deploy/ tests: where things are, how to find the tools, and a small PromQL reader.

The PromQL reader lists the metric selectors of an expression (metric name and the label names
its matchers use) so the tests can hold every dashboard and rule to the metrics contract of
architecture.md §7. Whether an expression parses at all is left to promtool.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "motcua"
PROMETHEUS = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"
COMPOSE = DEPLOY / "compose"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"

SERVICES = {"intake": 8001, "workflow": 8002, "feedback": 8003}
# Secret settings a service refuses to start without, by service: compose and the chart must
# always provide them. Sign-in (MOTCUA_JWT_SECRET or MOTCUA_OIDC_JWKS_URL) is either-or and left to
# the chart's own check and the platform's error message.
REQUIRED_SETTINGS = {"intake": {"MOTCUA_PSEUDONYM_KEY"}, "feedback": {"MOTCUA_KIOSK_KEY"}}
START_UP_ERROR = re.compile(r'raise RuntimeError\(\s*f?"[^"]*?\b(MOTCUA_[A-Z0-9_]+)')
DATASOURCE_UID = "motcua-prometheus"


# --------------------------------------------------------------------------- tools


CACHE = Path(os.environ.get("MOTCUA_CACHE", Path.home() / ".cache" / "motcua"))


def tool(name: str) -> str:
    """Path of a validation tool: $MOTCUA_<NAME>, else the cache bin dir, else PATH.

    A missing tool fails the test: deploy/tools/install.sh installs them all.
    """
    override = os.environ.get(f"MOTCUA_{name.upper()}")
    if override:
        return override
    candidate = CACHE / "bin" / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(
        f"{name} not found in {CACHE / 'bin'} or on PATH: run deploy/tools/install.sh "
        f"(or point MOTCUA_{name.upper()} at it)"
    )


def uv() -> str:
    """The uv that runs the project: $UV (set by `uv run`), the Makefile's copy, or PATH."""
    for candidate in (os.environ.get("UV"), CACHE / "tools" / "bin" / "uv", shutil.which("uv")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail(f"uv not found: run `make install` (it installs uv into {CACHE / 'tools'})")


def run(
    cmd: list[str],
    *,
    stdin: str | None = None,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run a command; return it if it succeeded, else fail the test with its output."""
    done = subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def settings_named_by_start_up_errors(service: str) -> set[str]:
    """The first MOTCUA_* setting named by each ``raise RuntimeError("...")`` of a service.

    A tripwire, not a proof: a new required setting whose error message names it shows up here,
    and REQUIRED_SETTINGS must then list it.
    """
    src = REPO / "services" / service / "src"
    return {
        m.group(1)
        for path in sorted(src.rglob("*.py"))
        for m in START_UP_ERROR.finditer(path.read_text(encoding="utf-8"))
    }


# --------------------------------------------------------------------------- metrics contract

# architecture.md §7 plus the HTTP metrics and workflow's due-soon gauge (alerts.yml).
CONTRACT_LABELS: dict[str, set[str]] = {
    "motcua_dossiers_received_total": {"unit", "channel"},
    "motcua_dossiers_accepted_total": {"unit", "channel"},
    "motcua_dossiers_refused_total": {"unit", "channel"},
    "motcua_dossiers_prefilled_total": {"unit"},
    "motcua_dossiers_on_the_spot_total": {"unit"},
    "motcua_dossiers_finished_total": {"unit", "timeliness"},
    "motcua_unit_info": {"unit", "name", "parent"},
    "motcua_procedure_info": {"procedure", "name"},
    "motcua_dossiers_open": {"unit", "state"},
    "motcua_dossiers_due_soon": {"unit"},
    "motcua_supplements_requested_total": {"unit", "stage"},
    "motcua_ratings_total": {"unit", "level"},
    "motcua_complaints_open": {"unit", "state"},
    "motcua_events_published_total": {"service", "topic", "type"},
    "motcua_events_consumed_total": {"service", "type", "outcome"},
    "motcua_outbox_pending": {"service"},
    "motcua_broker_reachable": {"service"},
    "motcua_consumer_lag": {"service", "group", "topic", "partition"},
    "http_requests_total": {"service", "method", "path", "status"},
}
CONTRACT_HISTOGRAMS: dict[str, set[str]] = {
    "motcua_dossier_processing_working_hours": {"procedure"},
    "motcua_event_delay_seconds": {"service", "type"},
    "http_request_duration_seconds": {"service", "method", "path"},
}
# Labels Prometheus adds to every scraped series (and the operator in Kubernetes).
TARGET_LABELS = {"job", "instance", "namespace", "pod", "container", "endpoint"}
# Label values the contract fixes; a matcher on one of these labels must use them.
CONTRACT_VALUES = {
    "channel": {"counter", "online", "postal"},
    "timeliness": {"early", "on_time", "late"},
    "state": {"within", "overdue"},
    "stage": {"intake", "processing"},
    "level": {"very_satisfied", "satisfied", "dissatisfied"},
    "outcome": {"applied", "duplicate", "retried", "dead_lettered"},
}


def recording_rules() -> dict[str, str]:
    """Recorded series name -> expression, from deploy/prometheus/rules/recording.yml."""
    doc = yaml.safe_load((PROMETHEUS / "rules" / "recording.yml").read_text())
    return {r["record"]: r["expr"] for g in doc["groups"] for r in g["rules"]}


def alert_rules() -> dict[str, dict]:
    doc = yaml.safe_load((PROMETHEUS / "rules" / "alerts.yml").read_text())
    return {r["alert"]: r for g in doc["groups"] for r in g["rules"]}


def allowed_labels(metric: str) -> set[str] | None:
    """Label names a selector of `metric` may match on, or None if `metric` is not allowed."""
    if metric in CONTRACT_LABELS:
        return CONTRACT_LABELS[metric] | TARGET_LABELS
    for base, labels in CONTRACT_HISTOGRAMS.items():
        if metric == f"{base}_bucket":
            return labels | TARGET_LABELS | {"le"}
        if metric in (f"{base}_sum", f"{base}_count"):
            return labels | TARGET_LABELS
    if metric in recording_rules():
        # level:metric:operations: the level names the labels kept (unit_channel: unit, channel).
        level = metric.split(":", 1)[0]
        return {"unit", "channel", "timeliness", "level", "state"} & set(level.split("_"))
    if metric == "up":
        return TARGET_LABELS | {"service"}
    if metric.startswith("faststream_"):
        return {
            "app_name",
            "broker",
            "handler",
            "destination",
            "status",
            "exception_type",
            "le",
        } | TARGET_LABELS
    return None


# --------------------------------------------------------------------------- PromQL reader

KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "offset",
    "bool",
    "and",
    "or",
    "unless",
    "atan2",
    "inf",
    "nan",
    "start",
    "end",
}
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
}
TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
      | (?P<number>[0-9][0-9a-zA-Z_.]*|\.[0-9]+)
      | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
      | (?P<var>\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?)
      | (?P<op>=~|!~|!=|==|>=|<=|[-+*/%^<>=(){}\[\],:@])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[tuple[str, str, str], ...]  # (label, op, value)


def _tokens(expr: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read PromQL at {expr[pos : pos + 20]!r} in {expr!r}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def selectors(expr: str) -> Iterator[Selector]:
    """The metric selectors of a PromQL expression, in order."""
    toks = _tokens(expr)
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if kind == "op" and text == "[":  # range or subquery: durations and $__range
            while toks[i][1] != "]":
                i += 1
        elif kind == "ident" and text in LABEL_LIST_KEYWORDS and nxt == "(":
            while toks[i][1] != ")":
                i += 1
        elif kind == "ident" and text in AGGREGATIONS and nxt in ("by", "without"):
            pass  # `sum by (unit) (...)`: the label list is skipped on the next round
        elif kind == "ident" and text not in KEYWORDS and nxt != "(":
            matchers: list[tuple[str, str, str]] = []
            if nxt == "{":
                i += 2
                while toks[i][1] != "}":
                    if toks[i][1] == ",":
                        i += 1
                        continue
                    label, op, value = toks[i][1], toks[i + 1][1], toks[i + 2][1]
                    matchers.append((label, op, value[1:-1]))
                    i += 3
            yield Selector(text, tuple(matchers))
        elif kind == "var":
            raise ValueError(f"template variable {text} outside a string or range in {expr!r}")
        i += 1


def substitute(expr: str, values: dict[str, str] | None = None) -> str:
    """Replace Grafana's variables with values Prometheus accepts (for parsing or running)."""
    values = {"__range": "1d", "__rate_interval": "1m", "__interval": "1m", **(values or {})}
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), ".*"), expr)


# --------------------------------------------------------------------------- dashboards


def dashboards() -> dict[str, dict]:
    return {
        p.name: json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))
    }


def panels(dashboard: dict) -> Iterator[dict]:
    """Every panel, including those inside collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def dashboard_queries() -> Iterator[tuple[str, str, str]]:
    """(dashboard file, panel or variable title, PromQL) for every query of every dashboard.

    Variable queries are Grafana's label_values(<selector>, <label>) (the selector is returned) or
    query_result(<expr>) (the expression is returned).
    """
    for name, board in dashboards().items():
        for panel in panels(board):
            for target in panel.get("targets", []):
                yield name, panel["title"], target["expr"]
        for var in board.get("templating", {}).get("list", []):
            query = var.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            m = re.fullmatch(r"label_values\((?:(?P<sel>.+),\s*)?(?P<label>\w+)\)", query or "")
            if m and m.group("sel"):
                yield name, f"${var['name']}", m.group("sel")
            m = re.fullmatch(r"query_result\((?P<expr>.+)\)", query or "", re.S)
            if m:
                yield name, f"${var['name']}", m.group("expr")


# Where alerts go: the relay and addresses every chart installation names.
ALERTMANAGER_SETTINGS = [
    "--set-string",
    "alertmanager.smtp.smarthost=smtp.example.gov.vn:25",
    "--set-string",
    "alertmanager.smtp.from=motcua@example.gov.vn",
    "--set-string",
    "alertmanager.email.platform=cntt@example.gov.vn",
    "--set-string",
    "alertmanager.email.counter=lanhdao@example.gov.vn",
    "--set-string",
    "alertmanager.webhookUrl=https://chat.example.gov.vn/hooks/motcua",
]

# What an operator must supply (secret.create) or point to (secret.existingSecret).
HELM_SECRETS = [
    "--set-string",
    "secret.mongoUrl=mongodb://mongo-0.mongo:27017/?replicaSet=rs0",
    "--set-string",
    "secret.pseudonymKey=test-pseudonym-key",
    "--set-string",
    "secret.kioskKey=test-kiosk-key-of-32-characters",
    "--set-string",
    "secret.jwtSecret=test-signing-key",
    *ALERTMANAGER_SETTINGS,
]


def helm_template(*args: str) -> subprocess.CompletedProcess[str]:
    """``helm template`` of the chart as release ``motcua`` in namespace ``motcua``."""
    return subprocess.run(
        [tool("helm"), "template", "motcua", str(CHART), "--namespace", "motcua", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def objects_by_kind_and_name(manifests: str) -> dict[tuple[str, str], dict]:
    """The rendered objects keyed by (kind, metadata.name)."""
    docs = [d for d in yaml.safe_load_all(manifests) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}
