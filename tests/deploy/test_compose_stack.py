"""deploy/compose: the production-like stack, checked without a Docker engine."""

import re
from graphlib import TopologicalSorter
from pathlib import Path, PurePosixPath

import yaml
from deploy_support import (
    COMPOSE,
    GRAFANA,
    REPO,
    REQUIRED_SETTINGS,
    SERVICES,
    settings_named_by_start_up_errors,
)

COMPOSE_FILE = COMPOSE / "compose.yaml"
SPEC = yaml.safe_load(COMPOSE_FILE.read_text())
STACK = SPEC["services"]
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
PINNED_TAG = re.compile(r"v?\d+\.\d+\.\d+")


def documented_variables() -> dict[str, str]:
    """Variables of .env.example, set or commented out, with their example values."""
    found = {}
    for line in (COMPOSE / ".env.example").read_text().splitlines():
        m = re.fullmatch(r"#?\s*([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if m:
            found[m.group(1)] = m.group(2)
    return found


def interpolate(text: str) -> str:
    """Resolve ${VAR}, ${VAR:-default} and ${VAR:?error} as compose would with .env.example."""
    env = {k: v for k, v in documented_variables().items() if v}

    def value(m: re.Match) -> str:
        name, kind, arg = m.groups()
        return env.get(name) or (arg if kind in (":-", "-") else f"<{name}>")

    return VARIABLE.sub(value, text)


def test_the_stack_has_every_part():
    assert set(STACK) == {
        "kafka",
        "mongo",
        "mongo-init",
        *SERVICES,
        *(f"provision-{s}" for s in SERVICES),
        "kafka-exporter",
        "mongodb-exporter",
        "prometheus",
        "alertmanager",
        "ingress",
        "grafana",
    }


def test_every_image_is_pinned_to_a_full_version():
    for name, service in STACK.items():
        image = interpolate(service["image"])
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest" and PINNED_TAG.fullmatch(tag), f"{name}: {image} is not pinned"


def test_every_variable_is_documented_in_env_example():
    documented = documented_variables()
    used = set(VARIABLE.findall(COMPOSE_FILE.read_text()))
    assert {name for name, _, _ in used} <= set(documented)
    # Variables passed through from .env without a value in compose.yaml.
    for service in STACK.values():
        env = service.get("environment", {})
        assert isinstance(env, dict)
        for name, value in env.items():
            if value is None:
                assert name in documented, name


def test_required_settings_are_the_ones_the_services_refuse_to_start_without():
    for service in SERVICES:
        assert settings_named_by_start_up_errors(service) == REQUIRED_SETTINGS.get(service, set())


def test_every_required_setting_must_come_from_env():
    documented = documented_variables()
    for service, names in REQUIRED_SETTINGS.items():
        for name in names:
            value = STACK[service]["environment"].get(name)
            assert value is not None, f"{service} does not get {name}"
            m = VARIABLE.fullmatch(value)
            # ${NAME:?message}: compose refuses to start without it, and there is no default.
            assert m and m.group(1) == name and m.group(2) == ":?", f"{service}: {name}={value}"
            assert name in documented, f"{name} is not in .env.example"


def test_referenced_local_files_exist():
    for name, service in STACK.items():
        if "build" in service:
            context = COMPOSE / service["build"]["context"]
            assert context.is_dir(), f"{name}: no build context {context}"
            assert (context / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (COMPOSE / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in SPEC["volumes"], f"{name}: volume {source} is not declared"
        for env_file in service.get("env_file", []):
            assert (COMPOSE / env_file).exists(), f"{name}: {env_file}"


def test_dependencies_exist_and_have_no_cycle():
    graph = {}
    for name, service in STACK.items():
        deps = service.get("depends_on", {})
        deps = {dep: {} for dep in deps} if isinstance(deps, list) else deps
        for dep, how in deps.items():
            assert dep in STACK, f"{name} depends on unknown {dep}"
            assert how.get("condition", "service_started") in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }
            if how.get("condition") == "service_healthy":
                assert "healthcheck" in STACK[dep], f"{dep} has no healthcheck for {name}"
        graph[name] = set(deps)
    order = list(TopologicalSorter(graph).static_order())
    for service in SERVICES:
        assert (
            order.index("mongo-init") < order.index(f"provision-{service}") < order.index(service)
        )


def test_services_are_built_for_their_name_and_port_and_never_simulate():
    for service, port in SERVICES.items():
        spec = STACK[service]
        assert spec["build"]["args"] == {"SERVICE": service, "HTTP_PORT": str(port)}
        assert interpolate(spec["image"]).split(":")[0].endswith(f"/{service}")
        assert spec["environment"]["MOTCUA_HTTP_PORT"] == str(port)
        assert spec["environment"]["MOTCUA_SIMULATION"] == "0"
        assert [interpolate(p) for p in spec["ports"]] == [f"127.0.0.1:{port}:{port}"]
        assert spec["depends_on"] == {
            f"provision-{service}": {"condition": "service_completed_successfully"}
        }


def test_each_image_provisions_topics_and_its_indexes_after_kafka_and_the_replica_set():
    for service in SERVICES:
        provision = STACK[f"provision-{service}"]
        assert provision["command"] == ["motcua-provision", "--topics", "--indexes"]
        assert provision["image"] == STACK[service]["image"]
        assert provision["build"] == STACK[service]["build"]
        http_only = {"MOTCUA_HTTP_PORT", "MOTCUA_ROOT_PATH", "MOTCUA_PUBLIC_BASE_URL"}
        assert provision["environment"] == {
            k: v for k, v in STACK[service]["environment"].items() if k not in http_only
        }
        assert provision["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert (
            provision["depends_on"]["mongo-init"]["condition"] == "service_completed_successfully"
        )
    assert "--replSet" in STACK["mongo"]["command"]
    assert "rs.initiate" in STACK["mongo-init"]["command"][-1]
    assert STACK["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def mounts(service: str) -> dict[str, Path]:
    """Container path -> host path of a service's bind mounts."""
    out = {}
    for volume in STACK[service]["volumes"]:
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            out[target] = (COMPOSE / source).resolve()
    return out


def test_prometheus_gets_its_config_and_the_shared_rules():
    bound = mounts("prometheus")
    config = yaml.safe_load((COMPOSE / "prometheus.yml").read_text())
    config_dir = PurePosixPath("/etc/prometheus")
    assert bound[str(config_dir / "prometheus.yml")] == (COMPOSE / "prometheus.yml").resolve()
    for pattern in config["rule_files"]:
        rules_dir = config_dir / PurePosixPath(pattern).parent
        assert bound[str(rules_dir)] == (REPO / "deploy" / "prometheus" / "rules").resolve()
    hosts = {
        t.split(":")[0]
        for job in config["scrape_configs"]
        for sc in job["static_configs"]
        for t in sc["targets"]
    }
    assert hosts - {"localhost"} <= set(STACK)


def test_grafana_gets_the_provisioning_and_the_dashboards_where_the_provider_looks():
    bound = mounts("grafana")
    assert bound["/etc/grafana/provisioning"] == (GRAFANA / "provisioning").resolve()
    providers = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "motcua.yml").read_text())
    path = providers["providers"][0]["options"]["path"]
    assert bound[path] == (GRAFANA / "dashboards").resolve()
    env = STACK["grafana"]["environment"]
    home = PurePosixPath(env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"])
    assert str(home.parent) == path and (GRAFANA / "dashboards" / home.name).is_file()
    assert env["MOTCUA_PROMETHEUS_URL"] == "http://prometheus:9090"


def test_alertmanager_renders_the_shared_config_and_prometheus_sends_to_it():
    bound = mounts("alertmanager")
    assert bound["/etc/motcua"] == (REPO / "deploy" / "alertmanager").resolve()
    [command] = STACK["alertmanager"]["command"]
    assert command.startswith("/etc/motcua/render.sh /etc/motcua/alertmanager.yml ")
    template = (REPO / "deploy" / "alertmanager" / "alertmanager.yml").read_text()
    placeholders = set(re.findall(r"\$\{(ALERTMANAGER_\w+)\}", template))
    assert placeholders == set(STACK["alertmanager"]["environment"])
    assert "alertmanager" in STACK["prometheus"]["depends_on"]


def test_each_service_is_behind_the_ingress_under_the_path_it_is_told():
    assert mounts("ingress")["/etc/nginx/conf.d/default.conf"] == (COMPOSE / "nginx.conf").resolve()
    config = (COMPOSE / "nginx.conf").read_text()
    locations = dict(re.findall(r"location (/\w+/) \{\s*proxy_pass http://([\w:]+);", config))
    assert locations == {f"/{s}/": f"{s}:{port}" for s, port in SERVICES.items()}
    for service in SERVICES:
        env = STACK[service]["environment"]
        assert env["MOTCUA_ROOT_PATH"] == f"/{service}"
        assert interpolate(env["MOTCUA_PUBLIC_BASE_URL"]) == f"http://127.0.0.1:8080/{service}"
