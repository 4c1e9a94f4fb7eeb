"""What the handlers, subscribers and routes of the feedback service share, built once in
``main.build_app``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from motcua_feedback.metrics import FeedbackMetrics, open_complaint_counts
from motcua_feedback.settings import FeedbackSettings
from motcua_feedback.store import FeedbackStore
from motcua_platform.calendar import CalendarProvider
from motcua_platform.runtime import ServiceRuntime


@dataclass
class FeedbackContext:
    runtime: ServiceRuntime
    settings: FeedbackSettings
    store: FeedbackStore
    metrics: FeedbackMetrics
    calendars: CalendarProvider
    kiosk_device_key: bytes
    kiosk_session_key: bytes
    rating_token_key: bytes
    # One recount of the open PAKN at a time (see refresh_complaints_open).
    _recounting: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    @classmethod
    def build(cls, runtime: ServiceRuntime, settings: FeedbackSettings) -> FeedbackContext:
        return cls(
            runtime=runtime,
            settings=settings,
            store=FeedbackStore(runtime.db, settings.service_name),
            metrics=FeedbackMetrics(runtime.metrics.registry),
            calendars=CalendarProvider.from_settings(settings),
            # Read at start-up: a missing or short key stops the service before it serves.
            kiosk_device_key=settings.kiosk_device_key,
            kiosk_session_key=settings.kiosk_session_key,
            rating_token_key=settings.rating_token_key,
        )

    async def refresh_complaints_open(self) -> None:
        """Recount open PAKN against the service clock (moved by ``POST /admin/tick`` in
        simulation): overdue is a matter of time passing, no event marks it. One recount at a
        time: the periodic one and a command's would otherwise finish in either order and leave
        the older reading on the gauge."""
        async with self._recounting:
            open_complaints = await self.store.open_complaints()
            counts = open_complaint_counts(open_complaints, self.runtime.time.now())
            self.metrics.set_complaints_open(counts)
