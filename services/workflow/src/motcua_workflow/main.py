"""Composition root of the workflow service: settings, runtime, subscribers, background loops,
routes. ``python -m motcua_workflow`` serves; ``python -m motcua_workflow replay`` rebuilds the
read model from the topics."""

from __future__ import annotations

import argparse
import asyncio
import sys

from fastapi import FastAPI

from motcua_platform.contracts import WORKFLOW_TOPIC
from motcua_platform.logs import configure_logging
from motcua_platform.mongo import IndexSpec
from motcua_platform.mongo import ensure_indexes as create_indexes
from motcua_platform.projection import CatchUp, projection_index
from motcua_platform.runtime import ServiceRuntime, serve
from motcua_workflow import api
from motcua_workflow.context import WorkflowContext
from motcua_workflow.replay import BATCH, replay
from motcua_workflow.reports import facts_indexes
from motcua_workflow.scanner import gauge_loop, scanner_loop
from motcua_workflow.settings import WorkflowSettings
from motcua_workflow.store import CASES, INDEXES
from motcua_workflow.subscribers import intake_subscription

DESCRIPTION = (
    "Processing of accepted dossiers: steps and hand-overs (Mẫu 06), deadlines with "
    "supplementation and the one extension (Mẫu 04), stop (Mẫu 05), decision and return, "
    "deadline warnings, work queues and QĐ 766 reports (Mẫu 07)."
)


def indexes() -> list[IndexSpec]:
    return [*INDEXES, projection_index(CASES), *facts_indexes()]


def build_runtime(settings: WorkflowSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings, publishes=WORKFLOW_TOPIC, outbox_collections=[CASES], indexes=indexes()
    )


def build_app(settings: WorkflowSettings | None = None) -> FastAPI:
    settings = settings or WorkflowSettings()
    runtime = build_runtime(settings)
    ctx = WorkflowContext.build(runtime, settings)
    runtime.consume(intake_subscription(ctx))
    runtime.add_background("deadline-scanner", lambda: scanner_loop(ctx))
    runtime.add_background("dossier-gauges", lambda: gauge_loop(ctx))
    # The relay lowers the flags of the cases it publishes; the catch-up, the others'.
    runtime.relay.projects(CASES, ctx.project_facts)
    facts = CatchUp(ctx.store.aggregates, ctx.project_facts)
    runtime.add_background(
        "case-facts-catch-up", lambda: facts.loop(settings.projection_interval_seconds)
    )
    app = runtime.create_app("Motcua workflow", DESCRIPTION)
    app.state.workflow = ctx
    api.install(app)
    return app


async def ensure_indexes() -> None:
    """Entry point ``motcua.indexes``: create the indexes the hot paths need (provisioning)."""
    runtime = build_runtime(WorkflowSettings())
    try:
        await create_indexes(runtime.db, runtime.all_indexes())
    finally:
        await runtime.client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="motcua-workflow", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "replay"], default="serve")
    parser.add_argument(
        "--into", help="replay: write the rebuilt rows into this collection, without swapping"
    )
    parser.add_argument(
        "--batch", type=int, default=BATCH, help="replay: rows per insert (default %(default)s)"
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="replay: seconds to wait between inserts, to spare a busy database (default 0)",
    )
    args = parser.parse_args(argv)
    settings = WorkflowSettings()
    configure_logging(settings.service_name, settings.log_level)
    if args.command == "replay":
        batch, pause = max(1, args.batch), max(0.0, args.pause)
        asyncio.run(replay(settings, into=args.into, batch=batch, pause=pause))
        return 0
    serve(build_app(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
