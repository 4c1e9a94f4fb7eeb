"""The chart's officials' console (templates/console.yaml): off by default, and when enabled a
valid Deployment with probes, Service, HPA, NetworkPolicies and ServiceMonitor that reaches the
three APIs and the identity provider."""

from __future__ import annotations

from deploy_support import ALERTMANAGER_SETTINGS, helm_template, objects_by_kind_and_name, run, tool

BASE = ["--set-string", "secret.existingSecret=motcua-secrets", *ALERTMANAGER_SETTINGS]
CONSOLE = [
    "--set",
    "console.enabled=true",
    "--set-string",
    "console.publicBaseUrl=https://motcua.example.gov.vn",
    "--set-string",
    "console.oidc.issuer=https://sso.example.gov.vn/realms/officials",
    "--set-string",
    "console.existingSecret=motcua-console",
]


def test_console_is_off_until_its_realm_is_configured() -> None:
    done = helm_template(*BASE)
    assert done.returncode == 0, done.stderr
    assert not [key for key in objects_by_kind_and_name(done.stdout) if key[1] == "motcua-console"]
    refused = helm_template(*BASE, "--set", "console.enabled=true")
    assert refused.returncode != 0 and "console.oidc.issuer" in refused.stderr


def test_enabled_console_renders_valid_objects_wired_to_the_apis_and_the_realm() -> None:
    done = helm_template(*BASE, *CONSOLE)
    assert done.returncode == 0, done.stderr
    run(
        [
            tool("k8svalidate"),
            "-exists",
            "Secret/motcua-secrets",
            "-exists",
            "Secret/motcua-console",
        ],
        stdin=done.stdout,
    )
    docs = objects_by_kind_and_name(done.stdout)
    pod = docs[("Deployment", "motcua-console")]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MOTCUA_INTAKE_URL"] == "http://motcua-intake:8001"
    assert env["MOTCUA_OIDC_ISSUER"] == "https://sso.example.gov.vn/realms/officials"
    assert env["MOTCUA_SIMULATION"] == "0"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    secrets = {e["name"] for e in container["env"] if "valueFrom" in e}
    assert secrets == {"MOTCUA_OIDC_CLIENT_SECRET", "MOTCUA_SESSION_SECRET"}
    for kind in ("Service", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor"):
        assert (kind, "motcua-console") in docs, kind
    assert ("NetworkPolicy", "motcua-console-to-apis") in docs
