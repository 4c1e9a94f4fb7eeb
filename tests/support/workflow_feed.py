"""A stand-in for the workflow service in feedback tests: publishes ``case.*`` envelopes on the
real broker, as the workflow outbox would."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

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
