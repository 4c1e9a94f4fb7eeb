"""Behind an ingress path prefix (MOTCUA_ROOT_PATH): the app answers with or without the prefix,
whether or not the ingress strips it, and its API document names the prefix as its server."""

import httpx
import pytest

from motcua_platform.http.app import create_app
from motcua_platform.metrics import PlatformMetrics


async def ready() -> dict[str, bool]:
    return {"database": True}


@pytest.mark.parametrize("prefix", ["/intake", "/motcua/intake/"])
async def test_the_prefix_is_honoured_in_routes_and_documents(prefix: str) -> None:
    app = create_app(title="t", metrics=PlatformMetrics("t"), readiness=ready, root_path=prefix)
    served = prefix.rstrip("/")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        assert (await client.get(f"{served}/healthz")).json() == {"status": "ok"}
        assert (await client.get("/healthz")).status_code == 200  # an ingress that strips it
        spec = (await client.get(f"{served}/openapi.json")).json()
        assert spec["servers"] == [{"url": served}]
        docs = (await client.get(f"{served}/docs")).text
        assert f"{served}/openapi.json" in docs
        assert (await client.get(f"{served}/nowhere")).status_code == 404


async def test_without_a_prefix_nothing_changes() -> None:
    app = create_app(title="t", metrics=PlatformMetrics("t"), readiness=ready)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert "servers" not in (await client.get("/openapi.json")).json()
