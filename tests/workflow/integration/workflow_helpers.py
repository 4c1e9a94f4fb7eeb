"""Helpers of the workflow integration tests: intake events published as intake would (proper
envelopes, seq 1..n per dossier), an HTTP client for the workflow API, and readers of the
workflow topic and database."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts import INTAKE_TOPIC, WORKFLOW_TOPIC, Envelope
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierSubmitted,
    DossierSupplementSubmitted,
    DossierWithdrawalRequested,
    EventData,
)
from motcua_platform.mongo import connect
from support.stack import ServiceProcess, Stack, auth, eventually
from support.topics import topic_events

CAL = WorkingCalendar()
OFFICIAL_ROLES = ["receiver", "specialist", "leader"]

# Internal steps as intake's catalogue publishes them (units named by side).
COUNTER_STEPS = [
    {"name": "Tiếp nhận, chuyển hồ sơ", "role": "receiver", "hours": 2, "unit": "receiving"},
    {"name": "Thẩm định", "role": "specialist", "hours": 16, "unit": "competent"},
    {"name": "Ký duyệt", "role": "leader", "hours": 4, "unit": "competent"},
    {"name": "Trả kết quả", "role": "receiver", "hours": 2, "unit": "receiving"},
]
SAME_DAY_STEPS = [
    {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": "receiver", "hours": 2, "unit": "receiving"},
    {"name": "Thẩm định, dự thảo kết quả", "role": "specialist", "hours": 3, "unit": "competent"},
    {"name": "Xem xét, ký duyệt", "role": "leader", "hours": 2, "unit": "competent"},
    {"name": "Vào sổ, trả kết quả", "role": "receiver", "hours": 1, "unit": "receiving"},
]


def vn(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def idem() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    hours: float
    same_day: bool = False
    steps: tuple[dict[str, Any], ...] = ()


BIRTH = Procedure("1.001193", "Đăng ký khai sinh", 8, True, tuple(SAME_DAY_STEPS))
MARITAL = Procedure(
    "1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", 24, False, tuple(COUNTER_STEPS)
)
COPY = Procedure("2.000908", "Chứng thực bản sao từ bản chính", 8, True)
RESIDENCE = Procedure("1.003583", "Xác nhận thông tin về cư trú", 40)


def accepted(
    procedure: Procedure,
    at: datetime,
    unit: str,
    *,
    receiving_unit: str | None = None,
    channel: str = "counter",
    policy: str = "pause",
    on_the_spot: bool = False,
    received_by: str | None = None,
) -> DossierAccepted:
    """A ``dossier.accepted`` payload with the due time from the working calendar."""
    extra = {"received_by": received_by} if received_by else {}
    return DossierAccepted.model_validate(
        {
            "procedure_code": procedure.code,
            "procedure_version": "2024.1",
            "procedure_name": procedure.name,
            "channel": channel,
            "receiving_unit": receiving_unit or unit,
            "competent_unit": unit,
            "submitted_at": at,
            "applicant": {"key": "k3y-" + uuid.uuid4().hex[:8], "full_name": "Nguyễn Thị Hoa"},
            "accepted_at": at,
            "due_at": CAL.due_at(at, procedure.hours, same_day=procedure.same_day),
            "allotted_hours": procedure.hours,
            "same_day": procedure.same_day,
            "on_the_spot": on_the_spot,
            "steps": list(procedure.steps),
            "supplement_policy": policy,
            "competent_unit_name": "UBND xã Hòa Thắng",
            **extra,
        }
    )


def submitted(data: DossierAccepted) -> DossierSubmitted:
    fields = {name: getattr(data, name) for name in DossierSubmitted.model_fields}
    return DossierSubmitted.model_validate(fields)


def supplement_back(at: datetime) -> DossierSupplementSubmitted:
    return DossierSupplementSubmitted(documents=[{"component": "to_khai"}], at=at)


def withdrawal(reason: str, at: datetime) -> DossierWithdrawalRequested:
    return DossierWithdrawalRequested(reason=reason, at=at)


class IntakeFeed:
    """Publishes intake events to the stack's intake topic, numbering them per dossier."""

    def __init__(self, stack: Stack) -> None:
        self.topic = stack.namespace + INTAKE_TOPIC
        self.kafka = stack.kafka
        self.seq: dict[str, int] = defaultdict(int)
        self.producer: AIOKafkaProducer | None = None

    async def __aenter__(self) -> IntakeFeed:
        self.producer = AIOKafkaProducer(bootstrap_servers=self.kafka, acks="all")
        await self.producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.producer is not None
        await self.producer.stop()

    async def publish(self, code: str, *events: tuple[EventData, datetime]) -> None:
        assert self.producer is not None
        for data, at in events:
            self.seq[code] += 1
            envelope = Envelope.wrap(
                data, source="intake", subject=code, seq=self.seq[code], time=at
            )
            await self.producer.send(self.topic, envelope.to_json(), key=code.encode())
        await self.producer.flush()


