"""``python -m motcua_workflow replay``: rebuild the KPI read model from the topics.

Reads ``motcua.intake.v1`` and ``motcua.workflow.v1`` from the beginning, rebuilds every dossier
with the same domain code that ran live (``Case.replay`` applies the recorded workflow events to
the accepted dossier), and writes the rows into a fresh collection. By default the fresh
collection then replaces ``case_facts``; run it with the service's consumers stopped (as
docs/operations.md describes), since rows written live during the rebuild are replaced.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from motcua_platform.contracts import INTAKE_TOPIC, WORKFLOW_TOPIC, Envelope
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierWithdrawalRequested,
)
from motcua_platform.mongo import connect, ensure_indexes
from motcua_workflow.domain import Case, DomainError
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.reports import FACTS, case_row, facts_indexes, refused_row
from motcua_workflow.settings import WorkflowSettings

log = logging.getLogger(__name__)
REBUILD = FACTS + "_rebuild"

History = dict[str, dict[int, Envelope]]  # subject → seq → envelope (duplicates dropped)


async def read_topic(bootstrap: str, topic: str) -> History:
    """Every well-formed event of ``topic`` up to its current end, by subject and seq."""
    tps = [TopicPartition(topic, p) for p in await partitions(bootstrap, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    history: History = defaultdict(dict)
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for record in records:
                    _keep(history, record.value)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return history


async def partitions(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] or not described["partitions"]:
        raise RuntimeError(f"topic {topic} does not exist")
    return sorted(p["partition"] for p in described["partitions"])


def _keep(history: History, raw: bytes | None) -> None:
    try:
        envelope = Envelope.from_json(raw or b"")
    except (ValidationError, ValueError):
        return  # dead-lettered when it was consumed; it never changed anything
    history[envelope.subject].setdefault(envelope.seq, envelope)


def rebuild_rows(intake: History, workflow: History) -> list[dict[str, Any]]:
    """The read-model rows of every dossier, as the live service wrote them."""
    rows = []
    for code, events in intake.items():
        subject = _fold_intake(code, [events[seq] for seq in sorted(events)])
        if isinstance(subject, DossierAccepted):
            recorded = workflow.get(code, {})
            case = Case.replay(subject, code, [recorded[s].payload() for s in sorted(recorded)])
            rows.append(case_row(case))
        elif isinstance(subject, KnownDossier) and (row := refused_row(subject)) is not None:
            rows.append(row)
    return rows


def _fold_intake(code: str, events: list[Envelope]) -> DossierAccepted | KnownDossier | None:
    """What intake's events made of the dossier, by the rules of ``subscribers.decide_intake``:
    an acceptance opens the case (later intake events reach it as workflow events); an event
    that was refused live is ignored here too."""
    known: KnownDossier | None = None
    for envelope in events:
        try:
            data = envelope.payload()
        except (KeyError, ValidationError):
            continue  # dead-lettered when consumed
        try:
            match data:
                case DossierAccepted() if known is None or known.status is CaseStatus.SUBMITTED:
                    return data
                case DossierSubmitted() if known is None:
                    known = KnownDossier.submitted(data, code)
                case DossierRefused() if known is None:
                    known = KnownDossier.refused_outright(data, code)
                case DossierRefused() if known is not None:
                    known.refuse(data)
                case DossierWithdrawalRequested() if known is not None:
                    known.withdraw(data.reason, data.at)
        except DomainError:
            continue
    return known


async def replay(settings: WorkflowSettings, into: str | None = None) -> int:
    """Rebuild the read model; returns the number of rows written."""
    intake = await read_topic(settings.kafka_bootstrap, settings.topic(INTAKE_TOPIC))
    workflow = await read_topic(settings.kafka_bootstrap, settings.topic(WORKFLOW_TOPIC))
    rows = rebuild_rows(intake, workflow)
    client = connect(settings.mongo_url)
    try:
        db = client[settings.database]
        target = into or REBUILD
        await db.drop_collection(target)
        if rows:
            await db[target].insert_many([{**row, "version": 0} for row in rows])
        await ensure_indexes(db, facts_indexes(target))
        if into is None:
            # FerretDB cannot rename over an existing collection (no dropTarget): drop, rename.
            await db.drop_collection(FACTS)
            await db[target].rename(FACTS)
    finally:
        await client.close()
    log.info("read model rebuilt: %d rows into %s", len(rows), into or FACTS)
    return len(rows)
