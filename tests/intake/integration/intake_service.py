"""Helpers of the intake integration tests: the running service, its published events, its
database (a uniquely named module, so other services' test helpers cannot shadow it)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from motcua_platform.contracts import WORKFLOW_TOPIC, Envelope, new_event_id
from motcua_platform.mongo import connect
from support.stack import ServiceProcess, Stack, auth, eventually

COMMUNE = "H15.01.36"  # Phường Buôn Ma Thuột, demo province Đắk Lắk
OTHER_COMMUNE = "H15.01.38"  # Phường Tân An
CITIZEN = "079203001234"  # Nguyễn Văn An, in the demo registry, lives in H15.01.36
BIRTH = "1.001193"  # Đăng ký khai sinh: same day, on the spot allowed, online and postal
BIRTH_DOCUMENTS = [
    {"component": "to_khai", "form": "original"},
    {"component": "giay_chung_sinh", "form": "original", "digitized": True},
]
ONLINE_BIRTH_DOCUMENTS = [
    {"component": "to_khai", "form": "electronic"},
    {"component": "giay_chung_sinh", "form": "electronic"},
]


class Days:
    """Hands out distinct working days, so each test numbers its dossiers from 0001."""

    def __init__(self, start: date) -> None:
        self.day = start

    def next(self) -> date:
        self.day += timedelta(days=1)
        while self.day.weekday() >= 5:
            self.day += timedelta(days=1)
        return self.day


class EventLog:
    """Every event on the intake topic of this stack, by dossier code."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"check-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
        )
        self.raw: dict[str, list[bytes]] = defaultdict(list)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for record in self.consumer:
            self.raw[record.key.decode()].append(record.value)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.consumer.stop()

    async def events(self, code: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """The first ``count`` events of a dossier (waits for them)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.raw[code]) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{code}: {len(self.raw[code])} of {count} events arrived")
            await asyncio.sleep(0.05)
        return [json.loads(value) for value in self.raw[code]]


class Intake:
    """The running service and helpers to call it."""

    def __init__(self, stack: Stack, process: ServiceProcess, events: EventLog) -> None:
        self.stack = stack
        self.process = process
        self.url = process.url
        self.events = events
        self.http = httpx.AsyncClient(base_url=process.url, timeout=30)
        self.client = connect(stack.mongo)
        self.db = self.client[process.env["MOTCUA_DB_NAME"]]

    async def submit(
        self,
        day: date,
        *,
        unit: str = COMMUNE,
        hour: str = "09:00",
        role: str = "receiver",
        key: str | None = None,
        subject: str | None = None,
        **fields: Any,
    ) -> httpx.Response:
        body = {
            "procedure_code": BIRTH,
            "channel": "counter",
            "receiving_unit": unit,
            "applicant": {"personal_id": CITIZEN},
            "documents": BIRTH_DOCUMENTS,
            "accept": True,
            "at": f"{day.isoformat()}T{hour}:00+07:00",
            **fields,
        }
        headers = {**auth(role, unit, subject), "Idempotency-Key": key or uuid.uuid4().hex}
        return await self.http.post("/dossiers", json=body, headers=headers)

    async def command(
        self, code: str, action: str, body: dict[str, Any], *, unit: str = COMMUNE
    ) -> httpx.Response:
        headers = {**auth("receiver", unit), "Idempotency-Key": uuid.uuid4().hex}
        return await self.http.post(f"/dossiers/{code}/{action}", json=body, headers=headers)

    async def metric(self, name: str, labels: dict[str, str]) -> float:
        text = (await self.http.get("/metrics")).text
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for line in text.splitlines():
            if line.startswith(f"{name}{{") and _labels(line) == wanted:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    async def close(self) -> None:
        await self.http.aclose()
        await self.client.close()


def _labels(line: str) -> str:
    inside = line[line.index("{") + 1 : line.index("}")]
    return ",".join(sorted(inside.split(",")))


def official(unit: str = COMMUNE, role: str = "receiver") -> dict[str, str]:
    return auth(role, unit)


async def wait_status(intake: Intake, code: str, status: int, timeout: float = 20.0) -> None:
    """Until the dossier (as officials see it) reaches ``status``."""

    async def reached() -> bool:
        view = (await intake.http.get(f"/dossiers/{code}", headers=official())).json()
        return view["status"] == status

    await eventually(reached, timeout=timeout)


async def publish_raw(intake: Intake, topic: str, key: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=intake.stack.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(intake.stack.namespace + topic, value, key=key.encode())
    finally:
        await producer.stop()


async def publish_workflow_event(
    intake: Intake, code: str, seq: int, event_type: str, data: dict[str, Any]
) -> None:
    """Publish an event as the workflow service would (it is not running in these tests)."""
    envelope = Envelope(
        id=new_event_id(),
        type=event_type,
        source="workflow",
        subject=code,
        time=datetime.fromisoformat(data["at"]),
        seq=seq,
        data={"unit": COMMUNE, "procedure_code": BIRTH, **data},
    )
    await publish_raw(intake, WORKFLOW_TOPIC, code, envelope.to_json())
