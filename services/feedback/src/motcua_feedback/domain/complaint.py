"""Phản ánh, kiến nghị (PAKN): a citizen's complaint or suggestion and its answer.

QĐ 766 group 6 measures how PAKN are handled: 5.1 classification (procedure/policy vs officials'
conduct), 5.2 progress (answer within **15 working days**), 5.3 the citizen's satisfaction with
the answer. The deadline is counted on the shared working calendar, so Tết and swapped days fall
out the same way as for dossier deadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar, cast, get_args

from motcua_feedback.domain.errors import (
    AlreadyAnswered,
    AnswerAlreadyRated,
    InvalidComplaint,
    NotAnswered,
)
from motcua_feedback.domain.events import (
    ComplainantContact,
    ComplaintAnswerWritten,
    ComplaintCategory,
    ComplaintClassifiedBy,
    ComplaintReceived,
    PrivateEvent,
)
from motcua_platform.contracts.events import (
    ComplaintAnswered,
    ComplaintAnswerRated,
    ComplaintClassified,
    ComplaintFiled,
    EventData,
    Timeliness,
)
from motcua_platform.instants import instant, stored_instant
from motcua_platform.timeliness import (
    HOURS_PER_WORKING_DAY,
    OpenTimeliness,
    classify_finish,
    classify_open,
)

__all__ = ["ComplainantContact", "Complaint", "ComplaintCategory", "DeadlineCalendar"]

COMPLAINT_CATEGORIES: tuple[str, ...] = get_args(ComplaintCategory)
# QĐ 766 indicator 5.2: answer within 15 working days; the calendar counts 8 h per working day.
ANSWER_WORKING_DAYS = 15
ANSWER_WORKING_HOURS = ANSWER_WORKING_DAYS * HOURS_PER_WORKING_DAY

ComplaintState = Literal["within", "overdue", "answered"]
_Published = TypeVar(
    "_Published", ComplaintFiled, ComplaintClassified, ComplaintAnswered, ComplaintAnswerRated
)


class DeadlineCalendar(Protocol):
    """The part of the unit's ``WorkingCalendar`` a PAKN deadline needs."""

    def add_working_hours(self, start: datetime, hours: float) -> datetime: ...


