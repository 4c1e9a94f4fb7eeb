"""Composition root of the feedback service: settings, runtime (Mongo, Kafka, outbox relay),
the workflow subscription, the complaints gauge loop and the HTTP routes."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from motcua_feedback.api import ROUTERS
from motcua_feedback.context import FeedbackContext
from motcua_feedback.settings import FeedbackSettings
from motcua_feedback.store import INDEXES, OUTBOX_COLLECTIONS
from motcua_feedback.subscribers import workflow_subscription
from motcua_platform.contracts import FEEDBACK_TOPIC
from motcua_platform.logs import configure_logging
from motcua_platform.mongo import ensure_indexes as create_indexes
from motcua_platform.runtime import ServiceRuntime, serve

DESCRIPTION = (
    "Đánh giá mức độ hài lòng and phản ánh, kiến nghị: rating requests opened when a dossier is "
    "returned, the counter kiosk, ratings (kiosk / online / paper), complaints with their "
    "15-working-day deadline, and the satisfaction figures (TT 01/2018, QĐ 766 5.3 and 5.4)."
)


def build_runtime(settings: FeedbackSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings, publishes=FEEDBACK_TOPIC, outbox_collections=OUTBOX_COLLECTIONS, indexes=INDEXES
    )


def build_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()
    runtime = build_runtime(settings)
    ctx = FeedbackContext.build(runtime, settings)
    runtime.consume(workflow_subscription(ctx))

    async def complaints_gauge() -> None:
        while True:
            await ctx.refresh_complaints_open()
            await asyncio.sleep(settings.gauge_interval_seconds)

    runtime.add_background("complaints-open-gauge", complaints_gauge)
    app = runtime.create_app("Motcua feedback", DESCRIPTION)
    app.state.feedback = ctx
    for router in ROUTERS:
        app.include_router(router)
    return app


async def ensure_indexes() -> None:
    """``motcua-provision --indexes`` (entry point ``motcua.indexes``)."""
    settings = FeedbackSettings()
    runtime = build_runtime(settings)
    try:
        await create_indexes(runtime.db, runtime.all_indexes())
    finally:
        await runtime.client.close()


def main() -> None:
    settings = FeedbackSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
