"""The deadline scanner: a warning when a case enters its last working day (configurable), an
overdue event once it is past due — each exactly once per dossier, however many replicas scan.

Every replica scans. The flags that say "warned" and "overdue emitted" live in the case state and
are written with the version guard, so when two replicas scan the same case at once one save
fails; the loser reloads, ``Case.scan`` sees the flag and records nothing. A case is found by its
``alarm_at`` (the next instant it needs a look) among the open cases, so a scan reads only open
cases, and of those on MongoDB only the ones that are due.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from motcua_platform.contracts.events import CaseDeadlineWarning, CaseOverdue
from motcua_platform.instants import at_rest as instant
from motcua_platform.retries import Busy, load_decide_save
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Case

log = logging.getLogger(__name__)
ATTEMPTS = 5


@dataclass
class ScanResult:
    warnings: int = 0
    overdues: int = 0

    def add(self, other: ScanResult) -> None:
        self.warnings += other.warnings
        self.overdues += other.overdues


async def scan(ctx: WorkflowContext, now: datetime) -> ScanResult:
    """Look at every case whose alarm time has come; returns what this replica emitted."""
    now = instant(now)
    total = ScanResult()
    seen: set[str] = set()
    while True:
        # Cases looked at in this round whose alarm stays (their clock says "not yet") are
        # skipped, so a round ends even when such a case sorts first.
        # Only open cases carry an alarm; saying so keeps the query on an index everywhere.
        query = {"open": True, "alarm_at": {"$lte": now}, "_id": {"$nin": sorted(seen)}}
        batch = ctx.settings.scan_batch
        codes = [
            doc["_id"]
            async for doc in ctx.store.collection.find(query, {"_id": 1})
            .sort("alarm_at", 1)
            .limit(batch)
        ]
        for code in codes:
            total.add(await scan_case(ctx, code, now))
        seen.update(codes)
        if len(codes) < batch:
            return total


async def scan_case(ctx: WorkflowContext, code: str, now: datetime) -> ScanResult:
    async def attempt() -> ScanResult:
        loaded = await ctx.store.load(code)
        case = ctx.store.decode(loaded)
        if not isinstance(case, Case):
            return ScanResult()
        events = case.scan(now, ctx.settings.warn_before_hours)
        case.pull_events()
        if not events:
            return ScanResult()
        # Another replica (or a command) may get there first: then the loop looks again.
        version = await ctx.store.save(loaded, case, events, now)
        await ctx.changed(case, events, version, was_finished=case.finished_at is not None)
        return ScanResult(
            warnings=sum(isinstance(e, CaseDeadlineWarning) for e in events),
            overdues=sum(isinstance(e, CaseOverdue) for e in events),
        )

    try:
        return await load_decide_save(attempt, what="dossier", key=code, attempts=ATTEMPTS)
    except Busy:
        log.warning("scanner gave up on %s after %d conflicts", code, ATTEMPTS)
        return ScanResult()


async def scanner_loop(ctx: WorkflowContext) -> None:
    """Scan at the wall clock. In simulation the clock moves only by ``POST /admin/tick``, which
    scans itself; scanning here would judge simulated cases by today's date."""
    while True:
        if not ctx.settings.simulation:
            result = await scan(ctx, ctx.runtime.time.now())
            if result.warnings or result.overdues:
                log.info("scanner: %d warnings, %d overdue", result.warnings, result.overdues)
        await asyncio.sleep(ctx.settings.scan_interval_seconds)


async def gauge_loop(ctx: WorkflowContext) -> None:
    while True:
        await ctx.metrics.refresh_gauges(ctx.store.collection, ctx.now)
        await asyncio.sleep(ctx.settings.gauge_interval_seconds)
