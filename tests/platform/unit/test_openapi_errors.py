"""The three OpenAPI documents declare the one error body the API really returns, for every
operation: 4XX and 5XX answers are ErrorBody, and no FastAPI default (HTTPValidationError) that the
API never sends is documented."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from motcua_platform.errors import ErrorBody

SERVICES = ("intake", "workflow", "feedback")


@pytest.fixture(scope="module")
def apps(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, FastAPI]:
    from motcua_feedback.main import build_app as feedback
    from motcua_intake.main import build_app as intake
    from motcua_workflow.main import build_app as workflow

    return {"intake": intake(), "workflow": workflow(), "feedback": feedback()}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_JWT_SECRET", "openapi-test-secret")
        mp.setenv("MOTCUA_PSEUDONYM_KEY", "openapi-test-pseudonym")
        mp.setenv("MOTCUA_KIOSK_KEY", "openapi-test-kiosk-key-32-chars!")
        yield mp


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_the_one_error_body(apps: dict[str, FastAPI], service: str):
    spec = apps[service].openapi()
    assert "HTTPValidationError" not in json.dumps(spec)
    assert spec["components"]["schemas"]["ErrorBody"]["required"] == ["error"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status in ("4XX", "5XX"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)


@pytest.mark.parametrize("service", SERVICES)
async def test_the_errors_sent_have_that_body(apps: dict[str, FastAPI], service: str):
    app = apps[service]
    spec = app.openapi()
    # An official's page asked without a token: 401 from the auth dependency.
    guarded = {
        "intake": "/dossiers/H15.01.36-261130-0001",
        "workflow": "/tasks",
        "feedback": "/complaints",
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
    ) as client:
        answers = [
            await client.get("/no/such/route"),
            await client.get(guarded[service]),
            await client.post(_posts(spec)[0], content=b"{not json"),
        ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.text
        ErrorBody.model_validate(answer.json())


def _posts(spec: dict) -> list[str]:
    return [path for path, item in spec["paths"].items() if "post" in item]


# Answers that are not a JSON object of our own: the service's AsyncAPI document and the
# health probe's plain map.
UNTYPED = {("get", "/asyncapi.json"), ("get", "/healthz")}


@pytest.mark.parametrize("service", SERVICES)
def test_every_json_answer_is_a_declared_model(apps: dict[str, FastAPI], service: str):
    """No operation answers a bare object: each 2xx JSON body names its model, whose fields are
    typed (no field without a type) — what an integrator generates a client from."""
    spec = apps[service].openapi()
    schemas = spec["components"]["schemas"]
    untyped = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if (method, path) in UNTYPED:
                continue
            for status, answer in operation["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if not status.startswith("2") or schema is None:
                    continue
                refs = [schema] if "$ref" in schema else schema.get("anyOf", [])
                if not refs or not all("$ref" in ref for ref in refs):
                    untyped.append(f"{method.upper()} {path} {status}")
                for ref in refs:
                    model = schemas[ref["$ref"].rsplit("/", 1)[1]]
                    for name, field in model.get("properties", {}).items():
                        if not ({"type", "$ref", "anyOf", "allOf", "enum", "const"} & set(field)):
                            untyped.append(f"{method.upper()} {path}: {name} has no type")
    assert not untyped, untyped


@pytest.mark.parametrize("service", SERVICES)
def test_every_list_pages_by_cursor(apps: dict[str, FastAPI], service: str):
    """One pagination style: an answer with items has next_cursor, and its operation takes
    cursor and limit."""
    spec = apps[service].openapi()
    schemas = spec["components"]["schemas"]
    lists = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            schema = operation["responses"].get("200", {}).get("content", {})
            ref = schema.get("application/json", {}).get("schema", {}).get("$ref")
            if ref is None:
                continue
            properties = schemas[ref.rsplit("/", 1)[1]].get("properties", {})
            if "items" not in properties:
                continue
            lists += 1
            assert "next_cursor" in properties, (method, path)
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert {"cursor", "limit"} <= names, (method, path, names)
    assert lists > 0
