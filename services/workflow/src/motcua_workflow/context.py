"""What the handlers, subscribers, scanner and routes share: built once in ``main``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua_platform.calendar import CalendarProvider
from motcua_platform.contracts.events import CaseEventData
from motcua_platform.mongo import Loaded
from motcua_platform.runtime import ServiceRuntime
from motcua_workflow.domain import Case
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.metrics import WorkflowMetrics
from motcua_workflow.reports import FACTS, FactsReadModel, row_of
from motcua_workflow.settings import WorkflowSettings
from motcua_workflow.store import CASES, CaseStore

log = logging.getLogger(__name__)


@dataclass
class WorkflowContext:
    settings: WorkflowSettings
    runtime: ServiceRuntime
    store: CaseStore
    facts: FactsReadModel
    metrics: WorkflowMetrics
    # The instant of the last ``POST /admin/tick``: in simulation, time moves only when told,
    # so the gauges are computed at that instant rather than at the wall clock.
    ticked_at: datetime | None = field(default=None)

    @classmethod
    def build(cls, runtime: ServiceRuntime, settings: WorkflowSettings) -> WorkflowContext:
        calendars = CalendarProvider.from_settings(settings)
        # The case_facts rows derive from the cases: flagged in each case write, caught up by
        # ``project_facts`` if the process dies before writing them.
        aggregates = runtime.store(CASES, projected=True)
        store = CaseStore(aggregates, calendars, settings.warn_before_hours)
        return cls(
            settings=settings,
            runtime=runtime,
            store=store,
            facts=FactsReadModel(runtime.db[FACTS]),
            metrics=WorkflowMetrics(runtime.metrics.registry),
        )

    def now(self) -> datetime:
        if self.settings.simulation and self.ticked_at is not None:
            return self.ticked_at
        return self.runtime.time.now()

    async def project_facts(self, loaded: Sequence[Loaded]) -> None:
        """Catch the read model up with cases it may have missed (``CatchUp`` calls this with the
        flagged ones): rows are rewritten only where they are older than the case. Metrics are
        not counted again: they count live changes of this process."""
        rows = []
        for item in loaded:
            subject = self.store.decode(item)
            row = None if subject is None else row_of(subject)
            if row is not None:
                rows.append((row, item.version))
        behind = await self.facts.catch_up(rows)
        if behind:
            log.info("read model: %d case_facts rows rewritten from their cases", behind)

    async def changed(
        self,
        subject: Case | KnownDossier,
        events: list[CaseEventData],
        version: int,
        *,
        was_finished: bool,
    ) -> None:
        """After a successful save: wake the relay, update the read model, count."""
        await self.changed_many([(subject, events, version, was_finished)])

    async def changed_many(
        self, changes: Sequence[tuple[Case | KnownDossier, list[CaseEventData], int, bool]]
    ) -> None:
        """:meth:`changed` for the saves of a consumer's batch ``(subject, events, version,
        was_finished)``: the read model rows in one bulk write, then the relay (which finds
        them written and only lowers the flags with the publication's record)."""
        rows: dict[str, tuple[dict[str, Any], int]] = {}
        for subject, events, version, was_finished in changes:
            row = row_of(subject)
            if row is not None:
                rows[row["_id"]] = (row, version)  # the last change of a case is its state now
            if isinstance(subject, Case):
                # Counters count what happens now; a dossier of the past imported today is not.
                if not subject.imported:
                    self.metrics.case_changed(subject, events, was_finished)
            elif row is not None and not was_finished:
                self.metrics.refused(subject)
        try:
            await self.facts.put_many(list(rows.values()))
        finally:
            if any(events for _, events, _, _ in changes):
                self.runtime.relay.notify()
