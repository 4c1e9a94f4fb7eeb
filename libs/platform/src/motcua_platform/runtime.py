"""The composition of one service process: settings, Mongo client, Kafka broker, outbox relay,
subscribers, background loops and the HTTP app — started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification import AsyncAPI

from motcua_platform.auth import TokenVerifier
from motcua_platform.clock import TimeSource, clock_for
from motcua_platform.contracts import Envelope
from motcua_platform.http.app import create_app
from motcua_platform.http.asyncapi_doc import typed
from motcua_platform.http.docs import asyncapi_page
from motcua_platform.http.idempotency import COLLECTION as IDEMPOTENCY
from motcua_platform.http.idempotency import IdempotencyKeys
from motcua_platform.messaging.broker import build_broker
from motcua_platform.messaging.consumer import (
    DeadLetters,
    EventConsumer,
    Handler,
    ParkingLot,
    subscribe,
)
from motcua_platform.messaging.outbox import OutboxRelay
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import AggregateStore, IndexSpec, connect, ensure_indexes
from motcua_platform.settings import PlatformSettings

log = logging.getLogger(__name__)

PARKED = "parked_events"
BROKER_PROBE_SECONDS = 5.0
BackgroundLoop = Callable[[], Awaitable[None]]


@dataclass
class Subscription:
    """A contract topic name (the runtime adds the namespace) and its handlers."""

    topic: str
    handlers: Mapping[str, Handler]
    fallback: Handler | None = None


@dataclass
class ServiceRuntime:
    """Everything a service's handlers need, built once in the composition root."""

    settings: PlatformSettings
    publishes: str
    outbox_collections: list[str]
    indexes: list[IndexSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        s = self.settings
        self.metrics = PlatformMetrics(s.service_name)
        clock = clock_for(s.simulation, s.simulation_start, s.simulation_start_epoch)
        self.time = TimeSource(clock, s.simulation)
        self.client = connect(s.mongo_url)
        self.db = self.client[s.database]
        self.broker = build_broker(s.kafka_bootstrap, s.service_name, self.metrics.registry)
        self.topic = s.topic(self.publishes)
        self.broker.publisher(
            self.topic,
            title=f"{s.service_name}:{self.publishes}",
            schema=Envelope,
            description=f"Dossier lifecycle events published by {s.service_name}",
        )
        self.relay = OutboxRelay(
            self.broker,
            self.topic,
            [self.db[c] for c in self.outbox_collections],
            self.metrics,
            interval=s.relay_interval_seconds,
            lease_seconds=s.relay_lease_seconds,
        )
        self.idempotency = IdempotencyKeys(
            self.db[IDEMPOTENCY], crash_after_effect=s.fault_crash_after_effect
        )
        self.parking = ParkingLot(self.db[PARKED])
        self.dead_letters = DeadLetters(self.broker, s.service_name)
        self.background: list[tuple[str, BackgroundLoop]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.add_background("broker-probe", self._probe_broker)

    def store(
        self, collection: str, *, projected: bool = False, derived_from_creation: bool = False
    ) -> AggregateStore:
        return AggregateStore(
            self.db[collection],
            self.settings.service_name,
            projected=projected,
            derived_from_creation=derived_from_creation,
        )

    def all_indexes(self) -> list[IndexSpec]:
        outbox = [i for c in self.outbox_collections for i in AggregateStore.indexes(c)]
        parked = [IndexSpec(PARKED, (("subject", 1), ("source", 1), ("seq", 1)))]
        return [*outbox, *parked, *self.indexes]

    def consume(self, subscription: Subscription) -> EventConsumer:
        consumer = EventConsumer(
            self.settings.service_name,
            subscription.handlers,
            fallback=subscription.fallback,
            dead_letters=self.dead_letters,
            parking=self.parking,
            metrics=self.metrics,
            batch_seconds=self.settings.consumer_batch_seconds,
            bulk_size=self.settings.consumer_bulk_size,
        )
        subscribe(
            self.broker,
            self.settings.topic(subscription.topic),
            self.settings.group_id,
            consumer,
            batch_size=self.settings.consumer_batch_size,
            max_poll_interval_seconds=self.settings.consumer_max_poll_interval_seconds,
        )
        return consumer

    def add_background(self, name: str, loop: BackgroundLoop) -> None:
        self.background.append((name, loop))

    async def readiness(self) -> dict[str, bool]:
        """Ready means "can serve requests": the database answers. Kafka is not part of it: the
        outbox keeps accepting commands through a broker outage and publishes them afterwards,
        so taking every replica out of its Service then would stop the counter for nothing.
        The broker's health is the ``motcua_broker_reachable`` gauge and its alert instead."""
        try:
            await asyncio.wait_for(self.client.admin.command("ping"), timeout=2)
            return {"database": True}
        except Exception:
            return {"database": False}

    async def broker_reachable(self) -> bool:
        try:
            return bool(await self.broker.ping(timeout=2))
        except Exception:
            return False

    async def _probe_broker(self) -> None:
        gauge = self.metrics.broker_reachable.labels(self.settings.service_name)
        while True:
            gauge.set(1 if await self.broker_reachable() else 0)
            await asyncio.sleep(BROKER_PROBE_SECONDS)

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        await ensure_indexes(self.db, self.all_indexes())
        await self.broker.start()
        await self.relay.start()
        for name, loop in self.background:
            self._tasks.append(asyncio.create_task(_forever(name, loop), name=name))
        log.info("%s started", self.settings.service_name)
        try:
            yield
        finally:
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.relay.stop()
            await self.broker.stop()
            await self.client.close()

    def create_app(
        self, title: str, description: str = "", file_paths: Mapping[str, int] | None = None
    ) -> FastAPI:
        """``file_paths``: routes that take a file, with their own body limit (see create_app)."""
        s = self.settings
        app = create_app(
            title=title,
            description=description,
            metrics=self.metrics,
            readiness=self.readiness,
            lifespan=self.lifespan,
            root_path=s.root_path,
            max_body_bytes=s.max_body_bytes,
            file_paths=file_paths,
        )
        app.state.token_verifier = TokenVerifier(
            secret=s.jwt_secret.get_secret_value() if s.jwt_secret else None,
            jwks_url=s.oidc_jwks_url,
            issuer=s.oidc_issuer,
            audience=s.oidc_audience,
        )
        app.state.runtime = self
        spec = AsyncAPI(self.broker, title=title, version="1", schema_version="3.0.0")

        @app.get("/asyncapi.json", tags=["ops"], summary="AsyncAPI 3.0 document of the topics")
        async def asyncapi_json() -> JSONResponse:
            return JSONResponse(typed(spec.to_specification().to_jsonable()))

        @app.get("/asyncapi", tags=["ops"], include_in_schema=False)
        async def asyncapi_html(request: Request) -> HTMLResponse:
            return asyncapi_page(request, typed(spec.to_specification().to_jsonable()), title)

        return app


async def _forever(name: str, loop: BackgroundLoop) -> None:
    """Keep a background loop alive: log and restart after an unexpected error."""
    while True:
        try:
            await loop()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background loop %s failed; restarting in 1 s", name)
            await asyncio.sleep(1)


def serve(app: FastAPI, settings: PlatformSettings) -> None:
    import uvicorn

    # The client's address comes from X-Forwarded-For only when the connection is from one of
    # the configured reverse proxies; anyone else could name any address in it. Uvicorn's own
    # default trusts 127.0.0.1, which must not be the default here.
    trusted = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
