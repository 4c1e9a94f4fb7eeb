"""The FastStream Kafka broker as a system of record needs it."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry


def build_broker(bootstrap: str, service: str, registry: CollectorRegistry) -> KafkaBroker:
    """Idempotent producer with ``acks=all`` (aiokafka defaults to acks=1 without idempotence),
    and FastStream's Prometheus middleware on the service's registry."""
    return KafkaBroker(
        bootstrap,
        acks="all",
        enable_idempotence=True,
        client_id=f"motcua-{service}",
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=f"motcua-{service}")],
        request_timeout_ms=15000,
    )
