"""deploy/grafana: provisioning and the four dashboards, checked without a Grafana."""

import re
from pathlib import Path

import pytest
import yaml
from deploy_support import (
    CONTRACT_VALUES,
    DATASOURCE_UID,
    GRAFANA,
    allowed_labels,
    dashboard_queries,
    dashboards,
    panels,
    run,
    selectors,
    substitute,
    tool,
)

BOARDS = dashboards()
VIETNAMESE = re.compile(
    r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)
GRAFANA_VARIABLES = {"__range", "__rate_interval", "__interval"}
# Which template variables each dashboard offers.
EXPECTED_VARIABLES = {
    "motcua-overview.json": {"unit", "procedure"},
    "motcua-timeliness.json": {"unit", "procedure"},
    "motcua-satisfaction.json": {"unit"},
    "motcua-pipeline.json": {"service"},
}


def test_the_four_dashboards_exist_with_unique_uids_and_titles():
    assert set(BOARDS) == set(EXPECTED_VARIABLES)
    uids = [b["uid"] for b in BOARDS.values()]
    titles = [b["title"] for b in BOARDS.values()]
    assert len(set(uids)) == len(uids) and len(set(titles)) == len(titles)
    for name, board in BOARDS.items():
        assert board["uid"] == name.removesuffix(".json"), name


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_panel_ids_are_unique_and_the_grid_has_no_overlap(name: str):
    board = BOARDS[name]
    ids = [p["id"] for p in panels(board)]
    assert len(set(ids)) == len(ids), f"{name}: duplicate panel ids"
    cells: dict[tuple[int, int], str] = {}
    for panel in panels(board):
        g = panel["gridPos"]
        assert g["w"] > 0 and g["h"] > 0 and g["x"] >= 0 and g["x"] + g["w"] <= 24, panel["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                other = cells.setdefault((x, y), panel["title"])
                assert other == panel["title"], f"{name}: {panel['title']!r} overlaps {other!r}"


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_panels_have_vietnamese_titles_english_descriptions_and_the_fixed_datasource(name: str):
    for panel in panels(BOARDS[name]):
        assert VIETNAMESE.search(panel["title"]), (
            f"{name}: title {panel['title']!r} is not Vietnamese"
        )
        if panel["type"] == "row":
            continue
        words = panel.get("description", "").split()
        assert words, f"{name}: {panel['title']!r} has no description"
        english = sum(w.isascii() for w in words) / len(words)
        assert english > 0.8, f"{name}: description of {panel['title']!r} is not in English"
        assert panel["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, panel["title"]
        assert panel["targets"], f"{name}: {panel['title']!r} has no query"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
            assert target["expr"].strip(), panel["title"]


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_template_variables_query_the_fixed_datasource(name: str):
    variables = {v["name"]: v for v in BOARDS[name]["templating"]["list"]}
    assert set(variables) == EXPECTED_VARIABLES[name]
    for var in variables.values():
        assert var["type"] == "query" and var["datasource"]["uid"] == DATASOURCE_UID
        assert var["query"]["query"].startswith("label_values("), var["name"]
        assert var["includeAll"] and var["multi"] and var["allValue"] == ".*", var["name"]


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_queries_use_only_variables_the_dashboard_defines(name: str):
    defined = {v["name"] for v in BOARDS[name]["templating"]["list"]} | GRAFANA_VARIABLES
    for board, title, expr in dashboard_queries():
        if board == name:
            used = set(re.findall(r"\$\{?(\w+)\}?", expr))
            assert used <= defined, f"{title}: undefined {used - defined}"


def test_queries_use_only_contract_metrics_recording_rules_up_or_faststream():
    for board, title, expr in dashboard_queries():
        found = list(selectors(expr))
        assert found, f"{board} {title}: no metric in {expr!r}"
        for sel in found:
            labels = allowed_labels(sel.metric)
            assert labels is not None, f"{board} {title}: unknown metric {sel.metric}"
            for label, op, value in sel.matchers:
                assert label in labels, f"{board} {title}: {sel.metric} has no label {label}"
                if label in CONTRACT_VALUES and op in ("=", "=~") and "$" not in value:
                    values = set(value.split("|")) if op == "=~" else {value}
                    assert values <= CONTRACT_VALUES[label], f"{board} {title}: {label}={value!r}"


def test_every_query_parses(tmp_path: Path):
    """promtool checks each query as the expression of a recording rule."""
    rules = [
        {"record": f"motcua_dashboard_query_{i}", "expr": substitute(expr)}
        for i, (_, _, expr) in enumerate(dashboard_queries())
    ]
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    out = run([tool("promtool"), "check", "rules", str(path)]).stdout
    assert f"SUCCESS: {len(rules)} rules found" in out


def test_provisioning_points_at_the_fixed_datasource_and_the_dashboards_folder():
    ds = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "motcua.yml").read_text())
    [source] = ds["datasources"]
    assert source["uid"] == DATASOURCE_UID and source["type"] == "prometheus"
    providers = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "motcua.yml").read_text())
    [provider] = providers["providers"]
    assert provider["type"] == "file" and provider["options"]["path"]
