"""Workflow metrics (architecture §7) on the service's registry. Labels carry unit and procedure
codes only — never a dossier code or a person. Per unit, or per procedure, never both: unit ×
procedure is about 10⁵ series for a province (docs/monitoring.md, cardinality budget); the exact
per-procedure figures of a unit are the reports'.

Counters count what this process did, so replicas add up. The gauges describe the whole database
and are recomputed by every replica alike (the recording rules take ``max`` over instances).
"""

from __future__ import annotations

import asyncio
from collections import Counter as Tally
from collections.abc import Callable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pymongo.asynchronous.collection import AsyncCollection

from motcua_platform.contracts.events import CaseEventData, CaseSupplementRequested, Timeliness
from motcua_platform.instants import at_rest as instant
from motcua_platform.timeliness import finish_timeliness, open_timeliness
from motcua_workflow.domain import Case
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.store import in_warning_window

# Working hours: within a working day, a working week, three working weeks.
# Few buckets because the histogram is per procedure (thousands in a province's catalogue); the
# dashboards use its mean (QĐ 766 rule 2.2), the buckets only show how the times spread.
HOUR_BUCKETS = (8, 40, 120)


class WorkflowMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.finished = Counter(
            "motcua_dossiers_finished_total",
            "Dossiers finished (resolved, stopped or refused), by QĐ 766 timeliness",
            ["unit", "timeliness"],
            registry=registry,
        )
        self.open = Gauge(
            "motcua_dossiers_open",
            "Open dossiers, within their deadline or overdue",
            ["unit", "state"],
            registry=registry,
        )
        self.due_soon = Gauge(
            "motcua_dossiers_due_soon",
            "Open dossiers within the warning window before their due time, not extended",
            ["unit"],
            registry=registry,
        )
        self.processing_hours = Histogram(
            "motcua_dossier_processing_working_hours",
            "Working hours from acceptance to decision (QĐ 766 rule 2.2)",
            ["procedure"],
            buckets=HOUR_BUCKETS,
            registry=registry,
        )
        self.supplements = Counter(
            "motcua_supplements_requested_total",
            "Supplementation requests",
            ["unit", "stage"],
            registry=registry,
        )
        self._open_labels: set[tuple[str, str]] = set()
        self._due_soon_units: set[str] = set()
        self._recounting = asyncio.Lock()

    def case_changed(self, case: Case, events: list[CaseEventData], was_finished: bool) -> None:
        for event in events:
            if isinstance(event, CaseSupplementRequested):
                self.supplements.labels(case.unit, "processing").inc()
        if was_finished or case.finished_at is None:
            return
        timeliness = finish_timeliness(
            case.finished_at,
            case.original_due_at,
            supplement_count=case.supplement_count,
            decided=case.timeliness,
        )
        self.finished.labels(case.unit, str(timeliness)).inc()
        if case.resolved_at is not None and case.processing_hours is not None:
            self.processing_hours.labels(case.procedure_code).observe(case.processing_hours)

    def refused(self, dossier: KnownDossier) -> None:
        self.finished.labels(dossier.unit, Timeliness.ON_TIME).inc()

    async def refresh_gauges(
        self, cases: AsyncCollection[dict[str, Any]], now: Callable[[], datetime]
    ) -> None:
        """Recount open cases at the instant ``now()`` gives (the simulated one in simulation).
        One recount at a time, its instant read once it runs: the periodic recount and a tick's
        would otherwise finish in either order and leave the older reading on the gauges."""
        async with self._recounting:
            await self._recount(cases, instant(now()))

    async def _recount(self, cases: AsyncCollection[dict[str, Any]], at: datetime) -> None:
        open_counts: Tally[tuple[str, str]] = Tally()
        due_soon: Tally[str] = Tally()
        projection = {
            "unit": 1,
            "original_due_at": 1,
            "paused_since": 1,
            "supplement_count": 1,
            "extended": 1,
            "warn_at": 1,
        }
        async for doc in cases.find({"open": True}, projection):
            state = _open_state(doc, at)
            open_counts[(doc["unit"], state)] += 1
            if state == "within" and _due_soon(doc, at):
                due_soon[doc["unit"]] += 1
        for labels in self._open_labels - set(open_counts):
            self.open.labels(*labels).set(0)
        for labels, count in open_counts.items():
            self.open.labels(*labels).set(count)
        for unit in self._due_soon_units - set(due_soon):
            self.due_soon.labels(unit).set(0)
        for unit, count in due_soon.items():
            self.due_soon.labels(unit).set(count)
        self._open_labels |= set(open_counts)
        self._due_soon_units |= set(due_soon)


def _open_state(doc: dict[str, Any], at: datetime) -> str:
    """Within / overdue as the summary reports it (QĐ 766 rule 2.1)."""
    paused = doc.get("paused_since")
    return open_timeliness(
        instant(doc["original_due_at"]),
        at,
        paused_since=None if paused is None else instant(paused),
        supplement_count=doc.get("supplement_count", 0),
    ).value


def _due_soon(doc: dict[str, Any], at: datetime) -> bool:
    return in_warning_window(
        doc.get("warn_at"),
        at,
        paused=doc.get("paused_since") is not None,
        extended=bool(doc.get("extended")),
    )
