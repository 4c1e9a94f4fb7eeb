"""deploy/helm/motcua: lint, render with each values file, validate what Kubernetes would get."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_support import CHART, GRAFANA, PROMETHEUS, REQUIRED_SETTINGS, SERVICES, run, tool

VALUES_FILES = ["values.yaml", "values-small.yaml", "values-large.yaml"]
# What an operator must supply (secret.create) or point to (secret.existingSecret).
SECRETS = [
    "--set-string",
    "secret.mongoUrl=mongodb://mongo-0.mongo:27017/?replicaSet=rs0",
    "--set-string",
    "secret.pseudonymKey=test-pseudonym-key",
    "--set-string",
    "secret.kioskKey=test-kiosk-key-of-32-characters",
    "--set-string",
    "secret.jwtSecret=test-signing-key",
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


def helm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([tool("helm"), *args], capture_output=True, text=True, timeout=120)


def render(values: str, *extra: str) -> str:
    done = helm(
        "template",
        "motcua",
        str(CHART),
        "--namespace",
        "motcua",
        "-f",
        str(CHART / values),
        *SECRETS,
        *extra,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def objects(manifests: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(manifests) if doc]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def validate(manifests: str, *flags: str) -> str:
    return run([tool("k8svalidate"), *flags], stdin=manifests).stdout


@pytest.mark.parametrize("values", VALUES_FILES)
def test_chart_lints_strictly(values: str):
    done = helm("lint", "--strict", str(CHART), "-f", str(CHART / values), *SECRETS)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("values", VALUES_FILES)
def test_rendered_manifests_are_valid_kubernetes_objects(values: str):
    out = validate(render(values))
    assert "objects valid" in out


def test_production_settings_render_valid_objects():
    """Existing Secret, OIDC, dashboards for the Grafana sidecar, everything switched on."""
    manifests = render(
        "values-large.yaml",
        "--set",
        "secret.existingSecret=motcua-prod",
        "--set",
        "secret.jwtSecret=",
        "--set",
        "config.oidc.jwksUrl=https://sso.example.gov.vn/certs",
        "--set",
        "config.oidc.issuer=https://sso.example.gov.vn",
        "--set",
        "monitoring.grafanaDashboards.enabled=true",
        "--set",
        "monitoring.grafanaDashboards.datasource.enabled=true",
    )
    docs = objects(manifests)
    secrets = set(of_kind(docs, "Secret"))
    assert secrets == {"motcua-alertmanager"}, "no Secret is created when an existing one is named"
    config = of_kind(docs, "ConfigMap")["motcua-config"]["data"]
    assert config["MOTCUA_OIDC_JWKS_URL"] == "https://sso.example.gov.vn/certs"
    validate(manifests, "-exists", "Secret/motcua-prod")


def test_validator_rejects_unknown_fields_and_kinds():
    bad = render("values.yaml").replace("revisionHistoryLimit:", "revisionHistoryLimt:", 1)
    done = subprocess.run([tool("k8svalidate")], input=bad, capture_output=True, text=True)
    assert done.returncode == 1 and 'unknown field "spec.revisionHistoryLimt"' in done.stderr
    done = subprocess.run(
        [tool("k8svalidate")],
        capture_output=True,
        text=True,
        input="apiVersion: v1\nkind: Pod2\nmetadata: {name: x}\n",
    )
    assert done.returncode == 1 and "Pod2" in done.stderr


@pytest.mark.parametrize("values", VALUES_FILES)
def test_each_service_runs_as_configured(values: str):
    version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    docs = objects(render(values))
    deployments = of_kind(docs, "Deployment")
    assert set(deployments) == {f"motcua-{s}" for s in SERVICES} | {"motcua-alertmanager"}
    for service, port in SERVICES.items():
        pod = deployments[f"motcua-{service}"]["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["image"] == f"motcua/{service}:{version}"
        assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    config = of_kind(docs, "ConfigMap")["motcua-config"]["data"]
    assert config["MOTCUA_SIMULATION"] == "0" and config["MOTCUA_HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("values", VALUES_FILES)
def test_sizing_is_consistent(values: str):
    docs = objects(render(values))
    partitions = int(of_kind(docs, "ConfigMap")["motcua-config"]["data"]["MOTCUA_TOPIC_PARTITIONS"])
    for name, hpa in of_kind(docs, "HorizontalPodAutoscaler").items():
        spec = hpa["spec"]
        assert 2 <= spec["minReplicas"] <= spec["maxReplicas"] <= partitions, name
    for dep in of_kind(docs, "Deployment").values():
        [container] = dep["spec"]["template"]["spec"]["containers"]
        assert (
            container["resources"]["requests"]["memory"]
            and container["resources"]["limits"]["memory"]
        )
    # Every service keeps a replica through a node drain; the single Alertmanager may move.
    assert set(of_kind(docs, "PodDisruptionBudget")) == {f"motcua-{s}" for s in SERVICES}


def test_autoscaling_beyond_the_partitions_is_refused():
    done = helm(
        "template",
        "motcua",
        str(CHART),
        *SECRETS,
        "--set",
        "services.intake.autoscaling.maxReplicas=13",
    )
    assert done.returncode != 0 and "exceeds topics.partitions" in done.stderr


def test_secrets_are_required():
    done = helm("template", "motcua", str(CHART))
    assert done.returncode != 0 and "secret.mongoUrl is required" in done.stderr
    for value, error in [("", "secret.kioskKey is required"), ("too-short", "at least 16 bytes")]:
        done = helm(
            "template", "motcua", str(CHART), *SECRETS, "--set-string", f"secret.kioskKey={value}"
        )
        assert done.returncode != 0 and error in done.stderr


def provided_settings(container: dict, docs: list[dict]) -> set[str]:
    """Names of the variables a container gets from its env and envFrom, as rendered."""
    secrets, configs = of_kind(docs, "Secret"), of_kind(docs, "ConfigMap")
    names = set()
    for var in container.get("env", []):
        ref = var.get("valueFrom", {}).get("secretKeyRef")
        if ref is None or ref["key"] in secrets[ref["name"]]["data"]:
            names.add(var["name"])
    for source in container.get("envFrom", []):
        if "secretRef" in source:
            names |= set(secrets[source["secretRef"]["name"]]["data"])
        if "configMapRef" in source:
            names |= set(configs[source["configMapRef"]["name"]]["data"])
    return names


@pytest.mark.parametrize("values", VALUES_FILES)
def test_every_required_setting_reaches_its_service(values: str):
    docs = objects(render(values))
    deployments = of_kind(docs, "Deployment")
    for service, names in REQUIRED_SETTINGS.items():
        [container] = deployments[f"motcua-{service}"]["spec"]["template"]["spec"]["containers"]
        assert names <= provided_settings(container, docs), service


def test_the_kiosk_key_must_be_in_an_existing_secret():
    """With an existing Secret the chart cannot read it, so feedback names the key: a Secret
    without it keeps the pod from starting instead of letting it fall back to the JWT secret."""
    docs = objects(render("values.yaml", "--set", "secret.existingSecret=motcua-prod"))
    feedback = of_kind(docs, "Deployment")["motcua-feedback"]
    [container] = feedback["spec"]["template"]["spec"]["containers"]
    [var] = [v for v in container["env"] if v["name"] == "MOTCUA_KIOSK_KEY"]
    assert var["valueFrom"]["secretKeyRef"] == {"name": "motcua-prod", "key": "MOTCUA_KIOSK_KEY"}


def test_provisioning_job_runs_before_install_and_upgrade_with_its_own_settings():
    docs = objects(render("values.yaml"))
    job = of_kind(docs, "Job")["motcua-provision"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    containers = job["spec"]["template"]["spec"]["containers"]
    # One container per service image: each image registers its own service's indexes.
    assert {c["name"]: c["image"].split(":")[0] for c in containers} == {
        s: f"motcua/{s}" for s in SERVICES
    }
    for container in containers:
        assert container["command"] == ["motcua-provision", "--topics", "--indexes"]
    refs = {next(iter(ref.values()))["name"] for c in containers for ref in c["envFrom"]}
    hooks = {
        name
        for kind in ("ConfigMap", "Secret")
        for name, obj in of_kind(docs, kind).items()
        if "helm.sh/hook" in obj["metadata"].get("annotations", {})
    }
    assert refs == hooks == {"motcua-config-provision", "motcua-secret-provision"}
    weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    for name in hooks:
        obj = of_kind(docs, "ConfigMap").get(name) or of_kind(docs, "Secret")[name]
        assert int(obj["metadata"]["annotations"]["helm.sh/hook-weight"]) < weight


def test_prometheus_rule_is_exactly_the_rules_of_deploy_prometheus():
    docs = objects(render("values.yaml"))
    [rule] = of_kind(docs, "PrometheusRule").values()
    canonical = [
        g
        for path in sorted((PROMETHEUS / "rules").glob("*.yml"))
        for g in yaml.safe_load(path.read_text())["groups"]
    ]
    assert rule["spec"]["groups"] == canonical


def test_dashboard_configmaps_are_exactly_the_dashboards_of_deploy_grafana():
    docs = objects(render("values.yaml", "--set", "monitoring.grafanaDashboards.enabled=true"))
    shipped = {
        key: value
        for cm in of_kind(docs, "ConfigMap").values()
        if cm["metadata"]["labels"].get("grafana_dashboard") == "1"
        for key, value in cm["data"].items()
    }
    canonical = {p.name: p.read_text() for p in (GRAFANA / "dashboards").glob("*.json")}
    assert shipped == canonical


@pytest.mark.parametrize(
    "link, target",
    [("files/rules", PROMETHEUS / "rules"), ("files/dashboards", GRAFANA / "dashboards")],
)
def test_chart_files_are_links_to_the_single_copy(link: str, target: Path):
    assert (CHART / link).is_symlink() and (CHART / link).resolve() == target.resolve()


def test_service_monitor_scrapes_every_service_as_the_alerts_expect():
    docs = objects(render("values.yaml"))
    [monitor] = of_kind(docs, "ServiceMonitor").values()
    [endpoint] = monitor["spec"]["endpoints"]
    assert endpoint["path"] == "/metrics" and endpoint["honorLabels"] is True
    assert {
        "targetLabel": "job",
        "replacement": "motcua-$1",
        "action": "replace",
        "sourceLabels": ["__meta_kubernetes_service_label_app_kubernetes_io_component"],
    } in endpoint["relabelings"]
    [expr] = monitor["spec"]["selector"]["matchExpressions"]
    assert sorted(expr["values"]) == sorted(SERVICES)


def rendered_with_everything() -> list[dict]:
    return objects(
        render(
            "values.yaml",
            "--set",
            "ingress.enabled=true",
            "--set",
            "ingress.className=nginx",
            "--set",
            "ingress.host=motcua.daklak.gov.vn",
            "--set",
            "ingress.pathPrefix=/motcua",
            "--set",
            "ingress.tls.enabled=true",
            "--set",
            "ingress.tls.secretName=motcua-tls",
            "--set",
            "monitoring.grafanaDashboards.enabled=true",
        )
    )


def pod_specs(docs: list[dict]) -> dict[str, dict]:
    return {
        f"{d['kind']}/{d['metadata']['name']}": d["spec"]["template"]["spec"]
        for d in docs
        if d["kind"] in ("Deployment", "Job")
    }


def test_ingress_serves_each_service_under_the_prefix_and_tells_it_its_path():
    docs = rendered_with_everything()
    validate(yaml.safe_dump_all(docs))
    [ingress] = of_kind(docs, "Ingress").values()
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"] == [{"hosts": ["motcua.daklak.gov.vn"], "secretName": "motcua-tls"}]
    [rule] = spec["rules"]
    assert rule["host"] == "motcua.daklak.gov.vn"
    paths = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert paths == {f"/motcua/{s}": f"motcua-{s}" for s in SERVICES}
    for service in SERVICES:
        pod = pod_specs(docs)[f"Deployment/motcua-{service}"]
        env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
        assert env["MOTCUA_ROOT_PATH"] == f"/motcua/{service}"
        assert env["MOTCUA_PUBLIC_BASE_URL"] == f"https://motcua.daklak.gov.vn/motcua/{service}"


def test_every_container_has_a_security_context_and_resources():
    for values in VALUES_FILES:
        docs = objects(render(values))
        for name, pod in pod_specs(docs).items():
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["automountServiceAccountToken"] is False, name
            assert pod["serviceAccountName"] == "motcua", name
            for container in pod["containers"]:
                where = f"{values} {name} {container['name']}"
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["capabilities"]["drop"] == ["ALL"], where
                assert container["resources"]["requests"]["memory"], where
                assert container["resources"]["limits"]["memory"], where
    accounts = of_kind(objects(render("values.yaml")), "ServiceAccount")
    assert accounts["motcua"]["automountServiceAccountToken"] is False


def test_pods_spread_over_nodes_and_zones():
    for name, pod in pod_specs(objects(render("values.yaml"))).items():
        if name.startswith("Job/"):
            continue
        spread = pod["topologySpreadConstraints"]
        keys = [c["topologyKey"] for c in spread]
        assert keys == ["kubernetes.io/hostname", "topology.kubernetes.io/zone"], name
        component = name.split("/")[1].removeprefix("motcua-")
        for constraint in spread:
            selected = constraint["labelSelector"]["matchLabels"]
            assert selected["app.kubernetes.io/component"] == component, name


def test_name_overrides_rename_every_object_consistently():
    docs = objects(render("values.yaml", "--set", "fullnameOverride=mc"))
    names = {d["metadata"]["name"] for d in docs}
    assert "mc-intake" in names and "mc-alertmanager" in names
    assert all(n.startswith("mc") for n in names), names
    validate(yaml.safe_dump_all(docs))
    docs = objects(render("values.yaml", "--set", "nameOverride=motcua-tinh"))
    deployments = of_kind(docs, "Deployment")
    assert "motcua-motcua-tinh-intake" in deployments
    labels = deployments["motcua-motcua-tinh-intake"]["metadata"]["labels"]
    assert labels["app.kubernetes.io/name"] == "motcua-tinh"


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("image.pullPolicy=Sometimes", "pullPolicy"),
        ("topics.partitions=0", "partitions"),
        ("ingress.pathPrefix=motcua/", "pathPrefix"),
        ("unknownKey=1", "unknownKey"),
        ("services.intake.port=notaport", "port"),
    ],
)
def test_the_schema_refuses_wrong_values(flag: str, expected: str):
    done = helm("template", "motcua", str(CHART), *SECRETS, "--set", flag)
    assert done.returncode != 0 and "schema" in done.stderr.lower(), done.stderr
    assert expected in done.stderr


def test_the_schema_leaves_room_for_the_optional_components():
    for component in ("console", "keycloak", "portal", "objectStorage"):
        done = helm(
            "template", "motcua", str(CHART), *SECRETS, "--set", f"{component}.enabled=false"
        )
        assert done.returncode == 0, done.stderr


def values_keys(values: dict, prefix: str = "") -> set[str]:
    """Documented keys: leaves, and maps whose keys the operator chooses (labels, resources…)."""
    free = {"resources", "annotations", "labels", "nodeSelector", "affinity", "podAnnotations"}
    free |= {"podSecurityContext", "securityContext", "probes", "extraEnv", "to", "egress"}
    keys = set()
    for key, value in values.items():
        path = f"{prefix}{key}"
        path = path.replace("services.intake", "services.<name>")
        path = path.replace("services.workflow", "services.<name>")
        path = path.replace("services.feedback", "services.<name>")
        if isinstance(value, dict) and value and key not in free:
            keys |= values_keys(value, f"{path}.")
        else:
            keys.add(path)
    return keys


def test_the_chart_readme_documents_every_value():
    readme = (CHART / "README.md").read_text()
    documented = set(re.findall(r"^\| `([^`]+)` \|", readme, re.MULTILINE))
    keys = values_keys(yaml.safe_load((CHART / "values.yaml").read_text()))
    assert keys - documented == set(), "undocumented values"
    assert documented - keys == set(), "documented values that do not exist"
