"""Workflow metrics count each finish once, by QĐ 766 timeliness."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from prometheus_client import CollectorRegistry

from motcua_platform.calendar import VN_TZ
from motcua_workflow.domain import Case
from motcua_workflow.metrics import WorkflowMetrics


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


def test_a_finish_counts_once_and_two_supplements_count_late(
    make_case: Callable[..., Case],
) -> None:
    registry = CollectorRegistry()
    metrics = WorkflowMetrics(registry)
    case = make_case()
    for asked, back in ((vn(4, 25, 10), vn(4, 25, 11)), (vn(4, 25, 14), vn(4, 25, 15))):
        events = case.request_supplement("Thiếu", asked)
        metrics.case_changed(case, events, was_finished=False)
        case.resume(back)
    events = case.resolve("approved", vn(4, 26, 9))
    metrics.case_changed(case, events, was_finished=False)
    events = case.return_result("counter", vn(4, 26, 10))
    metrics.case_changed(case, events, was_finished=True)

    labels = {"unit": "H15.50.05"}

    def sample(name: str, **extra: str) -> float | None:
        return registry.get_sample_value(name, extra)

    assert case.timeliness == "early"  # by the dates…
    assert sample("motcua_dossiers_finished_total", **labels, timeliness="late") == 1  # …766
    assert sample("motcua_dossiers_finished_total", **labels, timeliness="early") is None
    assert sample("motcua_supplements_requested_total", unit="H15.50.05", stage="processing") == 2
    assert sample("motcua_dossier_processing_working_hours_count", procedure="1.004873") == 1


class SlowCases:
    """A stand-in for the cases collection: one open case due at ``due``; the first recount's
    read is held until ``release`` is set, so a second recount can run meanwhile."""

    def __init__(self, due: datetime) -> None:
        self.doc = {"unit": "H15.50.05", "original_due_at": due, "supplement_count": 0}
        self.release = asyncio.Event()
        self.reads = 0

    def find(self, *_: object) -> AsyncIterator[dict[str, object]]:
        self.reads += 1
        return self._rows(hold=self.reads == 1)

    async def _rows(self, hold: bool) -> AsyncIterator[dict[str, object]]:
        if hold:
            await self.release.wait()
        yield self.doc


async def test_a_recount_that_started_earlier_never_leaves_its_older_reading() -> None:
    """The periodic recount reads at 09:00 (within the deadline) and is slow; a tick moves time
    past the due time and recounts. Whatever order the reads end in, the gauge says overdue."""
    registry = CollectorRegistry()
    metrics = WorkflowMetrics(registry)
    cases = SlowCases(due=vn(4, 26, 10))
    clock = [vn(4, 26, 9)]
    periodic = asyncio.create_task(metrics.refresh_gauges(cases, lambda: clock[0]))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # the periodic recount is reading
    clock[0] = vn(4, 26, 11)
    tick = asyncio.create_task(metrics.refresh_gauges(cases, lambda: clock[0]))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    cases.release.set()
    await asyncio.gather(periodic, tick)

    def open_cases(state: str) -> float | None:
        return registry.get_sample_value(
            "motcua_dossiers_open", {"unit": "H15.50.05", "state": state}
        )

    assert open_cases("overdue") == 1
    assert open_cases("within") == 0
