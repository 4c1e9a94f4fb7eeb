"""Fixtures of the feedback tests that run the service as a real process on the real broker and
database: the process itself, a stand-in for the workflow service that publishes case events, and
a reader of the service's metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from support.workflow_feed import WorkflowFeed


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
