"""Composition root of the intake service: settings, runtime (Mongo, Kafka, outbox relay),
adapters, the workflow subscriber, the HTTP app."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from motcua_intake.adapters import access_log, applicant_history, citizen_registry, dossier_codes
from motcua_intake.adapters import lookup_throttle as throttle
from motcua_intake.adapters import uploads as uploads_adapter
from motcua_intake.adapters.access_log import AccessLog
from motcua_intake.adapters.applicant_history import ApplicantHistory
from motcua_intake.adapters.citizen_registry import DemoCitizenRegistry
from motcua_intake.adapters.dossier_codes import DossierCodes
from motcua_intake.adapters.lookup_throttle import LookupThrottle
from motcua_intake.adapters.object_store import ObjectStore
from motcua_intake.adapters.uploads import Uploads
from motcua_intake.api import routers
from motcua_intake.api.files import install_file_error_handlers
from motcua_intake.context import IntakeContext
from motcua_intake.domain.demo_province import load_demo_province
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import UnitRegistry
from motcua_intake.dossier_document import dossier_from_document
from motcua_intake.files import DossierFiles
from motcua_intake.metrics import IntakeMetrics
from motcua_intake.settings import IntakeSettings
from motcua_intake.store import COLLECTION as DOSSIERS
from motcua_intake.store import INDEXES as DOSSIER_INDEXES
from motcua_intake.store import DossierStore
from motcua_intake.subscribers import workflow_handlers
from motcua_platform.auth.citizen import CitizenVerifier
from motcua_platform.calendar import CalendarProvider
from motcua_platform.contracts import INTAKE_TOPIC, WORKFLOW_TOPIC
from motcua_platform.logs import configure_logging
from motcua_platform.mongo import Loaded
from motcua_platform.mongo import ensure_indexes as create_indexes
from motcua_platform.projection import CatchUp, projection_index
from motcua_platform.runtime import ServiceRuntime, Subscription, serve

log = logging.getLogger(__name__)

INDEXES = [
    *DOSSIER_INDEXES,
    projection_index(DOSSIERS),
    *access_log.INDEXES,
    *throttle.INDEXES,
    *uploads_adapter.INDEXES,
]
PURGE_INTERVAL_SECONDS = 600

DESCRIPTION = """The one-stop counter's door: procedure catalogue, citizen prefill ("công dân
không viết"), dossier codes, counter / online / postal intake, intake decisions, receipts
(Mẫu 01–03) and the public lookup. Publishes `motcua.intake.v1`, consumes `motcua.workflow.v1`."""


def build_runtime(settings: IntakeSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings, publishes=INTAKE_TOPIC, outbox_collections=[DOSSIERS], indexes=INDEXES
    )


def build_service(settings: IntakeSettings, runtime: ServiceRuntime) -> IntakeContext:
    if settings.pseudonym_key is None or not settings.pseudonym_key.get_secret_value():
        raise RuntimeError(
            "MOTCUA_PSEUDONYM_KEY must be set: events carry a keyed hash of the personal ID "
            "number, and the key must stay the same for the life of the data"
        )
    units = (
        UnitRegistry.load(settings.units_file)
        if settings.units_file
        else UnitRegistry.load_default()
    )
    catalogue = (
        Catalogue.load(settings.catalogue_file)
        if settings.catalogue_file
        else Catalogue.load_default()
    )
    db = runtime.db
    return IntakeContext(
        # The applicant history derives from what a dossier's submission wrote: flagged in that
        # write, caught up by ``catch_up_applicants`` if it was not written.
        store=DossierStore(
            runtime.store(DOSSIERS, projected=True, derived_from_creation=True),
            runtime.relay.notify,
        ),
        codes=DossierCodes(db[dossier_codes.COLLECTION]),
        registry=DemoCitizenRegistry(db[citizen_registry.COLLECTION]),
        history=ApplicantHistory(db[applicant_history.COLLECTION]),
        access_log=AccessLog(db[access_log.COLLECTION]),
        throttle=LookupThrottle(
            db[throttle.COLLECTION],
            window_seconds=settings.lookup_window_seconds,
            per_code=settings.lookup_failures_per_code,
            per_client=settings.lookup_failures_per_client,
        ),
        catalogue=catalogue,
        units=units,
        metrics=IntakeMetrics(runtime.metrics.registry, units.all(), catalogue.list()),
        pseudonym_secret=settings.pseudonym_key.get_secret_value().encode(),
        public_base_url=settings.base_url,
        demo_province=load_demo_province(units) if settings.demo_data else None,
        files=build_files(settings, db),
        calendars=CalendarProvider.from_settings(settings),
    )


def build_files(settings: IntakeSettings, db: Any) -> DossierFiles | None:
    if not settings.s3_endpoint:
        return None
    store = ObjectStore.connect(
        settings.s3_endpoint,
        settings.s3_bucket,
        settings.s3_access_key,
        settings.s3_secret_key.get_secret_value(),
    )
    assert settings.pseudonym_key is not None  # checked by build_service
    # A key of its own for links, derived so that deployments need no new secret.
    link_secret = hashlib.sha256(
        b"motcua file links\n" + settings.pseudonym_key.get_secret_value().encode()
    ).digest()
    return DossierFiles(
        store,
        Uploads(db[uploads_adapter.COLLECTION]),
        link_secret=link_secret,
        link_ttl=timedelta(seconds=settings.file_link_seconds),
        max_bytes=settings.max_file_bytes,
    )


def build_citizen_verifier(settings: IntakeSettings) -> CitizenVerifier:
    return CitizenVerifier.from_settings(settings)


def build_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    runtime = build_runtime(settings)
    intake = build_service(settings, runtime)
    handlers, fallback = workflow_handlers(intake)
    runtime.consume(Subscription(WORKFLOW_TOPIC, handlers, fallback=fallback))

    async def purge_throttle() -> None:
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)
        await intake.throttle.purge_expired()

    runtime.add_background("lookup-throttle-purge", purge_throttle)
    applicants = CatchUp(intake.store.aggregates, lambda docs: catch_up_applicants(intake, docs))
    runtime.add_background(
        "applicant-history-catch-up", lambda: applicants.loop(settings.projection_interval_seconds)
    )

    # A scanned file travels in a multipart body: its limit is the file's plus room for the form.
    upload_body = settings.max_file_bytes + (64 << 10)
    app = runtime.create_app(
        "Motcua intake",
        DESCRIPTION,
        file_paths={"/uploads": upload_body, "/me/uploads": upload_body},
    )
    app.state.intake = intake
    app.state.citizen_verifier = build_citizen_verifier(settings)
    install_file_error_handlers(app)
    for router in routers():
        app.include_router(router)
    _seed_demo_data_on_start(app, settings, intake)
    return app


async def catch_up_applicants(intake: IntakeContext, loaded: Sequence[Loaded]) -> None:
    dossiers = [dossier_from_document(item.state) for item in loaded]
    behind = await intake.history.catch_up(dossiers)
    if behind:
        log.info("applicant history: %d profiles rewritten from their dossiers", behind)


def _seed_demo_data_on_start(app: FastAPI, settings: IntakeSettings, intake: IntakeContext) -> None:
    """Run the runtime's start-up, then seed the demo registry before the first request."""
    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(app):
            if settings.demo_data and isinstance(intake.registry, DemoCitizenRegistry):
                await intake.registry.seed_if_empty()
            if intake.files is not None:
                await intake.files.store.ensure_bucket()
            yield

    app.router.lifespan_context = lifespan


async def ensure_indexes() -> None:
    """``motcua-provision --indexes`` entry point: every index intake's hot paths need."""
    runtime = build_runtime(IntakeSettings())
    try:
        await create_indexes(runtime.db, runtime.all_indexes())
    finally:
        await runtime.client.close()


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.service_name, settings.log_level)
    serve(build_app(settings), settings)
