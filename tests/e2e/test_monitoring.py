"""The dashboards and recording rules, executed for real: a scenario on the real stack, Debian's
Prometheus on loopback scraping the three services, and every dashboard and rule expression run
through the Prometheus HTTP API."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from support.stack import Stack, auth, eventually, free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "deploy"))
from deploy_support import dashboard_queries, recording_rules, substitute, tool  # noqa: E402

COMMUNE = "H15.01.36"
COUNTER = "H15.01.36-Q01"
OFFICIAL = ["receiver", "specialist", "leader"]

# Panels that are empty for a correct reason in this scenario: nothing was late or overdue, no
# message was dead-lettered, nothing is due within the warning window.
MAY_BE_EMPTY = re.compile(
    r'timeliness="late"|state="overdue"|dead_lettered|due_soon|> 0\)?$|outcome=~?"(retried|dead)'
    r"|faststream_|refused"
)

pytestmark = pytest.mark.e2e


def prometheus_config(tmp: Path, stack: Stack) -> Path:
    rules_dir = tmp / "rules"
    rules_dir.mkdir()
    for rule_file in (ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"):
        # Evaluate every group each second so recorded series exist within the test's minutes.
        text = re.sub(r"interval: \d+[smh]", "interval: 1s", rule_file.read_text())
        (rules_dir / rule_file.name).write_text(text)
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_dir / "*.yml")],
        "scrape_configs": [
            {
                "job_name": f"motcua-{name}",
                "static_configs": [{"targets": [f"127.0.0.1:{svc.port}"]}],
            }
            for name, svc in stack.services.items()
        ],
    }
    path = tmp / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def prometheus(tmp_path: Path) -> Any:
    started: list[subprocess.Popen[bytes]] = []

    def start(stack: Stack) -> str:
        port = free_port()
        config = prometheus_config(tmp_path, stack)
        proc = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=(tmp_path / "prometheus.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError((tmp_path / "prometheus.log").read_text()[-2000:])

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


async def query(http: httpx.AsyncClient, prom: str, expr: str) -> list[dict[str, Any]]:
    r = await http.get(f"{prom}/api/v1/query", params={"query": expr})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "success", f"{expr}: {body}"
    return body["data"]["result"]


async def run_scenario(http: httpx.AsyncClient, stack: Stack) -> None:
    """Three counter dossiers (one processed, returned and rated; two left open within their
    deadline), one online dossier refused, one complaint."""
    intake, workflow, feedback = (stack.url(s) for s in ("intake", "workflow", "feedback"))
    detail = (await http.get(f"{intake}/procedures/1.001193")).json()
    version = detail.get("current") or detail
    documents = [
        {"component": c["code"], "form": (c.get("forms") or ["original"])[0]}
        for c in version["components"]
        if c.get("required", True)
    ]
    receiver = {**auth("receiver", COMMUNE)}
    codes = []
    for channel, accept in (
        ("counter", True),
        ("counter", True),
        ("counter", True),
        ("online", False),
    ):
        r = await http.post(
            f"{intake}/dossiers",
            headers={**receiver, "Idempotency-Key": uuid.uuid4().hex},
            json={
                "procedure_code": "1.001193",
                "channel": channel,
                "receiving_unit": COMMUNE,
                "documents": documents,
                "applicant": {"personal_id": "079203001234"},
                "accept": accept,
            },
        )
        assert r.status_code == 201, r.text
        codes.append(r.json()["code"])
    r = await http.post(
        f"{intake}/dossiers/{codes[3]}/refuse",
        json={"reasons": ["Không thuộc thẩm quyền"]},
        headers={**receiver, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text

    official = auth(OFFICIAL, COMMUNE, subject="can-bo-2")

    async def queued() -> bool:
        r = await http.get(f"{workflow}/tasks", params={"unit": COMMUNE}, headers=official)
        return {i["code"] for i in r.json()["items"]} >= set(codes[:3])

    await eventually(queued)
    case = (await http.get(f"{workflow}/cases/{codes[0]}", headers=official)).json()
    for _ in case["steps"]:
        r = await http.post(f"{workflow}/cases/{codes[0]}/complete-step", json={}, headers=official)
        assert r.status_code == 200, r.text
    for path, body in (
        ("resolve", {"outcome": "approved"}),
        ("return", {"channel": "counter", "counter": COUNTER}),
    ):
        r = await http.post(f"{workflow}/cases/{codes[0]}/{path}", json=body, headers=official)
        assert r.status_code == 200, r.text

    async def at_kiosk() -> dict[str, Any] | None:
        r = await http.get(f"{feedback}/kiosk/{COUNTER}/current")
        return r.json() if r.status_code == 200 else None

    current = await eventually(at_kiosk)
    r = await http.post(
        f"{feedback}/ratings",
        json={
            "dossier_code": current["dossier_code"],
            "overall": "very_satisfied",
            "channel": "kiosk",
            "kiosk_session": current["session"],
        },
    )
    assert r.status_code == 201, r.text
    r = await http.post(
        f"{feedback}/complaints",
        json={
            "unit": COMMUNE,
            "topic": "Thái độ phục vụ",
            "content": "Góp ý về thời gian chờ",
            "contact": {"full_name": "Nguyễn Văn An", "phone": "0900000000"},
        },
    )
    assert r.status_code == 201, r.text


async def test_every_dashboard_and_rule_expression_runs_and_timeliness_shows_the_scenario(
    stack_factory: Any, prometheus: Any
) -> None:
    stack = await stack_factory()
    stack.start_all()
    prom = prometheus(stack)
    async with httpx.AsyncClient(timeout=10) as http:
        # Let Prometheus see every counter before it moves, so rate() sees the increments.
        await eventually(lambda: _targets_up(http, prom, 3))
        await eventually(
            lambda: _has_data(http, prom, 'count_over_time(up{job="motcua-intake"}[1m]) >= 3')
        )
        await run_scenario(http, stack)

        async def open_within() -> bool:
            rows = await query(
                http,
                prom,
                'sum(unit_state:motcua_dossiers_open:max{unit=~"H15.01.36",state="within"})',
            )
            return bool(rows) and float(rows[0]["value"][1]) == 2

        await eventually(open_within, timeout=60)
        await eventually(
            lambda: _has_data(http, prom, "unit_level:motcua_ratings:rate5m"), timeout=60
        )

        empty = []
        for board, title, expr in dashboard_queries():
            rows = await query(http, prom, substitute(expr, {"unit": COMMUNE}))
            if not rows and not MAY_BE_EMPTY.search(expr):
                empty.append(f"{board} / {title}: {expr}")
        for name, expr in recording_rules().items():
            rows = await query(http, prom, expr)
            if not rows and not MAY_BE_EMPTY.search(expr):
                empty.append(f"rule {name}: {expr}")
        assert not empty, "expressions without data:\n" + "\n".join(empty)

        finished = await query(
            http,
            prom,
            'sum by (timeliness) (motcua_dossiers_finished_total{unit="H15.01.36"})',
        )
        assert {r["metric"]["timeliness"]: float(r["value"][1]) for r in finished} in (
            {"early": 1.0},
            {"on_time": 1.0},
        )


async def _targets_up(http: httpx.AsyncClient, prom: str, n: int) -> bool:
    rows = await query(http, prom, 'up{job=~"motcua-.*"} == 1')
    return len(rows) == n


async def _has_data(http: httpx.AsyncClient, prom: str, expr: str) -> bool:
    return bool(await query(http, prom, expr))
