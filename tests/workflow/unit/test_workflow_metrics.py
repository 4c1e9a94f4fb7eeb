"""Workflow metrics count each finish once, by QĐ 766 timeliness."""

from __future__ import annotations

from collections.abc import Callable
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
