"""Fixtures of the feedback tests that run the service as a real process on the real broker and
database: the process itself, a stand-in for the workflow service that publishes case events, and
a reader of the service's metrics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from motcua_platform.contracts import WORKFLOW_TOPIC, Envelope
from motcua_platform.contracts.events import (
    CaseOverdue,
    CaseResolved,
    CaseReturned,
    CaseStepCompleted,
    CaseStepStarted,
    Channel,
    EventData,
    Timeliness,
)

BIRTH_REGISTRATION = "1.001193"


@pytest.fixture(scope="session")
async def feedback_stack(stack_factory: Any) -> Any:
    """One feedback process for the session; tests keep apart by using their own units and
    counters."""
    stack = await stack_factory()
    stack.start("feedback")
    stack.services["feedback"].wait_ready()
    return stack


@pytest.fixture(scope="session")
def feedback_url(feedback_stack: Any) -> str:
    return feedback_stack.url("feedback")


class WorkflowFeed:
    """Plays the workflow service: publishes ``case.*`` envelopes (source ``workflow``), each
    dossier's events numbered 1, 2, 3, … as the real outbox would."""

    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.topic = stack.namespace + WORKFLOW_TOPIC
        self.producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all")
        self.seq: defaultdict[str, int] = defaultdict(int)

    def now(self) -> datetime:
        """The stack's simulated now, never the machine's: the events of a test are set in the
        same simulated time as the service that reads them."""
        return self.stack.now().replace(microsecond=0)

    async def emit(self, code: str, data: EventData, at: datetime) -> Envelope:
        self.seq[code] += 1
        envelope = Envelope.wrap(data, source="workflow", subject=code, seq=self.seq[code], time=at)
        await self.send_raw(code.encode(), envelope.to_json())
        return envelope

    async def send_raw(self, key: bytes, value: bytes) -> None:
        await self.producer.send_and_wait(self.topic, value, key=key)

    async def return_dossier(
        self,
        code: str,
        unit: str,
        counter: str | None,
        at: datetime,
        *,
        timeliness: Timeliness = Timeliness.ON_TIME,
        overdue: bool = False,
        applicant_name: str = "Nguyễn Thị Lan",
    ) -> None:
        """A case from its first step to the result handed over at ``counter``; ``overdue`` adds
        the deadline scanner's ``case.overdue`` before the (late) return."""
        base = {"unit": unit, "procedure_code": BIRTH_REGISTRATION}
        due = at - timedelta(hours=2) if overdue else at + timedelta(hours=2)
        step = {"step": 0, "name": "Thẩm định", "step_unit": unit, "assignee": "cb-07"}
        events: list[EventData] = [
            CaseStepStarted(**base, **step, at=at, allotted_hours=4, due_at=due),
            CaseStepCompleted(**base, **step, at=at, allotted_hours=4, timeliness=timeliness),
            CaseResolved(**base, at=at, outcome="approved"),  # ignored by feedback: seq only
        ]
        if overdue:
            events.append(CaseOverdue(**base, at=due + timedelta(minutes=1), due_at=due))
        events.append(
            CaseReturned(
                **base,
                at=at,
                returned_at=at,
                channel=Channel.COUNTER if counter else Channel.POSTAL,
                timeliness=Timeliness.LATE if overdue else timeliness,
                due_at=due,
                applicant_name=applicant_name,
                counter=counter,
                procedure_name="Đăng ký khai sinh",
                returned_by="cb-01",
            )
        )
        for event in events:
            await self.emit(code, event, at)


@pytest.fixture(scope="session")
async def workflow(feedback_stack: Any) -> AsyncIterator[WorkflowFeed]:
    feed = WorkflowFeed(feedback_stack)
    await feed.producer.start()
    yield feed
    await feed.producer.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


@pytest.fixture
def metric(feedback_url: str) -> Callable[..., Awaitable[float]]:
    """``await metric(name, **labels)``: the sample's current value on ``/metrics`` (0 if none)."""

    async def read(name: str, **labels: str) -> float:
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"{feedback_url}/metrics")).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    return sample.value
        return 0.0

    return read