@dataclass
class Workflow:
    """The workflow API of one process, as the given official."""

    http: httpx.AsyncClient
    url: str
    unit: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, http: httpx.AsyncClient, svc: ServiceProcess, unit: str, **kw: Any) -> Workflow:
        subject = kw.pop("subject", "can-bo-1")
        roles = kw.pop("roles", OFFICIAL_ROLES)
        return cls(http, svc.url, unit, auth(roles, unit, subject=subject))

    async def case(self, code: str, **params: str) -> httpx.Response:
        return await self.http.get(f"{self.url}/cases/{code}", headers=self.headers, params=params)

    async def post(self, code: str, action: str, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            f"{self.url}/cases/{code}/{action}", json=body, headers={**self.headers, **idem()}
        )

    async def ok(self, code: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.post(code, action, body)
        assert r.status_code == 200, r.text
        return r.json()

    async def wait_for_case(self, code: str, status: int | None = None) -> dict[str, Any]:
        async def known() -> dict[str, Any] | None:
            r = await self.case(code)
            if r.status_code != 200:
                return None
            body = r.json()
            return body if status is None or body["status"] == status else None

        return await eventually(known)

    async def finish(
        self, code: str, resolve_at: datetime, *, return_at: datetime | None = None
    ) -> dict[str, Any]:
        """Complete every remaining step at evenly spaced times, resolve, return."""
        case = (await self.case(code)).json()
        start = datetime.fromisoformat(case["updated_at"])
        todo = [s for s in case["steps"] if s["completed_at"] is None]
        gap = (resolve_at - start) / (len(todo) + 1)
        for number, _ in enumerate(todo, start=1):
            await self.ok(code, "complete-step", {"at": iso(start + gap * number)})
        await self.ok(code, "resolve", {"outcome": "approved", "at": iso(resolve_at)})
        return await self.ok(
            code, "return", {"channel": "counter", "at": iso(return_at or resolve_at)}
        )

    async def summary(self, start: str, end: str, at: datetime | None = None) -> dict[str, Any]:
        params = {"unit": self.unit, "from": start, "to": end}
        if at is not None:
            params["at"] = iso(at)
        r = await self.http.get(f"{self.url}/reports/summary", params=params, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def tick(self, at: datetime) -> dict[str, Any]:
        r = await self.http.post(
            f"{self.url}/admin/tick", json={"at": iso(at)}, headers=auth("admin", "H15")
        )
        assert r.status_code == 200, r.text
        return r.json()


async def workflow_events(stack: Stack) -> list[dict[str, Any]]:
    """Every event on the stack's workflow topic so far."""
    return await topic_events(stack.kafka, stack.namespace + WORKFLOW_TOPIC)


async def outbox_drained(stack: Stack) -> None:
    """Wait until the relay has published every event written so far."""
    async with database(stack) as db:

        async def drained() -> bool:
            return await db["cases"].count_documents({"outbox_pending": True}) == 0

        await eventually(drained)


class database:
    def __init__(self, stack: Stack) -> None:
        self.client = connect(stack.mongo)
        self.name = f"e2e_{stack.run_id}_workflow"

    async def __aenter__(self) -> Any:
        return self.client[self.name]

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()


async def gather_limited(limit: int, *coroutines: Any) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine: Any) -> Any:
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))
