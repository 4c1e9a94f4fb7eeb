"""``motcua-provision``: create the Kafka topics (never auto-created) and the MongoDB indexes.
Idempotent; run by ``make``, the compose one-shot job and the Helm pre-install hook."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from importlib.metadata import entry_points

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from motcua_platform.contracts.topics import MAIN_TOPICS, dlq_topic
from motcua_platform.settings import PlatformSettings

log = logging.getLogger("motcua.provision")

DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000
DLQ_PARTITIONS = 3


def topic_plan(partitions: int, replication: int, namespace: str = "") -> list[NewTopic]:
    min_isr = "2" if replication >= 3 else "1"
    main = [
        NewTopic(
            namespace + t,
            partitions,
            replication,
            topic_configs={"retention.ms": "-1", "min.insync.replicas": min_isr},
        )
        for t in MAIN_TOPICS
    ]
    dlq = [
        NewTopic(
            namespace + dlq_topic(t),
            DLQ_PARTITIONS,
            replication,
            topic_configs={"retention.ms": str(DLQ_RETENTION_MS), "min.insync.replicas": min_isr},
        )
        for t in MAIN_TOPICS
    ]
    return main + dlq


async def create_topics(
    bootstrap: str, partitions: int, replication: int, namespace: str = ""
) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    created = []
    try:
        existing = set(await admin.list_topics())
        for topic in topic_plan(partitions, replication, namespace):
            if topic.name in existing:
                continue
            try:
                await admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()
    return created


async def create_indexes() -> list[str]:
    """Every installed service registers its index creator under ``motcua.indexes``."""
    done = []
    for ep in entry_points(group="motcua.indexes"):
        await ep.load()()
        done.append(ep.name)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create Motcua topics and indexes")
    parser.add_argument("--topics", action="store_true")
    parser.add_argument("--indexes", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = PlatformSettings()

    async def run() -> None:
        if args.topics or not args.indexes:
            created = await create_topics(
                settings.kafka_bootstrap,
                settings.topic_partitions,
                settings.topic_replication,
                settings.topic_namespace,
            )
            log.info("topics created: %s", ", ".join(created) or "none (all present)")
        if args.indexes or not args.topics:
            log.info("indexes ensured for: %s", ", ".join(await create_indexes()) or "nothing")

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