@dataclass
class Complaint:
    """One PAKN, from filing to the citizen's verdict on the answer.

    Same conventions as ``DossierRecord``: commands queue published events with ``_record``;
    ``apply`` is the only method that changes state; the complainant's contact, the content and
    the answer text travel only in private events, never to the outbox.
    """

    id: str
    unit: str = ""
    topic: str = ""
    filed_at: datetime | None = None
    due_at: datetime | None = None
    contact: ComplainantContact | None = None
    content: str = ""
    dossier_code: str | None = None
    procedure_code: str | None = None
    repeat_of: str | None = None
    category: ComplaintCategory | None = None
    classified_by: str | None = None
    classified_at: datetime | None = None
    concerns_official: str | None = None
    answer_text: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    answer_timeliness: Timeliness | None = None
    satisfied: bool | None = None
    satisfaction_at: datetime | None = None
    pending_events: list[EventData] = field(default_factory=list, compare=False, repr=False)

    # ------------------------------------------------------------------------ commands

    @classmethod
    def file(
        cls,
        complaint_id: str,
        contact: ComplainantContact | Mapping[str, Any],
        content: str,
        topic: str,
        unit: str,
        at: datetime,
        *,
        dossier_code: str | None = None,
        procedure_code: str | None = None,
        repeat_of: str | None = None,
        category: str | None = None,
        calendar: DeadlineCalendar,
    ) -> Complaint:
        """Tiếp nhận PAKN: due 15 working days after filing (QĐ 766 5.2).

        ``repeat_of`` names an earlier PAKN this one repeats about the same result; QĐ 766 5.3
        counts such repeats as unsatisfactory handling.
        """
        at = instant(at)
        required = {"complaint_id": complaint_id, "content": content, "topic": topic, "unit": unit}
        for name, value in required.items():
            if not value or not value.strip():
                raise InvalidComplaint(f"Phản ánh, kiến nghị thiếu {name}.", name)
        person = _contact(contact)
        if category is not None and category not in COMPLAINT_CATEGORIES:
            raise InvalidComplaint(f"Phân loại không hợp lệ: {category!r}.", "category")
        due_at = calendar.add_working_hours(at, ANSWER_WORKING_HOURS)
        complaint = cls(id=complaint_id)
        complaint.apply(ComplaintReceived(contact=person, content=content.strip()))
        complaint._record(
            ComplaintFiled(
                complaint_id=complaint_id,
                # The contract defaults the category; ``classified`` tells a real one (5.1).
                classified=category is not None,
                procedure_code=procedure_code or None,
                repeat_of=repeat_of or None,
                unit=unit,
                topic=topic.strip(),
                category=cast(ComplaintCategory, category or "procedure"),
                dossier_code=dossier_code,
                due_at=instant(due_at),
                at=at,
            )
        )
        return complaint

    def classify(
        self, category: str, by: str, at: datetime, concerns_official: str | None = None
    ) -> ComplaintClassified:
        """Phân loại (QĐ 766 5.1): about the procedure/policy, or about an official's conduct.

        Allowed until the answer, since the answer is written for one category. Who classified
        stays inside the service; the category and the official concerned are published.
        """
        at = instant(at)
        if category not in COMPLAINT_CATEGORIES:
            raise InvalidComplaint(f"Phân loại không hợp lệ: {category!r}.", "category")
        if self.answered_at is not None:
            raise InvalidComplaint(
                f"Phản ánh, kiến nghị {self.id} đã trả lời, không phân loại.", "category"
            )
        self.apply(ComplaintClassifiedBy(by=by, at=at))
        return self._record(
            ComplaintClassified(
                complaint_id=self.id,
                unit=self.unit,
                category=cast(ComplaintCategory, category),
                concerns_official=concerns_official or None,
                at=at,
            )
        )

    def answer(self, text: str, by: str, at: datetime) -> ComplaintAnswered:
        """Trả lời PAKN; its timeliness is judged against the 15-working-day due time."""
        at = instant(at)
        if self.answered_at is not None:
            raise AlreadyAnswered(self.id)
        if not text or not text.strip():
            raise InvalidComplaint("Nội dung trả lời không được để trống.", "text")
        if self.filed_at is None or self.due_at is None:
            raise InvalidComplaint(f"Phản ánh, kiến nghị {self.id} chưa được tiếp nhận.")
        if at < self.filed_at:
            raise InvalidComplaint("Thời điểm trả lời trước thời điểm tiếp nhận.", "at")
        self.apply(ComplaintAnswerWritten(text=text.strip(), by=by, at=at))
        return self._record(
            ComplaintAnswered(
                unit=self.unit,
                dossier_code=self.dossier_code,
                due_at=self.due_at,
                timeliness=classify_finish(at, self.due_at),
                at=at,
                complaint_id=self.id,
            )
        )

    def rate_answer(self, satisfied: bool, at: datetime) -> ComplaintAnswerRated:
        """The citizen says whether the answer satisfied them (QĐ 766 5.3); once."""
        at = instant(at)
        if self.answered_at is None:
            raise NotAnswered(self.id)
        if self.satisfied is not None:
            raise AnswerAlreadyRated(self.id)
        return self._record(
            ComplaintAnswerRated(
                complaint_id=self.id, unit=self.unit, satisfied=bool(satisfied), at=at
            )
        )

    # ------------------------------------------------------------------------- queries

    def is_overdue(self, now: datetime) -> bool:
        """Quá hạn: still unanswered after the due time."""
        if self.answered_at is not None or self.due_at is None:
            return False
        return classify_open(self.due_at, instant(now)) is OpenTimeliness.OVERDUE

    def state(self, now: datetime) -> ComplaintState:
        """``within`` / ``overdue`` while open (the ``motcua_complaints_open`` gauge), else
        ``answered``."""
        if self.answered_at is not None:
            return "answered"
        return "overdue" if self.is_overdue(now) else "within"

    def handled_late(self, now: datetime) -> bool:
        """Late for QĐ 766 5.3: answered after the due time, or still open past it."""
        return self.answer_timeliness == Timeliness.LATE or self.is_overdue(now)

    # --------------------------------------------------------------------------- state

    def pull_events(self) -> list[EventData]:
        """The events recorded since the last call, for the outbox; forgotten here."""
        events, self.pending_events = self.pending_events, []
        return events

    def _record(self, event: _Published) -> _Published:
        """Apply a published event and queue it for the outbox."""
        self.apply(event)
        self.pending_events.append(event)
        return event

    def apply(self, event: EventData | PrivateEvent) -> None:
        """The one place where the complaint changes, for live events and for replay."""
        match event:
            case ComplaintReceived():
                self.contact = event.contact
                self.content = event.content
            case ComplaintFiled():
                self.unit = event.unit
                self.topic = event.topic
                self.dossier_code = event.dossier_code
                self.filed_at = instant(event.at)
                self.due_at = instant(event.due_at)
                self.procedure_code = event.procedure_code
                self.repeat_of = event.repeat_of
                # The contract defaults the category; only a real classification counts (5.1).
                if event.classified:
                    self.category = event.category
            case ComplaintClassifiedBy():
                self.classified_by = event.by
            case ComplaintClassified():
                self.category = event.category
                self.classified_at = instant(event.at)
                self.concerns_official = event.concerns_official
            case ComplaintAnswerWritten():
                self.answer_text = event.text
                self.answered_by = event.by
            case ComplaintAnswered():
                self.answered_at = instant(event.at)
                self.answer_timeliness = event.timeliness
            case ComplaintAnswerRated():
                self.satisfied = event.satisfied
                self.satisfaction_at = instant(event.at)

    # ----------------------------------------------------------------------- documents

    def to_document(self) -> dict[str, Any]:
        """BSON-friendly state (aware datetimes, no '.'/'$' keys, no nested arrays)."""
        return {
            "id": self.id,
            "unit": self.unit,
            "topic": self.topic,
            "filed_at": self.filed_at,
            "due_at": self.due_at,
            "contact": self.contact.model_dump() if self.contact else None,
            "content": self.content,
            "dossier_code": self.dossier_code,
            "procedure_code": self.procedure_code,
            "repeat_of": self.repeat_of,
            "category": self.category,
            "classified_by": self.classified_by,
            "classified_at": self.classified_at,
            "concerns_official": self.concerns_official,
            "answer_text": self.answer_text,
            "answered_by": self.answered_by,
            "answered_at": self.answered_at,
            "answer_timeliness": self.answer_timeliness.value if self.answer_timeliness else None,
            "satisfied": self.satisfied,
            "satisfaction_at": self.satisfaction_at,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Complaint:
        """Rebuild a complaint from :meth:`to_document` output; keys the store adds are ignored."""
        contact = document.get("contact")
        timeliness = document.get("answer_timeliness")
        return cls(
            id=document["id"],
            unit=document.get("unit") or "",
            topic=document.get("topic") or "",
            filed_at=stored_instant(document.get("filed_at")),
            due_at=stored_instant(document.get("due_at")),
            contact=ComplainantContact.model_validate(contact) if contact else None,
            content=document.get("content") or "",
            dossier_code=document.get("dossier_code"),
            procedure_code=document.get("procedure_code"),
            repeat_of=document.get("repeat_of"),
            category=document.get("category"),
            classified_by=document.get("classified_by"),
            classified_at=stored_instant(document.get("classified_at")),
            concerns_official=document.get("concerns_official"),
            answer_text=document.get("answer_text"),
            answered_by=document.get("answered_by"),
            answered_at=stored_instant(document.get("answered_at")),
            answer_timeliness=Timeliness(timeliness) if timeliness else None,
            satisfied=document.get("satisfied"),
            satisfaction_at=stored_instant(document.get("satisfaction_at")),
        )


def _contact(contact: ComplainantContact | Mapping[str, Any]) -> ComplainantContact:
    """The complainant's contact; the answer must reach them, so a phone or e-mail is required."""
    try:
        person = (
            contact
            if isinstance(contact, ComplainantContact)
            else ComplainantContact.model_validate(dict(contact))
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise InvalidComplaint(f"Thông tin liên hệ không hợp lệ: {error}", "contact") from error
    if not (person.phone or person.email):
        raise InvalidComplaint("Cần số điện thoại hoặc thư điện tử để gửi câu trả lời.", "contact")
    return person
