"""Prometheus metrics shared by all services (architecture §7). Labels never carry a dossier code,
a personal ID or a name."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

# A `<name>_created` series per counter and histogram child doubles the series Prometheus stores
# (2.x ingests them as plain gauges) for a timestamp nothing reads (docs/monitoring.md,
# cardinality budget).
disable_created_metrics()


class PlatformMetrics:
    """Event-pipeline and HTTP metrics. One instance per service process, on its own registry so
    tests can start several services in one interpreter."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events_published = Counter(
            "motcua_events_published_total",
            "Events published to Kafka by the outbox relay",
            ["service", "topic", "type"],
            registry=r,
        )
        self.events_consumed = Counter(
            "motcua_events_consumed_total",
            "Events consumed, by outcome",
            ["service", "type", "outcome"],
            registry=r,
        )
        self.event_delay = Histogram(
            "motcua_event_delay_seconds",
            "Seconds from publication of an event to its application",
            ["service", "type"],
            registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
        )
        self.outbox_pending = Gauge(
            "motcua_outbox_pending",
            "Aggregates with events not yet published (counted up to 1000 per collection)",
            ["service"],
            registry=r,
        )
        self.broker_reachable = Gauge(
            "motcua_broker_reachable",
            "1 when the last probe of the Kafka broker answered, 0 when it did not",
            ["service"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "motcua_consumer_lag",
            "Messages behind the end of the partition",
            ["service", "group", "topic", "partition"],
            registry=r,
        )
        self.consumer_assignments = Counter(
            "motcua_consumer_assignments_total",
            "Partition assignments received by a consumer; more than one means a rebalance",
            ["service", "group"],
            registry=r,
        )
        self.http_requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["service", "method", "path", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds",
            "HTTP request duration",
            ["service", "method", "path"],
            registry=r,
        )

    def consumed(self, event_type: str, outcome: str) -> None:
        self.events_consumed.labels(self.service, event_type, outcome).inc()

    def published(self, topic: str, event_type: str) -> None:
        self.events_published.labels(self.service, topic, event_type).inc()
