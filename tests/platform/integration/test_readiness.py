"""Ready means "can serve requests": the database. A service whose Kafka broker is unreachable
stays ready (the outbox keeps the counter working) and says so in its broker gauge."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from motcua_platform.runtime import ServiceRuntime
from motcua_platform.settings import PlatformSettings

pytestmark = pytest.mark.integration


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def runtime_with_broker(kafka: str, mongo_url: str, run_id: str) -> ServiceRuntime:
    settings = PlatformSettings(
        service_name="readiness",
        kafka_bootstrap=kafka,
        mongo_url=mongo_url,
        db_name=f"test_{run_id}_readiness",
        jwt_secret="readiness-test-signing-key-0123456789",
    )
    return ServiceRuntime(settings, publishes="motcua.readiness.v1", outbox_collections=[])


def broker_gauge(text: str) -> float:
    [family] = [
        f for f in text_string_to_metric_families(text) if f.name == "motcua_broker_reachable"
    ]
    return float(family.samples[0].value)


async def test_an_unreachable_broker_leaves_the_service_ready(mongo_url: str, run_id: str) -> None:
    runtime = runtime_with_broker(f"127.0.0.1:{unused_port()}", mongo_url, run_id)
    app = runtime.create_app("readiness")
    try:
        assert await runtime.broker_reachable() is False
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
            r = await http.get("/readyz")
            assert r.status_code == 200, r.text
            assert r.json() == {"status": "ready", "checks": {"database": True}}
    finally:
        await runtime.client.close()


async def test_the_broker_gauge_follows_the_probe(
    mongo_url: str, run_id: str, kafka_bootstrap: str
) -> None:
    for kafka, expected in ((kafka_bootstrap, 1.0), (f"127.0.0.1:{unused_port()}", 0.0)):
        runtime = runtime_with_broker(kafka, mongo_url, run_id)
        try:
            if expected:
                await runtime.broker.start()
            probe = asyncio.create_task(runtime._probe_broker())
            seen = None
            for _ in range(150):  # the probe answers every few seconds
                body = (await _metrics(runtime)).decode()
                seen = broker_gauge(body) if "motcua_broker_reachable{" in body else None
                if seen == expected:
                    break
                await asyncio.sleep(0.1)
            probe.cancel()
            assert seen == expected
        finally:
            await runtime.broker.stop()
            await runtime.client.close()


async def _metrics(runtime: ServiceRuntime) -> bytes:
    transport = httpx.ASGITransport(app=runtime.create_app("readiness"))
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        return (await http.get("/metrics")).content
