"""One function per command: load → decide through the aggregate → save state and the events it
caused in one version-guarded write (a concurrent writer makes us reload and decide again) → wake
the outbox relay."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import (
    Complaint,
    DossierRecord,
    InvalidComplaint,
    Rating,
    verify_kiosk_session,
)
from motcua_feedback.store import (
    complaint_state,
    dossier_state,
    hash_secret,
    record_of,
)
from motcua_platform.auth import Principal
from motcua_platform.contracts import EventData
from motcua_platform.errors import ApiError, ConcurrencyConflict, Conflict, NotFound
from motcua_platform.mongo import AggregateStore, Loaded
from motcua_platform.retries import ATTEMPTS, load_decide_save

T = TypeVar("T")
Decided = tuple[dict[str, Any], Sequence[EventData], T]


async def _change(
    store: AggregateStore,
    what: str,
    aggregate_id: str,
    at: datetime,
    decide: Callable[[Loaded], Decided[T]],
) -> T:
    """Apply ``decide`` to the stored aggregate (404 when there is none)."""

    async def attempt() -> T:
        loaded = await store.load(aggregate_id)
        if loaded is None:
            raise NotFound(what, aggregate_id)
        state, events, result = decide(loaded)
        envelopes = store.envelopes(aggregate_id, loaded.seq_head, events, at)
        await store.save(aggregate_id, loaded.version, state, envelopes)
        return result

    return await load_decide_save(attempt, what=what, key=aggregate_id)


# ------------------------------------------------------------------------- ratings


@dataclass(frozen=True)
class RateDossier:
    """A phiếu đánh giá as posted; which proof counts depends on ``channel``."""

    dossier_code: str
    overall: str
    indicators: Mapping[str, object] | None
    channel: str
    at: datetime
    token: str | None = None
    kiosk_session: str | None = None
    receiver: Principal | None = None


async def rate(ctx: FeedbackContext, cmd: RateDossier) -> Rating:
    def decide(loaded: Loaded) -> Decided[Rating]:
        if "code" not in loaded.state:  # only seq bookkeeping of events feedback ignores
            raise NotFound("dossier", cmd.dossier_code)
        record = record_of(loaded.state, cmd.dossier_code)
        entered_by = None
        if cmd.channel == "paper" and cmd.receiver is not None:
            cmd.receiver.require_unit(record.unit, "dossier")
            entered_by = cmd.receiver.subject
        record.rate(
            cmd.overall,
            cmd.indicators,
            cmd.channel,
            cmd.at,
            token=cmd.token,
            via_kiosk_counter=_kiosk_counter(ctx, cmd, record),
            entered_by=entered_by,
        )
        assert record.rating is not None
        return dossier_state(record), record.pull_events(), record.rating

    rating = await _change(ctx.store.dossiers, "dossier", cmd.dossier_code, cmd.at, decide)
    ctx.runtime.relay.notify()
    ctx.metrics.rated(rating)
    return rating


def _kiosk_counter(ctx: FeedbackContext, cmd: RateDossier, record: DossierRecord) -> str | None:
    """The returning counter, when the posted session was issued for it and this dossier."""
    if cmd.channel != "kiosk":
        return None
    valid = verify_kiosk_session(
        ctx.kiosk_session_key, cmd.kiosk_session, record.counter, record.code
    )
    return record.counter if valid else None


# ---------------------------------------------------------------------- complaints


@dataclass(frozen=True)
class FileComplaint:
    contact: Mapping[str, Any]
    content: str
    topic: str
    at: datetime
    unit: str | None = None
    dossier_code: str | None = None
    procedure_code: str | None = None
    repeat_of: str | None = None
    category: str | None = None


async def file_complaint(ctx: FeedbackContext, cmd: FileComplaint) -> tuple[Complaint, str]:
    """Tiếp nhận PAKN. Returns the complaint and the secret the citizen keeps to read the answer
    and rate it (only its hash is stored)."""
    dossier = await ctx.store.dossier(cmd.dossier_code) if cmd.dossier_code else None
    # A PAKN about a dossier is handled by the dossier's unit, whatever the form said.
    unit = (dossier.unit if dossier else None) or cmd.unit
    if not unit:
        raise InvalidComplaint("Cần mã đơn vị (unit) hoặc mã hồ sơ đã tiếp nhận.", "unit")
    # Public input: only units that have dossiers here, so nobody can invent metric labels.
    if dossier is None and not await ctx.store.unit_known(unit):
        raise NotFound("unit", unit)
    if cmd.repeat_of and await ctx.store.complaint(cmd.repeat_of) is None:
        raise NotFound("complaint", cmd.repeat_of)
    # Decide once under a provisional id so that a refused PAKN does not use up a number.
    _file(ctx, "PAKN-provisional", unit, dossier, cmd)
    for _ in range(ATTEMPTS):
        complaint_id = await ctx.store.next_complaint_id(unit, cmd.at)
        try:
            filed = await _save_new_complaint(ctx, complaint_id, unit, dossier, cmd)
        except ConcurrencyConflict:
            continue  # the number was taken (counter restored from a backup): draw the next
        await ctx.refresh_complaints_open()
        return filed
    raise Conflict("busy", "could not number the complaint; try again")


async def _save_new_complaint(
    ctx: FeedbackContext,
    complaint_id: str,
    unit: str,
    dossier: DossierRecord | None,
    cmd: FileComplaint,
) -> tuple[Complaint, str]:
    complaint = _file(ctx, complaint_id, unit, dossier, cmd)
    secret = secrets.token_urlsafe(18)
    store = ctx.store.complaints
    events = store.envelopes(complaint_id, 0, complaint.pull_events(), cmd.at)
    state = {**complaint_state(complaint), "secret_hash": hash_secret(secret)}
    await store.save(complaint_id, 0, state, events)
    ctx.runtime.relay.notify()
    return complaint, secret


async def reissue_secret(ctx: FeedbackContext, request_id: str) -> tuple[Complaint, str] | None:
    """The complaint a filing request stored before its process died, with a fresh secret.

    Only the secret's hash is kept, so the one shown with the lost answer cannot be shown
    again; the retry hands out a new one and the old one stops working. ``None`` when the
    request stored nothing (it is then run again)."""
    loaded = await ctx.store.complaints.find_by_request(request_id)
    if loaded is None:
        return None
    secret = secrets.token_urlsafe(18)
    await ctx.store.complaints.collection.update_one(
        {"_id": loaded.id}, {"$set": {"secret_hash": hash_secret(secret)}}
    )
    return Complaint.from_document(loaded.state), secret


def _file(
    ctx: FeedbackContext,
    complaint_id: str,
    unit: str,
    dossier: DossierRecord | None,
    cmd: FileComplaint,
) -> Complaint:
    return Complaint.file(
        complaint_id,
        cmd.contact,
        cmd.content,
        cmd.topic,
        unit,
        cmd.at,
        dossier_code=cmd.dossier_code,
        procedure_code=cmd.procedure_code or (dossier.procedure_code if dossier else None),
        repeat_of=cmd.repeat_of,
        category=cmd.category,
        calendar=ctx.calendars.for_unit(unit),
    )


async def _change_complaint(
    ctx: FeedbackContext,
    complaint_id: str,
    at: datetime,
    decide: Callable[[Complaint, Mapping[str, Any]], None],
) -> Complaint:
    def apply(loaded: Loaded) -> Decided[Complaint]:
        complaint = Complaint.from_document(loaded.state)
        decide(complaint, loaded.state)
        return complaint_state(complaint), complaint.pull_events(), complaint

    complaint = await _change(ctx.store.complaints, "complaint", complaint_id, at, apply)
    ctx.runtime.relay.notify()
    return complaint


async def classify(
    ctx: FeedbackContext,
    official: Principal,
    complaint_id: str,
    category: str,
    at: datetime,
    concerns_official: str | None = None,
) -> Complaint:
    def decide(complaint: Complaint, _: Mapping[str, Any]) -> None:
        official.require_unit(complaint.unit, "complaint")
        complaint.classify(category, official.subject, at, concerns_official)

    return await _change_complaint(ctx, complaint_id, at, decide)


async def answer(
    ctx: FeedbackContext, official: Principal, complaint_id: str, text: str, at: datetime
) -> Complaint:
    def decide(complaint: Complaint, _: Mapping[str, Any]) -> None:
        official.require_unit(complaint.unit, "complaint")
        complaint.answer(text, official.subject, at)

    complaint = await _change_complaint(ctx, complaint_id, at, decide)
    await ctx.refresh_complaints_open()
    return complaint


async def rate_answer(
    ctx: FeedbackContext, complaint_id: str, secret: str, satisfied: bool, at: datetime
) -> Complaint:
    def decide(complaint: Complaint, state: Mapping[str, Any]) -> None:
        require_secret(state, secret)
        complaint.rate_answer(satisfied, at)

    return await _change_complaint(ctx, complaint_id, at, decide)


def require_secret(state: Mapping[str, Any], secret: str | None) -> None:
    """The citizen's proof of filing: the secret handed out with the complaint id."""
    stored = state.get("secret_hash")
    if not secret or not stored or not hmac.compare_digest(hash_secret(secret), stored):
        raise ApiError(
            403,
            "invalid_secret",
            "Mã bí mật của phản ánh, kiến nghị không đúng.",
            {"field": "secret", "reason": "does not match this complaint"},
        )
