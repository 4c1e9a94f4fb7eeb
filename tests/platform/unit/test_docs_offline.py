"""The API pages load nothing from outside: every script, style and icon of /docs and /asyncapi is
served by the service itself (also under an ingress path prefix)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from motcua_platform.http.app import create_app
from motcua_platform.metrics import PlatformMetrics

REFERENCE = re.compile(r'(?:src|href)="([^"]*)"|(?:url|css_url|js_url)\s*[:=]\s*["\']([^"\']+)')


async def ready() -> dict[str, bool]:
    return {}


def references(page: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(page)]


async def assert_self_contained(client: httpx.AsyncClient, path: str, prefix: str) -> str:
    page = await client.get(f"{prefix}{path}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    found = references(page.text)
    assert found, page.text[:500]
    assert not re.search(r"https?://", page.text.split("<script>")[0]), page.text[:800]
    for url in found:
        if url.startswith("data:"):
            continue
        assert url.startswith(f"{prefix}/"), url
        asset = await client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    return page.text


@pytest.mark.parametrize("prefix", ["", "/intake"])
async def test_swagger_ui_is_served_from_the_package(prefix: str) -> None:
    app = create_app(title="t", metrics=PlatformMetrics("t"), readiness=ready, root_path=prefix)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        page = await assert_self_contained(client, "/docs", prefix)
        assert f"{prefix}/openapi.json" in page
        assert (await client.get(f"{prefix}/redoc")).status_code == 404


@pytest.fixture(scope="module")
def workflow_app() -> FastAPI:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_JWT_SECRET", "docs-test-secret")
        from motcua_workflow.main import build_app

        return build_app()


async def test_the_asyncapi_page_is_served_from_the_package(workflow_app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=workflow_app), base_url="http://t"
    ) as client:
        page = await assert_self_contained(client, "/asyncapi", "")
        document = (await client.get("/asyncapi.json")).json()
    assert document["asyncapi"].startswith("3.") and '"channels"' in page


async def test_the_asyncapi_document_has_one_typed_message_per_event_type(
    workflow_app: FastAPI,
) -> None:
    from motcua_platform.contracts import EVENT_TYPES
    from motcua_platform.http.asyncapi_doc import topic_of

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=workflow_app), base_url="http://t"
    ) as client:
        document = (await client.get("/asyncapi.json")).json()
    schemas = document["components"]["schemas"]
    seen: set[str] = set()
    for name, channel in document["channels"].items():
        address = channel["address"]
        if address.endswith(".dlq"):
            continue
        expected = {t for t in EVENT_TYPES if address.endswith(topic_of(t))}
        assert set(channel["messages"]) == expected, name
        for event_type, ref in channel["messages"].items():
            message = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[-1]]
            payload = message["payload"]
            assert payload["properties"]["type"]["const"] == event_type
            model = payload["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
            assert model == EVENT_TYPES[event_type].__name__
            assert set(schemas[model]["properties"]) == set(EVENT_TYPES[event_type].model_fields)
            seen.add(event_type)
    # Workflow publishes case events and consumes intake's and feedback's.
    assert {t for t in EVENT_TYPES if t.startswith("case.")} <= seen
    assert {t for t in EVENT_TYPES if t.startswith("dossier.")} <= seen
    for operation in document["operations"].values():
        channel = document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[-1]]
        assert len(operation["messages"]) == len(channel["messages"])
