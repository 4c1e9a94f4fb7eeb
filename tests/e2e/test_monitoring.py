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

from support.dashboard_render import Shown, render, variable_options
from support.stack import Stack, answers_ok, auth, eventually, free_port, kiosk_device

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "deploy"))
from deploy_support import (  # noqa: E402
    dashboard_queries,
    dashboards,
    recording_rules,
    substitute,
    tool,
)

# Rendered dashboards go here (git-ignored): look at them after a test run.
RENDERED = ROOT / "build" / "dashboards"
UNIT_CODE = re.compile(r"^H\d\d(\.\d\d)*$")
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")

COMMUNE = "H15.01.36"
COUNTER = "H15.01.36-Q01"
OFFICIAL = ["receiver", "specialist", "leader"]

# Panels that are empty for a correct reason in this scenario: nothing was late or overdue, no
# message was dead-lettered, nothing is due within the warning window.
MAY_BE_EMPTY = re.compile(
    r'timeliness="late"|state="overdue"|dead_lettered|due_soon|> 0\)?$|outcome=~?"(retried|dead)'
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
            if answers_ok(f"{url}/-/ready", timeout=1):
                return url
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
    """One round at the demo commune: a dossier resolved on the spot (rated dissatisfied at the
    kiosk), one processed, returned and rated very satisfied, two left open within their deadline
    (one of them waiting for a supplement), one online dossier refused, one complaint."""
    intake, workflow, feedback = (stack.url(s) for s in ("intake", "workflow", "feedback"))
    detail = (await http.get(f"{intake}/procedures/1.001193")).json()
    version = detail.get("current") or detail
    documents = [
        {"component": c["code"], "form": (c.get("forms") or ["original"])[0]}
        for c in version["components"]
        if c.get("required", True)
    ]
    receiver = {**auth("receiver", COMMUNE)}
    official = auth(OFFICIAL, COMMUNE, subject="can-bo-2")

    async def submit(channel: str, accept: bool, **extra: Any) -> str:
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
                **extra,
            },
        )
        assert r.status_code == 201, r.text
        return str(r.json()["code"])

    async def rate_at_kiosk(code: str, level: str) -> None:
        device = await kiosk_device(http, feedback, COUNTER)

        async def showing() -> dict[str, Any] | None:
            r = await http.get(f"{feedback}/kiosk/{COUNTER}/current", headers=device)
            current = r.json() if r.status_code == 200 else None
            return current if current and current["dossier_code"] == code else None

        current = await eventually(showing)
        r = await http.post(
            f"{feedback}/ratings",
            json={
                "dossier_code": code,
                "overall": level,
                "channel": "kiosk",
                "kiosk_session": current["session"],
            },
        )
        assert r.status_code == 201, r.text

    async def command(code: str, path: str, body: dict[str, Any]) -> None:
        r = await http.post(f"{workflow}/cases/{code}/{path}", json=body, headers=official)
        assert r.status_code == 200, f"{path}: {r.text}"

    on_the_spot = await submit("counter", True, resolve_on_the_spot=True, return_counter=COUNTER)
    await rate_at_kiosk(on_the_spot, "dissatisfied")

    processed, waiting, supplemented = [await submit("counter", True) for _ in range(3)]
    refused = await submit("online", False)
    r = await http.post(
        f"{intake}/dossiers/{refused}/refuse",
        json={"reasons": ["Không thuộc thẩm quyền"]},
        headers={**receiver, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text

    async def queued() -> bool:
        r = await http.get(f"{workflow}/tasks", params={"unit": COMMUNE}, headers=official)
        return {i["code"] for i in r.json()["items"]} >= {processed, waiting, supplemented}

    await eventually(queued)
    case = (await http.get(f"{workflow}/cases/{processed}", headers=official)).json()
    for _ in case["steps"]:
        await command(processed, "complete-step", {})
    await command(processed, "resolve", {"outcome": "approved"})
    await command(processed, "return", {"channel": "counter", "counter": COUNTER})
    await rate_at_kiosk(processed, "very_satisfied")
    await command(supplemented, "request-supplement", {"reason": "Thiếu bản sao giấy tờ"})

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
    started = time.time()
    async with httpx.AsyncClient(timeout=60) as http:
        # Let Prometheus see every counter before it moves, so rate() sees the increments.
        await eventually(lambda: _targets_up(http, prom, 3))
        await eventually(
            lambda: _has_data(http, prom, 'count_over_time(up{job="motcua-intake"}[1m]) >= 3')
        )
        # A labelled counter appears at its first increment, which rate() cannot see: a first
        # round creates every series, Prometheus scrapes them, and the second round is measured.
        await run_scenario(http, stack)
        await eventually(
            lambda: _has_data(
                http,
                prom,
                "count(motcua_ratings_total) and count(motcua_dossiers_on_the_spot_total)"
                " and count(motcua_supplements_requested_total)",
            )
        )
        await run_scenario(http, stack)

        async def open_within() -> bool:
            rows = await query(
                http,
                prom,
                'sum(unit_state:motcua_dossiers_open:max{unit=~"H15.01.36",state="within"})',
            )
            return bool(rows) and float(rows[0]["value"][1]) == 4

        await eventually(open_within, timeout=60)
        for recorded in (
            "unit:motcua_dossiers_on_time:ratio30d",
            "unit_level:motcua_ratings:rate5m",
        ):
            await eventually(lambda r=recorded: _has_data(http, prom, f"{r} > 0"), timeout=60)

        rules = (await http.get(f"{prom}/api/v1/rules")).json()["data"]["groups"]
        failing = [
            f"{r['name']}: {r.get('lastError')}"
            for g in rules
            for r in g["rules"]
            if r["health"] not in ("ok", "unknown")
        ]
        assert not failing, "rules failing to evaluate:\n" + "\n".join(failing)

        empty = []
        for board, title, expr in dashboard_queries():
            rows = await query(http, prom, substitute(expr, {"unit": COMMUNE, "province": "H15"}))
            if not rows and not MAY_BE_EMPTY.search(expr):
                empty.append(f"{board} / {title}: {expr}")
        for name, expr in recording_rules().items():
            rows = await query(http, prom, expr)
            if not rows and not MAY_BE_EMPTY.search(expr):
                empty.append(f"rule {name}: {expr}")
        assert not empty, "expressions without data:\n" + "\n".join(empty)

        # The timeliness dashboard's own "open within deadline" panel shows the scenario's number.
        [within_panel] = [
            expr
            for board, title, expr in dashboard_queries()
            if board == "motcua-timeliness.json" and title == "Đang trong hạn"
        ]
        [row] = await query(http, prom, substitute(within_panel, {"unit": COMMUNE}))
        assert float(row["value"][1]) == 4

        # What the dashboards show, drawn from their own queries (build/dashboards/*.png).
        check_rendered(render_dashboards(prom, started))

        finished = await query(
            http,
            prom,
            'sum by (timeliness) (motcua_dossiers_finished_total{unit="H15.01.36"})',
        )
        by_timeliness = {r["metric"]["timeliness"]: float(r["value"][1]) for r in finished}
        # Per round: the on-the-spot and the processed dossier finish early (minutes into a
        # day-long deadline); the refused online dossier ends processing on time (QĐ 766 counts a
        # refusal as an end of processing).
        assert by_timeliness == {"early": 4.0, "on_time": 2.0}


async def _targets_up(http: httpx.AsyncClient, prom: str, n: int) -> bool:
    rows = await query(http, prom, 'up{job=~"motcua-.*"} == 1')
    return len(rows) == n


async def _has_data(http: httpx.AsyncClient, prom: str, expr: str) -> bool:
    return bool(await query(http, prom, expr))


def render_dashboards(prom: str, since: float) -> dict[str, dict[str, Shown]]:
    """Draw every dashboard from its own queries for the demo province with All units, the way
    Grafana would show it; PNGs in build/dashboards/. Returns what each panel showed."""
    with httpx.Client(timeout=20) as http:

        def instant(expr: str) -> list[dict[str, Any]]:
            body = http.get(f"{prom}/api/v1/query", params={"query": expr}).json()
            assert body["status"] == "success", f"{expr}: {body}"
            return list(body["data"]["result"])

        def ranged(expr: str) -> list[dict[str, Any]]:
            end = time.time()
            params = {"query": expr, "start": since, "end": end, "step": 2}
            body = http.get(f"{prom}/api/v1/query_range", params=params).json()
            assert body["status"] == "success", f"{expr}: {body}"
            return list(body["data"]["result"])

        elapsed = f"{int(time.time() - since) + 1}s"
        shown: dict[str, dict[str, Shown]] = {}
        for board in dashboards().values():
            values = {"__range": elapsed, "__rate_interval": "15s", "__interval": "2s"}
            variables = {v["name"]: v for v in board["templating"]["list"]}
            if "province" in variables:
                provinces = dict(variable_options(variables["province"], values, instant))
                values["province"] = provinces["Tỉnh Đắk Lắk"]
                units = variable_options(variables["unit"], values, instant)
                # The hierarchy: the province itself and its communes, nothing else.
                assert ("Tỉnh Đắk Lắk", "H15") in units and len(units) > 50
                assert all(code == "H15" or code.startswith("H15.") for _, code in units)
                assert ("Phường Buôn Ma Thuột", COMMUNE) in units
                values["unit"] = "(" + "|".join(code for _, code in units) + ")"
            if "procedure" in variables:
                procedures = variable_options(variables["procedure"], values, instant)
                assert procedures and not any(PROCEDURE_CODE.match(t) for t, _ in procedures)
                values["procedure"] = "(" + "|".join(code for _, code in procedures) + ")"
            values.setdefault("service", ".*")
            panels = render(board, values, instant, ranged, RENDERED / f"{board['uid']}.png")
            shown[board["uid"]] = {p.title: p for p in panels}
            assert (RENDERED / f"{board['uid']}.png").stat().st_size > 10_000
    return shown


def check_rendered(shown: dict[str, dict[str, Shown]]) -> None:
    """What a leader reads: names not codes, Vietnamese legends, the scenario's figures."""
    for board, panels in shown.items():
        for panel in panels.values():
            names = [n for n, _ in panel.series] + [r[0] for r in panel.rows[1:]]
            for name in names:
                assert not UNIT_CODE.match(name), f"{board} / {panel.title}: unit code {name}"
                assert not PROCEDURE_CODE.match(name), f"{board} / {panel.title}: code {name}"
    timeliness = shown["motcua-timeliness"]
    assert timeliness["Đang trong hạn"].series == [("Đang trong hạn", 4.0)]
    legends = {n for n, _ in timeliness["Hồ sơ giải quyết theo tiến độ (hồ sơ/giờ)"].series}
    assert "Trước hạn" in legends and legends <= {"Trước hạn", "Đúng hạn", "Quá hạn"}
    per_unit = timeliness["Tỷ lệ đúng hạn theo đơn vị (30 ngày)"].series
    assert [n for n, _ in per_unit] == ["Phường Buôn Ma Thuột"]
    [header, row] = timeliness["Kết quả giải quyết theo đơn vị"].rows
    assert header[0] == "Đơn vị" and row[0] == "Phường Buôn Ma Thuột"
    assert {"Trước hạn", "Đúng hạn"} <= set(header)
    satisfaction = shown["motcua-satisfaction"]
    levels = {n for n, _ in satisfaction["Cơ cấu mức độ hài lòng"].series}
    assert levels == {"Rất hài lòng", "Không hài lòng"}
    channels = {n for n, _ in shown["motcua-overview"]["Cơ cấu kênh nộp"].series}
    assert channels == {"Trực tiếp", "Trực tuyến"}
