"""Đánh giá mức độ hài lòng: feedback's view of one dossier and the rating of its result.

A dossier becomes rateable when workflow returns its result (``case.returned``): a rating request
is opened with a one-time token for the online form and the returning counter's kiosk may show it.
The citizen rates once (overall 3-level + the optional nine TT 01/2018 indicators) at the kiosk,
online with the token, or on a paper form that a receiver types in. The same record keeps the
workflow facts QĐ 766 indicator 5.4 needs: whether the dossier was overdue.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, cast, get_args

from motcua_feedback.domain import tt01
from motcua_feedback.domain.errors import (
    AlreadyRated,
    InvalidRating,
    InvalidToken,
    KioskNotAllowed,
    NotRateable,
    TokenAlreadyUsed,
)
from motcua_feedback.domain.events import PrivateEvent, RatingTokenIssued
from motcua_platform.contracts.events import (
    CaseEventData,
    CaseOverdue,
    CaseReturned,
    CaseStepCompleted,
    CaseStepStarted,
    CaseStopped,
    CaseSupplementRequested,
    EventData,
    RatingLevel,
    RatingSubmitted,
    Timeliness,
    data_model_for,
)
from motcua_platform.instants import instant, stored_instant
from motcua_platform.timeliness import counted_late_qd766

RatingChannel = Literal["kiosk", "online", "paper"]
RATING_LEVELS: tuple[str, ...] = get_args(RatingLevel)
RATING_CHANNELS: tuple[str, ...] = get_args(RatingChannel)

# 32 random bytes: the token is the only secret guarding the online form, so it must not be
# guessable from the dossier code (which is printed and spoken aloud at the counter).
TOKEN_BYTES = 32


class TokenSource(Protocol):
    """Where rating tokens come from; the ``secrets`` module fits, tests pass a fixed source."""

    def token_urlsafe(self, nbytes: int | None = None) -> str: ...


def hash_token(token: str) -> str:
    """SHA-256 of a rating token, as stored: a leaked database must not yield usable tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Rating:
    """One phiếu đánh giá as counted in the figures, with the dossier's unit, procedure and the
    officials who handled it, so a summary can be filtered without another lookup."""

    dossier_code: str
    unit: str
    procedure_code: str
    overall: RatingLevel
    indicators: Mapping[str, int]
    channel: RatingChannel
    at: datetime
    officials: tuple[str, ...] = ()
    counter: str | None = None
    entered_by: str | None = None

    @property
    def score(self) -> int | None:
        """TT 01/2018 points (0–18), ``None`` unless all nine indicators were scored."""
        return tt01.total_score(self.indicators)


