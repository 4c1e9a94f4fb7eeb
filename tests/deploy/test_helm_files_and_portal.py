"""deploy/helm/motcua: the object store of the files of dossiers and the citizens' portal."""

import subprocess

from deploy_support import HELM_SECRETS as SECRETS
from deploy_support import helm_template, objects_by_kind_and_name, run, tool

PORTAL = [
    "--set",
    "portal.enabled=true",
    "--set",
    "portal.existingSecret=motcua-portal-secret",
    "--set",
    "portal.publicBaseUrl=https://dichvucong.example.gov.vn",
    "--set",
    "portal.oidcIssuer=https://sso.example.gov.vn/realms/citizens",
    "--set",
    "citizenOidc.jwksUrl=https://sso.example.gov.vn/realms/citizens/protocol/openid-connect/certs",
    "--set",
    "citizenOidc.issuer=https://sso.example.gov.vn/realms/citizens",
]


def render(*extra: str) -> subprocess.CompletedProcess[str]:
    return helm_template(*SECRETS, *extra)


def test_the_object_store_runs_by_default_and_only_intake_reaches_it():
    done = render()
    assert done.returncode == 0, done.stderr
    docs = objects_by_kind_and_name(done.stdout)
    assert ("StatefulSet", "motcua-objectstore") in docs
    config = docs[("ConfigMap", "motcua-config")]["data"]
    assert config["MOTCUA_S3_ENDPOINT"] == "http://motcua-objectstore:8333"
    ingress = docs[("NetworkPolicy", "motcua-objectstore")]["spec"]["ingress"]
    [source] = ingress[0]["from"]
    assert source["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "intake"
    run([tool("k8svalidate")], stdin=done.stdout)


def test_an_external_store_replaces_the_built_in_one():
    done = render(
        "--set",
        "objectStorage.seaweedfs.enabled=false",
        "--set",
        "objectStorage.endpoint=https://s3.example.gov.vn",
    )
    assert done.returncode == 0, done.stderr
    docs = objects_by_kind_and_name(done.stdout)
    assert ("StatefulSet", "motcua-objectstore") not in docs
    assert docs[("ConfigMap", "motcua-config")]["data"]["MOTCUA_S3_ENDPOINT"] == (
        "https://s3.example.gov.vn"
    )


def test_the_portal_renders_valid_objects_with_its_secrets_from_an_existing_secret():
    done = render(*PORTAL)
    assert done.returncode == 0, done.stderr
    docs = objects_by_kind_and_name(done.stdout)
    [container] = docs[("Deployment", "motcua-portal")]["spec"]["template"]["spec"]["containers"]
    env = {v["name"]: v for v in container["env"]}
    assert env["MOTCUA_PORTAL_INTAKE_URL"]["value"] == "http://motcua-intake:8001"
    assert env["MOTCUA_PORTAL_SESSION_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "motcua-portal-secret",
        "key": "MOTCUA_PORTAL_SESSION_SECRET",
    }
    config = docs[("ConfigMap", "motcua-config")]["data"]
    assert config["MOTCUA_CITIZEN_OIDC_ISSUER"] == "https://sso.example.gov.vn/realms/citizens"
    run([tool("k8svalidate"), "-exists", "Secret/motcua-portal-secret"], stdin=done.stdout)


def test_the_portal_needs_its_address_and_secret():
    done = render("--set", "portal.enabled=true")
    assert done.returncode != 0 and "portal.existingSecret is required" in done.stderr
