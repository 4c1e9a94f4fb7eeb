"""``python -m motcua_workflow replay``: rebuild the KPI read model from the topics.

Reads ``motcua.intake.v1`` and then ``motcua.workflow.v1`` from the beginning to the end they had
when the command started, and folds each event into its dossier as it arrives (the same domain
code that ran live: intake's events decide what the dossier is, ``Case.apply`` applies the
recorded workflow events to the accepted dossier). Memory holds one folded state per dossier,
never the events of a topic; rows are written in batches. A progress bar on stderr counts the
records read against the partitions' end offsets.

The rows go into a fresh collection. Unless ``--into`` names one, the read-model pointer (one
document of ``read_models``, see :class:`~motcua_workflow.reports.FactsReadModel`) is then moved
to it in one single-document write, so readers see the old read model or the new one, never a
half-built one; the previous collection is kept until the next replay for readers that were
already in it. A pointer, not ``renameCollection`` with ``dropTarget``: FerretDB 1.24 answers
``NotImplemented`` (code 238) to ``dropTarget: true``, and a drop then a rename leaves a moment
with no read model at all. Run it with the service's consumers stopped (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn

from motcua_platform.contracts import INTAKE_TOPIC, WORKFLOW_TOPIC, Envelope
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierWithdrawalRequested,
    EventData,
)
from motcua_platform.mongo import connect, ensure_indexes
from motcua_workflow.domain import Case, DomainError
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.reports import FACTS, FactsReadModel, case_row, facts_indexes, refused_row
from motcua_workflow.settings import WorkflowSettings

log = logging.getLogger(__name__)
BATCH = 500  # rows per insert, records per fetch

Intake: TypeAlias = DossierAccepted | KnownDossier


class TopicReader:
    """The records of one topic, from its beginning to the end offsets it had when opened."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic = bootstrap, topic
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self.ends: dict[TopicPartition, int] = {}
        self.total = 0

    async def open(self) -> TopicReader:
        tps = [TopicPartition(self.topic, p) for p in await partitions(self.bootstrap, self.topic)]
        await self.consumer.start()
        self.consumer.assign(tps)
        await self.consumer.seek_to_beginning(*tps)
        starts = await self.consumer.beginning_offsets(tps)
        self.ends = await self.consumer.end_offsets(tps)
        self.total = sum(self.ends[tp] - starts[tp] for tp in tps)
        return self

    async def close(self) -> None:
        await self.consumer.stop()

    async def envelopes(self, advance: Callable[[int], None]) -> AsyncIterator[Envelope]:
        """Each well-formed envelope, in partition order; ``advance`` counts records read."""
        remaining = {tp for tp, end in self.ends.items() if end > 0}
        while remaining:
            batch = await self.consumer.getmany(*remaining, timeout_ms=1000, max_records=BATCH)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < self.ends[tp] and (envelope := _envelope(record.value)):
                        yield envelope
                advance(len(records))
            for tp in list(remaining):
                if await self.consumer.position(tp) >= self.ends[tp]:
                    remaining.discard(tp)


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


def _envelope(raw: bytes | None) -> Envelope | None:
    try:
        return Envelope.from_json(raw or b"")
    except (ValidationError, ValueError):
        return None  # dead-lettered when it was consumed; it never changed anything


class InOrder:
    """Hands over each subject's events in ``seq`` order (1, 2, 3, … per publishing service),
    once: a duplicate is dropped, an early one waits for its turn."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}
        self.waiting: dict[str, dict[int, Envelope]] = {}

    def arrive(self, envelope: Envelope) -> Iterator[Envelope]:
        subject, expected = envelope.subject, self.next.get(envelope.subject, 1)
        if envelope.seq < expected:
            return
        waiting = self.waiting.setdefault(subject, {})
        waiting.setdefault(envelope.seq, envelope)
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1
        self.next[subject] = expected
        if not waiting:
            del self.waiting[subject]

    def leftovers(self) -> Iterator[Envelope]:
        """Events after a gap in ``seq`` (an event lost from the topic), in order."""
        for waiting in self.waiting.values():
            for seq in sorted(waiting):
                yield waiting[seq]
        self.waiting.clear()


class Fold:
    """What the topics made of each dossier, one event at a time."""

    def __init__(self) -> None:
        self.intake: dict[str, Intake] = {}
        self.cases: dict[str, Case] = {}

    def intake_event(self, envelope: Envelope) -> None:
        """By the rules of ``subscribers.decide_intake``: an acceptance opens the case (later
        intake events reach it as workflow events); an event refused live is ignored here too."""
        code, known = envelope.subject, self.intake.get(envelope.subject)
        if isinstance(known, DossierAccepted) or (data := _payload(envelope)) is None:
            return
        try:
            match data:
                case DossierAccepted() if known is None or known.status is CaseStatus.SUBMITTED:
                    self.intake[code] = data
                case DossierSubmitted() if known is None:
                    self.intake[code] = KnownDossier.submitted(data, code)
                case DossierRefused() if known is None:
                    self.intake[code] = KnownDossier.refused_outright(data, code)
                case DossierRefused() if known is not None:
                    known.refuse(data)
                case DossierWithdrawalRequested() if known is not None:
                    known.withdraw(data.reason, data.at)
        except DomainError:
            return

    def workflow_event(self, envelope: Envelope) -> None:
        code = envelope.subject
        accepted = self.intake.get(code)
        if not isinstance(accepted, DossierAccepted) or (data := _payload(envelope)) is None:
            return
        case = self.cases.get(code)
        if case is None:
            case = self.cases[code] = Case.from_accepted(accepted, code)
        case.apply(data)

    def rows(self) -> Iterator[dict[str, Any]]:
        """The read-model rows, each dossier's state released once its row is made."""
        for code in list(self.intake):
            subject = self.intake.pop(code)
            if isinstance(subject, DossierAccepted):
                case = self.cases.pop(code, None) or Case.from_accepted(subject, code)
                yield case_row(case)
            elif (row := refused_row(subject)) is not None:
                yield row


