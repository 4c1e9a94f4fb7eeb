"""deploy/prometheus: scrape configs, recording and alert rules, and their promtool unit tests."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from deploy_support import (
    COMPOSE,
    CONTRACT_VALUES,
    PROMETHEUS,
    REPO,
    SERVICES,
    alert_rules,
    allowed_labels,
    recording_rules,
    run,
    selectors,
    tool,
)

RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.yml"))


def test_local_scrape_config_is_valid():
    out = run([tool("promtool"), "check", "config", "prometheus.yml"], cwd=PROMETHEUS).stdout
    assert f"{len(RULE_FILES)} rule files found" in out


def test_compose_scrape_config_is_valid_with_the_rules_mounted_beside_it(tmp_path: Path):
    # compose mounts deploy/compose/prometheus.yml and deploy/prometheus/rules side by side.
    shutil.copy(COMPOSE / "prometheus.yml", tmp_path / "prometheus.yml")
    shutil.copytree(PROMETHEUS / "rules", tmp_path / "rules")
    out = run([tool("promtool"), "check", "config", "prometheus.yml"], cwd=tmp_path).stdout
    assert f"{len(RULE_FILES)} rule files found" in out


@pytest.mark.parametrize(
    "config", [PROMETHEUS / "prometheus.yml", COMPOSE / "prometheus.yml"], ids=["local", "compose"]
)
def test_every_service_is_scraped_under_the_job_name_the_alerts_expect(config: Path):
    jobs = {job["job_name"]: job for job in yaml.safe_load(config.read_text())["scrape_configs"]}
    for service, port in SERVICES.items():
        targets = [t for sc in jobs[f"motcua-{service}"]["static_configs"] for t in sc["targets"]]
        assert [t.endswith(f":{port}") for t in targets] == [True], targets


def test_rule_files_are_valid():
    run([tool("promtool"), "check", "rules", *map(str, RULE_FILES)])


def test_promtool_unit_tests_pass():
    assert TEST_FILES, "no promtool tests in deploy/prometheus/tests"
    run(
        [tool("promtool"), "test", "rules", *(p.name for p in TEST_FILES)], cwd=PROMETHEUS / "tests"
    )


def test_every_alert_has_a_firing_and_a_quiet_case():
    cases: dict[str, set[bool]] = {}
    for path in TEST_FILES:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                cases.setdefault(case["alertname"], set()).add(bool(case.get("exp_alerts")))
    for alert in alert_rules():
        assert cases.get(alert) == {True, False}, f"{alert}: needs a firing and a non-firing case"


def test_recording_rules_follow_level_metric_operations():
    for name in recording_rules():
        assert re.fullmatch(r"[a-z_]+:motcua_[a-z_]+:[a-z0-9_]+", name), name


def _check_contract(where: str, expr: str) -> None:
    for sel in selectors(expr):
        labels = allowed_labels(sel.metric)
        assert labels is not None, (
            f"{where}: {sel.metric} is neither a contract metric nor recorded"
        )
        for label, op, value in sel.matchers:
            assert label in labels, f"{where}: {sel.metric} has no label {label}"
            if label in CONTRACT_VALUES and op in ("=", "=~") and "$" not in value:
                values = set(value.split("|")) if op == "=~" else {value}
                assert values <= CONTRACT_VALUES[label], f"{where}: {label}={value!r}"


def test_rules_use_only_contract_metrics_and_labels():
    for name, expr in recording_rules().items():
        _check_contract(name, expr)
    for name, rule in alert_rules().items():
        _check_contract(name, rule["expr"])


def test_alerts_are_labelled_and_point_to_a_runbook_that_exists():
    for name, rule in alert_rules().items():
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert rule["labels"]["team"] in {"counter", "platform"}, name
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), name
        doc, _, anchor = rule["annotations"]["runbook"].partition("#")
        text = (REPO / doc).read_text()
        if anchor:
            headings = {
                re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)
            }
            assert anchor in headings, f"{name}: no heading #{anchor} in {doc}"


def test_every_alert_has_its_own_runbook_section():
    for name, rule in alert_rules().items():
        assert rule["annotations"]["runbook"] == f"docs/monitoring.md#{name.lower()}", name
