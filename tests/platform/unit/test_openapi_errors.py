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
