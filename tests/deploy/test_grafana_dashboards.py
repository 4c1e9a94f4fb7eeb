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
# Which template variables each dashboard offers, besides the datasource.
EXPECTED_VARIABLES = {
    "motcua-overview.json": {"province", "unit"},
    "motcua-timeliness.json": {"province", "unit", "procedure"},
    "motcua-satisfaction.json": {"province", "unit"},
    "motcua-pipeline.json": {"service"},
}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Vietnamese legend and fixed colour of each enum value, the same on every panel.
ENUM_LEGENDS = {
    "timeliness": {
        "early": ("Trước hạn", "green"),
        "on_time": ("Đúng hạn", "blue"),
        "late": ("Quá hạn", "red"),
    },
    "state": {"within": ("Còn trong hạn", "green"), "overdue": ("Quá hạn", "red")},
    "level": {
        "very_satisfied": ("Rất hài lòng", "green"),
        "satisfied": ("Hài lòng", "blue"),
        "dissatisfied": ("Không hài lòng", "red"),
    },
    "channel": {
        "counter": ("Trực tiếp", "blue"),
        "online": ("Trực tuyến", "green"),
        "postal": ("Bưu chính", "purple"),
    },
    "stage": {"intake": ("Khi tiếp nhận", "blue"), "processing": ("Khi giải quyết", "orange")},
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
def test_panels_have_vietnamese_titles_english_descriptions_and_the_datasource_variable(name: str):
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
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], f"{name}: {panel['title']!r} has no query"
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
            assert target["expr"].strip(), panel["title"]


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_a_datasource_variable_and_units_and_procedures_chosen_by_name(name: str):
    variables = {v["name"]: v for v in BOARDS[name]["templating"]["list"]}
    assert set(variables) == EXPECTED_VARIABLES[name] | {"datasource"}
    source = variables.pop("datasource")
    assert source["type"] == "datasource" and source["query"] == "prometheus"
    # Provisioned Grafanas have it; any other falls back to its default Prometheus.
    assert source["current"]["value"] == DATASOURCE_UID
    for var in variables.values():
        assert var["type"] == "query" and var["datasource"] == DATASOURCE, var["name"]
    if "unit" in variables:
        province, unit = variables["province"], variables["unit"]
        assert 'motcua_unit_info{parent=""}' in province["query"]["query"]
        assert not province["multi"]
        # The hierarchy: the province chosen above, then the province itself and its communes.
        assert 'parent="$province"' in unit["query"]["query"] and unit["multi"]
        assert unit["includeAll"]
    for var in variables.values():
        query = var["query"]["query"]
        if var["name"] in ("province", "unit", "procedure"):
            assert query.startswith("query_result(") and "_info" in query, var["name"]
            # Grafana shows the name (text) and filters by the code (value).
            assert "(?<text>" in var["regex"] and "(?<value>" in var["regex"], var["name"]


def test_units_and_procedures_are_shown_by_name_not_code():
    """Legends name units and procedures through the info metrics (the rendered panels of the
    monitoring test check the result: no code where a name belongs)."""
    for name, board in BOARDS.items():
        for panel in panels(board):
            for target in panel.get("targets", []):
                legend = target.get("legendFormat", "")
                assert "{{unit}}" not in legend and "{{procedure}}" not in legend, panel["title"]
                if legend == "{{name}}" or panel["type"] == "table":
                    expr = target["expr"]
                    joined = "group_left (name) max by (unit, name) (motcua_unit_info)" in expr or (
                        "group_left (name) max by (procedure, name) (motcua_procedure_info)" in expr
                    )
                    assert joined, f"{name} / {panel['title']}: {expr}"


def test_enum_legends_are_vietnamese_with_the_same_fixed_colour_everywhere():
    seen = 0
    for name, board in BOARDS.items():
        for panel in panels(board):
            for target in panel.get("targets", []):
                label = target.get("legendFormat", "").strip("{}")
                if label not in ENUM_LEGENDS:
                    continue
                seen += 1
                overrides = {
                    o["matcher"]["options"]: {p["id"]: p["value"] for p in o["properties"]}
                    for o in panel["fieldConfig"]["overrides"]
                    if o["matcher"]["id"] == "byName"
                }
                for raw, (vietnamese, colour) in ENUM_LEGENDS[label].items():
                    props = overrides.get(raw)
                    assert props, f"{name} / {panel['title']}: no legend for {label}={raw}"
                    assert props["displayName"] == vietnamese, panel["title"]
                    assert props["color"] == {"mode": "fixed", "fixedColor": colour}, panel["title"]
    assert seen >= 8


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_the_headline_row_answers_without_scrolling(name: str):
    """The first screen (about 12 grid rows on a laptop) opens with figures, not charts."""
    board = BOARDS[name]
    ordered = sorted(panels(board), key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"]))
    first = next(p for p in ordered if p["type"] != "row")["gridPos"]["y"]
    headline = [p for p in ordered if p["type"] != "row" and p["gridPos"]["y"] == first]
    assert first <= 1, name
    assert len(headline) >= 3 and {p["type"] for p in headline} <= {"stat", "gauge", "piechart"}
    assert sum(p["gridPos"]["w"] for p in headline) == 24, name
    assert all(p["gridPos"]["y"] + p["gridPos"]["h"] <= 12 for p in headline), name


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_queries_use_only_variables_the_dashboard_defines(name: str):
    defined = {v["name"] for v in BOARDS[name]["templating"]["list"]} | GRAFANA_VARIABLES
    defined.discard("datasource")  # for the panels' datasource, never inside a query
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