def _payload(envelope: Envelope) -> EventData | None:
    try:
        return envelope.payload()
    except (KeyError, ValidationError):
        return None  # dead-lettered when consumed


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=False,
    )


async def fold_topics(settings: WorkflowSettings, bar: Progress) -> Fold:
    """Both topics folded per dossier: intake's first, so that each workflow event finds the
    acceptance it follows."""
    fold = Fold()
    steps = (
        (INTAKE_TOPIC, fold.intake_event),
        (WORKFLOW_TOPIC, fold.workflow_event),
    )
    for topic, apply in steps:
        reader = await TopicReader(settings.kafka_bootstrap, settings.topic(topic)).open()
        try:
            task = bar.add_task(f"read {topic}", total=reader.total or None)
            order = InOrder()
            async for envelope in reader.envelopes(functools.partial(bar.advance, task)):
                for ready in order.arrive(envelope):
                    apply(ready)
            for late in order.leftovers():
                apply(late)
            bar.update(task, completed=reader.total)
        finally:
            await reader.close()
    return fold


async def write_rows(
    collection: AsyncCollection[dict[str, Any]],
    rows: Iterator[dict[str, Any]],
    batch: int,
    advance: Callable[[int], None],
    pause: float = 0.0,
) -> int:
    """Insert the rows ``batch`` at a time into a collection emptied first, waiting ``pause``
    seconds after each full batch (to spare a database that is serving the day's work)."""
    await collection.drop()
    written, pending = 0, []
    for row in rows:
        pending.append({**row, "version": 0})
        if len(pending) >= batch:
            await collection.insert_many(pending)
            written, pending = written + len(pending), []
            advance(batch)
            if pause:
                await asyncio.sleep(pause)
    if pending:
        await collection.insert_many(pending)
        written += len(pending)
    advance(len(pending))
    return written


async def replay(
    settings: WorkflowSettings, into: str | None = None, batch: int = BATCH, pause: float = 0.0
) -> int:
    """Rebuild the read model, ``batch`` rows per insert and ``pause`` seconds between inserts;
    returns the number of rows written."""
    client = connect(settings.mongo_url)
    try:
        db = client[settings.database]
        target = into or f"{FACTS}_{uuid.uuid4().hex[:12]}"
        with progress_bar() as bar:
            fold = await fold_topics(settings, bar)
            task = bar.add_task("write the rows", total=len(fold.intake) or None)
            written = await write_rows(
                db[target], fold.rows(), batch, lambda n: bar.advance(task, n), pause
            )
        await ensure_indexes(db, facts_indexes(target))
        if into is None:
            await FactsReadModel(db[FACTS]).point_to(target)
    finally:
        await client.close()
    log.info("read model rebuilt: %d rows into %s", written, into or target)
    return written


History = dict[str, dict[int, Envelope]]  # subject → seq → envelope, as recorded


def rebuild_rows(intake: History, workflow: History) -> list[dict[str, Any]]:
    """The rows of recorded histories, folded as the command folds the topics (each history's
    events handed over in whatever order the dict holds them)."""
    fold = Fold()
    for history, apply in ((intake, fold.intake_event), (workflow, fold.workflow_event)):
        order = InOrder()
        for events in history.values():
            for envelope in events.values():
                for ready in order.arrive(envelope):
                    apply(ready)
        for late in order.leftovers():
            apply(late)
    return list(fold.rows())
