"""The chart's Keycloak (templates/keycloak.yaml): off by default; when enabled a valid Deployment
importing the realm files from a ConfigMap, with probes on the management port, a non-root
security context, the database from values and a Service the console reaches."""

from __future__ import annotations

import json

from deploy_support import DEPLOY, helm_template, objects_by_kind_and_name, run, tool
from test_helm_console import BASE, CONSOLE

KEYCLOAK = [
    "--set",
    "keycloak.enabled=true",
    "--set-string",
    "keycloak.hostname=https://sso.example.gov.vn",
    "--set-string",
    "keycloak.existingSecret=motcua-keycloak",
    "--set-string",
    "keycloak.database.url=jdbc:postgresql://postgres.postgres.svc:5432/keycloak",
]


def test_keycloak_is_off_by_default_and_refuses_to_run_half_configured() -> None:
    done = helm_template(*BASE)
    assert done.returncode == 0, done.stderr
    assert not [
        key for key in objects_by_kind_and_name(done.stdout) if key[1].startswith("motcua-keycloak")
    ]
    for missing in ("hostname", "existingSecret", "database.url"):
        refused = helm_template(*BASE, *KEYCLOAK, "--set-string", f"keycloak.{missing}=")
        assert refused.returncode != 0 and f"keycloak.{missing}" in refused.stderr, missing
    wrong = helm_template(*BASE, *KEYCLOAK, "--set", "keycloak.database.vendor=sqlite")
    assert wrong.returncode != 0 and "vendor" in wrong.stderr


def test_enabled_keycloak_imports_the_realms_and_runs_on_the_database_from_values() -> None:
    done = helm_template(*BASE, *CONSOLE, *KEYCLOAK)
    assert done.returncode == 0, done.stderr
    run(
        [
            tool("k8svalidate"),
            "-exists",
            "Secret/motcua-secrets",
            "-exists",
            "Secret/motcua-console",
            "-exists",
            "Secret/motcua-keycloak",
        ],
        stdin=done.stdout,
    )
    docs = objects_by_kind_and_name(done.stdout)
    realms = docs[("ConfigMap", "motcua-keycloak-realms")]["data"]
    for name in ("officials", "citizens"):
        shipped = json.loads((DEPLOY / "keycloak" / "realms" / f"{name}.json").read_text())
        assert json.loads(realms[f"{name}.json"]) == shipped
    pod = docs[("Deployment", "motcua-keycloak")]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["start", "--import-realm"]
    assert {"mountPath": "/opt/keycloak/data/import", "name": "realms", "readOnly": True} in (
        container["volumeMounts"]
    )
    [realm_volume] = [v for v in pod["volumes"] if v["name"] == "realms"]
    assert realm_volume["configMap"]["name"] == "motcua-keycloak-realms"
    env = {e["name"]: e for e in container["env"]}
    assert env["KC_DB"]["value"] == "postgres"
    assert env["KC_DB_URL"]["value"] == "jdbc:postgresql://postgres.postgres.svc:5432/keycloak"
    assert env["KC_HOSTNAME"]["value"] == "https://sso.example.gov.vn"
    assert env["KC_DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "motcua-keycloak"
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "management"}
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["limits"]["memory"]
    service = docs[("Service", "motcua-keycloak")]["spec"]
    assert service["ports"][0]["port"] == 8080
    # The release's pods may reach it (tokens, JWKS); it reaches its database.
    egress = docs[("NetworkPolicy", "motcua-to-keycloak")]["spec"]["egress"]
    assert egress[0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    own = docs[("NetworkPolicy", "motcua-keycloak")]["spec"]["egress"]
    assert own[0]["ports"] == [{"port": 5432, "protocol": "TCP"}]


def test_a_provinces_own_realm_files_replace_the_demo_ones() -> None:
    done = helm_template(
        *BASE, *KEYCLOAK, "--set-string", "keycloak.realms.existingConfigMap=realms-dl"
    )
    assert done.returncode == 0, done.stderr
    docs = objects_by_kind_and_name(done.stdout)
    assert ("ConfigMap", "motcua-keycloak-realms") not in docs
    pod = docs[("Deployment", "motcua-keycloak")]["spec"]["template"]["spec"]
    [realm_volume] = [v for v in pod["volumes"] if v["name"] == "realms"]
    assert realm_volume["configMap"]["name"] == "realms-dl"
