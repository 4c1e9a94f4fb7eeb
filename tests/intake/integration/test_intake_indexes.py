"""``motcua-provision --indexes`` creates every index intake's hot paths declare."""

from __future__ import annotations

import uuid
from importlib.metadata import entry_points

import pytest

from motcua_intake.main import ensure_indexes
from motcua_platform.mongo import connect


async def test_provisioning_creates_the_declared_indexes(
    mongo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"test_indexes_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("MOTCUA_MONGO_URL", mongo_url)
    monkeypatch.setenv("MOTCUA_DB_NAME", name)
    await ensure_indexes()
    client = connect(mongo_url)
    try:
        db = client[name]
        dossiers = set(await db["dossiers"].index_information())
        expected = {
            "outbox_pending",
            "queue_by_receiving_unit",
            "queue_by_competent_unit",
            "by_citizen",
        }
        assert expected <= (dossiers)
        assert "by_citizen" in await db["access_log"].index_information()
        assert "expiry" in await db["lookup_throttle"].index_information()
    finally:
        await client.drop_database(name)
        await client.close()
    registered = {ep.name: ep.value for ep in entry_points(group="motcua.indexes")}
    assert registered.get("intake") == "motcua_intake.main:ensure_indexes"
