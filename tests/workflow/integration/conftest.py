"""Fixtures of the workflow integration tests: the workflow service as a real process on the real
broker and database, in its own topic namespace, in simulated time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from support.stack import ServiceProcess, Stack


@pytest.fixture(scope="module")
async def stack(stack_factory: Callable[[], Any]) -> AsyncIterator[Stack]:
    """A fresh namespace and database per test module; its processes stop with the module so
    later modules' consumers do not rebalance with them."""
    stack = await stack_factory()
    yield stack
    stack.stop_all()


@pytest.fixture(scope="module")
def workflow(stack: Stack) -> ServiceProcess:
    svc = stack.start("workflow")
    svc.wait_ready()
    return svc
