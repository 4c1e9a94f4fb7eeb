"""The intake service as a real process on the real broker and database, in simulated time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from intake_service import Days, EventLog, Intake


@pytest.fixture(scope="session")
async def intake(stack_factory: Any) -> AsyncIterator[Intake]:
    stack = await stack_factory()
    process = stack.start("intake")
    process.wait_ready()
    events = EventLog(stack.kafka, stack.namespace + "motcua.intake.v1")
    await events.start()
    service = Intake(stack, process, events)
    yield service
    await service.close()
    await events.stop()


@pytest.fixture(scope="session")
def days() -> Days:
    return Days(date(2026, 1, 4))