@dataclass
class DossierRecord:
    """Feedback's view of one hồ sơ, built from workflow events and its own rating.

    Conventions the store relies on: commands decide and call ``_record`` for each published
    event, which applies it and queues it in ``pending_events`` (the outbox); ``apply`` is the
    only method that changes state, for live commands and for replay alike. Private facts
    (:mod:`motcua_feedback.domain.events`) are applied but never queued.
    """

    code: str
    unit: str | None = None
    procedure_code: str | None = None
    procedure_name: str | None = None
    applicant_name: str | None = None
    counter: str | None = None
    returned_at: datetime | None = None
    return_channel: str | None = None
    timeliness: Timeliness | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    overdue_since: datetime | None = None
    supplement_requests: int = 0
    officials: list[str] = field(default_factory=list)
    token_hash: str | None = None
    token_issued_at: datetime | None = None
    token_used: bool = False
    rating: Rating | None = None
    pending_events: list[EventData] = field(default_factory=list, compare=False, repr=False)

    # ------------------------------------------------------------------------- queries

    @property
    def is_returned(self) -> bool:
        """Đã trả kết quả: the result was handed over, so the dossier can be rated."""
        return self.returned_at is not None

    @property
    def is_overdue(self) -> bool:
        """Quá hạn for QĐ 766: late at the finish, flagged overdue while open, or asked to
        supplement more than once."""
        return self.overdue_since is not None

    @property
    def finished_at(self) -> datetime | None:
        """End of processing for the figures: the return, or the stop (dừng xử lý)."""
        return self.returned_at or self.stopped_at

    @property
    def awaits_rating(self) -> bool:
        """A rating request is open: returned and not yet rated."""
        return self.is_returned and self.rating is None

    def awaits_kiosk_rating(self, counter: str) -> bool:
        """Whether the kiosk of ``counter`` should offer this dossier to the citizen."""
        return self.awaits_rating and self.counter is not None and self.counter == counter

    def kiosk_card(self) -> dict[str, str | None]:
        """What the kiosk shows (``GET /kiosk/{counter}/current`` without the session)."""
        return {
            "dossier_code": self.code,
            "procedure_name": self.procedure_name or self.procedure_code,
            "applicant_name": self.applicant_name,
        }

    # ------------------------------------------------------------------------ workflow

    def apply_workflow(
        self, event_type: str, payload: Mapping[str, Any], *, tokens: TokenSource = secrets
    ) -> str | None:
        """Bring the record up to date with one workflow event (live or replayed).

        Returns the new one-time rating token when this event opened the rating request (to
        print as a QR code or send to the citizen; it is not kept), otherwise ``None``. Event
        types feedback does not need are ignored; a repeated ``case.returned`` opens nothing.
        """
        if not event_type.startswith("case."):
            return None
        try:
            model = data_model_for(event_type)
        except KeyError:
            # A type added to the topic after this version: nothing feedback knows to do with it.
            return None
        if not issubclass(model, CaseEventData):
            return None
        event = model.model_validate(dict(payload))
        if isinstance(event, CaseReturned) and self.is_returned:
            return None
        self.apply(event)
        if not isinstance(event, CaseReturned):
            return None
        token = tokens.token_urlsafe(TOKEN_BYTES)
        self.apply(RatingTokenIssued(token_hash=hash_token(token), at=event.returned_at))
        return token

    # ------------------------------------------------------------------------ commands

    def rate(
        self,
        overall: str,
        indicators: Mapping[str, object] | None,
        channel: str,
        at: datetime,
        token: str | None = None,
        via_kiosk_counter: str | None = None,
        entered_by: str | None = None,
    ) -> RatingSubmitted:
        """Record the citizen's rating of this dossier (phiếu đánh giá).

        ``online`` needs the unused one-time token; ``kiosk`` needs the kiosk of the counter that
        returned the result; ``paper`` is typed in by a receiver (``entered_by``). The caller
        checks identity (token holder, kiosk session, receiver's role); this decides.
        """
        at = instant(at)
        if self.returned_at is None:
            reason = "hồ sơ chưa trả kết quả" if self.unit else "không tìm thấy hồ sơ"
            raise NotRateable(self.code, reason)
        if overall not in RATING_LEVELS:
            raise InvalidRating(f"Mức đánh giá không hợp lệ: {overall!r}.", "overall")
        if channel not in RATING_CHANNELS:
            raise InvalidRating(f"Kênh đánh giá không hợp lệ: {channel!r}.", "channel")
        self._authorize(channel, token, via_kiosk_counter, entered_by)
        if self.rating is not None:
            raise AlreadyRated(self.code)
        scores = tt01.validate_indicators(indicators)
        event = RatingSubmitted(
            dossier_code=self.code,
            counter=self.counter if channel == "kiosk" else None,
            entered_by=entered_by if channel == "paper" else None,
            unit=self.unit or "",
            procedure_code=self.procedure_code or "",
            overall=cast(RatingLevel, overall),
            indicators=scores,
            channel=cast(RatingChannel, channel),
            at=at,
        )
        return self._record(event)

    def _authorize(
        self, channel: str, token: str | None, counter: str | None, entered_by: str | None
    ) -> None:
        """Refuse a rating that does not come through the channel's own proof."""
        if channel == "online":
            if not token:
                raise InvalidToken(self.code, "thiếu mã đánh giá")
            # Constant-time comparison: the hash is compared byte by byte with what is stored.
            if self.token_hash is None or not hmac.compare_digest(
                hash_token(token), self.token_hash
            ):
                raise InvalidToken(self.code, "mã đánh giá không đúng")
            if self.token_used:
                raise TokenAlreadyUsed(self.code)
        elif channel == "kiosk":
            if counter is None or self.counter is None or counter != self.counter:
                raise KioskNotAllowed(self.code, counter)
        elif not entered_by or not entered_by.strip():
            raise InvalidRating(
                "Phiếu đánh giá giấy phải do cán bộ tiếp nhận nhập (entered_by).", "entered_by"
            )

    # --------------------------------------------------------------------------- state

    def pull_events(self) -> list[EventData]:
        """The events recorded since the last call, for the outbox; forgotten here."""
        events, self.pending_events = self.pending_events, []
        return events

    def _record(self, event: RatingSubmitted) -> RatingSubmitted:
        """Apply a published event and queue it for the outbox."""
        self.apply(event)
        self.pending_events.append(event)
        return event

    def apply(self, event: EventData | PrivateEvent) -> None:
        """The one place where the record changes, for live events and for replay."""
        if isinstance(event, CaseEventData):
            # Every workflow event names its unit and procedure; the first one fills them in.
            self.unit = self.unit or event.unit
            self.procedure_code = self.procedure_code or event.procedure_code
        match event:
            case CaseReturned():
                self.returned_at = instant(event.returned_at)
                self.return_channel = event.channel.value
                self.timeliness = event.timeliness
                self.due_at = instant(event.due_at)
                self.counter = event.counter
                self.applicant_name = event.applicant_name
                self.procedure_name = event.procedure_name or self.procedure_name
                self._add_official(event.returned_by)
                if event.timeliness == Timeliness.LATE:
                    self._mark_overdue(event.due_at)
            case CaseOverdue():
                self.due_at = self.due_at or instant(event.due_at)
                self._mark_overdue(event.due_at)
            case CaseStopped():
                self.stopped_at = self.stopped_at or instant(event.at)
                if event.timeliness == Timeliness.LATE:
                    self._mark_overdue(event.at)
            case CaseStepStarted() | CaseStepCompleted():
                self._add_official(event.assignee)
            case CaseSupplementRequested():
                self.supplement_requests = max(self.supplement_requests, event.count)
                if counted_late_qd766(event.count):
                    self._mark_overdue(event.at)
            case RatingTokenIssued():
                self.token_hash = event.token_hash
                self.token_issued_at = instant(event.at)
                self.token_used = False
            case RatingSubmitted():
                self.rating = Rating(
                    dossier_code=self.code,
                    unit=event.unit,
                    procedure_code=event.procedure_code,
                    overall=event.overall,
                    indicators=dict(event.indicators),
                    channel=event.channel,
                    at=instant(event.at),
                    officials=tuple(self.officials),
                    counter=event.counter,
                    entered_by=event.entered_by,
                )
                self.token_used = self.token_used or event.channel == "online"

    def _mark_overdue(self, since: datetime) -> None:
        since = instant(since)
        if self.overdue_since is None or since < self.overdue_since:
            self.overdue_since = since

    def _add_official(self, official: object) -> None:
        if isinstance(official, str) and official and official not in self.officials:
            self.officials.append(official)

    # ----------------------------------------------------------------------- documents

    def to_document(self) -> dict[str, Any]:
        """BSON-friendly state (aware datetimes, no '.'/'$' keys, no nested arrays)."""
        return {
            "code": self.code,
            "unit": self.unit,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "applicant_name": self.applicant_name,
            "counter": self.counter,
            "returned_at": self.returned_at,
            "return_channel": self.return_channel,
            "timeliness": self.timeliness.value if self.timeliness else None,
            "due_at": self.due_at,
            "stopped_at": self.stopped_at,
            "overdue_since": self.overdue_since,
            "supplement_requests": self.supplement_requests,
            "officials": list(self.officials),
            "token_hash": self.token_hash,
            "token_issued_at": self.token_issued_at,
            "token_used": self.token_used,
            "rating": _rating_document(self.rating),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DossierRecord:
        """Rebuild a record from :meth:`to_document` output; keys the store adds are ignored."""
        timeliness = document.get("timeliness")
        return cls(
            code=document["code"],
            unit=document.get("unit"),
            procedure_code=document.get("procedure_code"),
            procedure_name=document.get("procedure_name"),
            applicant_name=document.get("applicant_name"),
            counter=document.get("counter"),
            returned_at=stored_instant(document.get("returned_at")),
            return_channel=document.get("return_channel"),
            timeliness=Timeliness(timeliness) if timeliness else None,
            due_at=stored_instant(document.get("due_at")),
            stopped_at=stored_instant(document.get("stopped_at")),
            overdue_since=stored_instant(document.get("overdue_since")),
            supplement_requests=int(document.get("supplement_requests") or 0),
            officials=list(document.get("officials") or []),
            token_hash=document.get("token_hash"),
            token_issued_at=stored_instant(document.get("token_issued_at")),
            token_used=bool(document.get("token_used")),
            rating=_rating_from_document(document["code"], document.get("rating")),
        )


def _rating_document(rating: Rating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "unit": rating.unit,
        "procedure_code": rating.procedure_code,
        "overall": rating.overall,
        "indicators": dict(rating.indicators),
        "channel": rating.channel,
        "at": rating.at,
        "officials": list(rating.officials),
        "counter": rating.counter,
        "entered_by": rating.entered_by,
    }


def _rating_from_document(code: str, data: Mapping[str, Any] | None) -> Rating | None:
    if data is None:
        return None
    at = stored_instant(data["at"])
    if at is None:
        raise ValueError(f"stored rating of {code} has no instant")
    return Rating(
        dossier_code=code,
        unit=data["unit"],
        procedure_code=data["procedure_code"],
        overall=data["overall"],
        indicators={str(key): int(value) for key, value in data["indicators"].items()},
        channel=data["channel"],
        at=at,
        officials=tuple(data.get("officials") or ()),
        counter=data.get("counter"),
        entered_by=data.get("entered_by"),
    )
