"""deploy/alertmanager: the alerts reach a person.

The one config is rendered as compose renders it (render.sh with .env.example's values) and as the
chart renders it, checked by amtool, routed alert by alert, and finally run: a real Alertmanager
delivers to a local SMTP server and a local webhook, and holds symptoms back while their cause
fires.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml
from aiosmtpd.controller import Controller
from deploy_support import CHART, COMPOSE, DEPLOY, alert_rules, run, tool
from test_compose_stack import documented_variables
from test_helm_chart import objects, render

ALERTMANAGER = DEPLOY / "alertmanager"
TEMPLATE = ALERTMANAGER / "alertmanager.yml"


def render_as_compose(tmp_path: Path, **overrides: str) -> Path:
    env = {k: v for k, v in documented_variables().items() if k.startswith("ALERTMANAGER_")}
    env.update(overrides)
    out = tmp_path / "alertmanager.yml"
    run(["sh", str(ALERTMANAGER / "render.sh"), str(TEMPLATE), str(out)], env={**os.environ, **env})
    return out


def check_config(path: Path) -> str:
    return run([tool("amtool"), "check-config", str(path)]).stdout


def test_compose_renders_a_valid_config_from_env_example(tmp_path: Path):
    out = check_config(render_as_compose(tmp_path))
    assert "SUCCESS" in out and "3 receivers" in out and "2 inhibit rules" in out
    text = (tmp_path / "alertmanager.yml").read_text()
    assert "${ALERTMANAGER_" not in text and "smtp.example.gov.vn:25" in text


def test_compose_refuses_to_start_with_a_setting_missing(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALERTMANAGER_")}
    done = subprocess.run(
        ["sh", str(ALERTMANAGER / "render.sh"), str(TEMPLATE), str(tmp_path / "out.yml")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "ALERTMANAGER_" in done.stderr


def chart_config() -> dict:
    docs = objects(render("values.yaml"))
    [secret] = [
        d for d in docs if d["kind"] == "Secret" and "alertmanager" in d["metadata"]["name"]
    ]
    return yaml.safe_load(secret["stringData"]["alertmanager.yml"])


def test_chart_config_is_valid_and_has_the_same_routes_and_inhibitions(tmp_path: Path):
    config = chart_config()
    path = tmp_path / "chart.yml"
    path.write_text(yaml.safe_dump(config))
    assert "SUCCESS" in check_config(path)
    compose = yaml.safe_load(render_as_compose(tmp_path).read_text())
    assert config["route"] == compose["route"]
    assert config["inhibit_rules"] == compose["inhibit_rules"]
    assert config["global"]["smtp_smarthost"] == "smtp.example.gov.vn:25"
    assert config["receivers"][0]["webhook_configs"][0]["url"].startswith("https://chat.")


def test_chart_and_compose_point_prometheus_at_alertmanager():
    prometheus = yaml.safe_load((COMPOSE / "prometheus.yml").read_text())
    [targets] = [
        sc["targets"]
        for am in prometheus["alerting"]["alertmanagers"]
        for sc in am["static_configs"]
    ]
    assert targets == ["alertmanager:9093"]
    docs = objects(render("values.yaml"))
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    assert services["motcua-alertmanager"]["spec"]["ports"][0]["port"] == 9093
    assert (CHART / "files" / "alertmanager").resolve() == ALERTMANAGER.resolve()


def receiver_of(config: Path, labels: dict[str, str]) -> str:
    done = run(
        [
            tool("amtool"),
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            *(f"{k}={v}" for k, v in labels.items()),
        ]
    )
    return done.stdout.strip()


@pytest.mark.parametrize("alert", sorted(alert_rules()))
def test_every_alert_is_routed_by_severity_and_team(tmp_path: Path, alert: str):
    labels = alert_rules()[alert]["labels"]
    expected = (
        "oncall"
        if labels["severity"] == "critical"
        else {"counter": "counter"}.get(labels["team"], "platform")
    )
    got = receiver_of(render_as_compose(tmp_path), {"alertname": alert, **labels})
    assert got == expected


# --------------------------------------------------------------------------- a real Alertmanager


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        subject = message_from_bytes(envelope.content)["Subject"] or ""
        self.messages.append((list(envelope.rcpt_tos), subject))
        return "250 OK"


class Webhook(BaseHTTPRequestHandler):
    received: list[dict]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def running(tmp_path: Path) -> Iterator[dict]:
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    received: list[dict] = []
    hook = ThreadingHTTPServer(("127.0.0.1", 0), type("Hook", (Webhook,), {"received": received}))
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    config = render_as_compose(
        tmp_path,
        ALERTMANAGER_SMTP_SMARTHOST=f"127.0.0.1:{smtp.port}",
        ALERTMANAGER_SMTP_REQUIRE_TLS="false",
        ALERTMANAGER_WEBHOOK_URL=f"http://127.0.0.1:{hook.server_port}/hook",
    )
    # Deliver within a second instead of after minutes of grouping: routing is under test here.
    spec = yaml.safe_load(config.read_text())
    for route in [spec["route"], *spec["route"]["routes"]]:
        route["group_wait"] = "1s"
    config.write_text(yaml.safe_dump(spec))
    port = free_port()
    process = subprocess.Popen(
        [
            tool("alertmanager"),
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "alertmanager.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "alertmanager.log").read_text()
            time.sleep(0.2)
        yield {"url": url, "mail": mailbox.messages, "hook": received}
    finally:
        process.terminate()
        process.wait(timeout=10)
        hook.shutdown()
        smtp.stop()


def fire(url: str, *alerts: dict[str, str]) -> None:
    body = [
        {"labels": labels, "annotations": {"summary": labels["alertname"]}} for labels in alerts
    ]
    assert httpx.post(f"{url}/api/v2/alerts", json=body, timeout=5).status_code == 200


def wait_for(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_alerts_reach_mailboxes_and_webhook_and_symptoms_are_held_back(running: dict):
    env = documented_variables()
    intake = {"team": "platform", "service": "intake", "job": "motcua-intake"}
    fire(
        running["url"],
        {"alertname": "MotcuaServiceDown", "severity": "critical", **intake},
        {"alertname": "MotcuaInstanceDown", "severity": "warning", "instance": "i-2", **intake},
        {"alertname": "MotcuaOutboxNotDraining", "severity": "warning", **intake},
        # Same symptom on another service: its cause is not firing, so it is sent.
        {
            "alertname": "MotcuaOutboxNotDraining",
            "severity": "warning",
            "team": "platform",
            "service": "feedback",
        },
        {
            "alertname": "MotcuaDossiersDueSoon",
            "severity": "warning",
            "team": "counter",
            "unit": "H15.01.36",
        },
    )
    wait_for(lambda: len(running["mail"]) >= 3 and running["hook"], "3 e-mails and a webhook call")

    [call] = running["hook"]
    assert [a["labels"]["alertname"] for a in call["alerts"]] == ["MotcuaServiceDown"]
    by_recipient = {rcpt: subject for rcpts, subject in running["mail"] for rcpt in rcpts}
    assert "MotcuaDossiersDueSoon" in by_recipient[env["ALERTMANAGER_COUNTER_EMAIL"]]
    platform = [s for rcpts, s in running["mail"] if env["ALERTMANAGER_PLATFORM_EMAIL"] in rcpts]
    assert any("MotcuaServiceDown" in s for s in platform)
    assert any("MotcuaOutboxNotDraining" in s for s in platform)
    assert not any("MotcuaInstanceDown" in s for s in platform)

    alerts = httpx.get(f"{running['url']}/api/v2/alerts", timeout=5).json()
    state = {(a["labels"]["alertname"], a["labels"].get("service")): a["status"] for a in alerts}
    assert state[("MotcuaInstanceDown", "intake")]["inhibitedBy"]
    assert state[("MotcuaOutboxNotDraining", "intake")]["inhibitedBy"]
    assert not state[("MotcuaOutboxNotDraining", "feedback")]["inhibitedBy"]
    assert not state[("MotcuaServiceDown", "intake")]["inhibitedBy"]
