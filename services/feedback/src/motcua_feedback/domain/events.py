"""Private domain events: facts that change an aggregate but are not published.

The published events are the contract models (``RatingSubmitted``, ``ComplaintFiled``,
``ComplaintClassified``, ``ComplaintAnswered``, ``ComplaintAnswerRated``). Some state has no place
there: personal data of the complainant and the answer text (architecture §4: events carry only
what consumers use), the hash of a rating token, and which official classified or answered a
PAKN. They still pass through the aggregate's single ``apply`` so every state change has one
shape, but commands never put them in ``pending_events``, so they never reach the outbox.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ComplaintCategory = Literal["procedure", "conduct"]


class PrivateEvent(BaseModel):
    """Base of the events that stay inside the feedback service."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    event_type: ClassVar[str]


class RatingTokenIssued(PrivateEvent):
    """A one-time rating token (mã đánh giá) was issued; only its SHA-256 hash is kept."""

    event_type: ClassVar[str] = "rating.token_issued"

    token_hash: str = Field(min_length=64, max_length=64)
    at: AwareDatetime


class ComplainantContact(BaseModel):
    """How to reach the citizen who filed a phản ánh, kiến nghị (to send the answer)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    full_name: str = Field(min_length=1)
    phone: str | None = None
    email: str | None = None


class ComplaintReceived(PrivateEvent):
    """The personal part of a filed PAKN: who filed it and what they wrote."""

    event_type: ClassVar[str] = "complaint.received"

    contact: ComplainantContact
    content: str


class ComplaintClassifiedBy(PrivateEvent):
    """Who classified a PAKN; the public fact is the contract's ``ComplaintClassified``."""

    event_type: ClassVar[str] = "complaint.classified_by"

    by: str
    at: AwareDatetime


class ComplaintAnswerWritten(PrivateEvent):
    """The answer text and who wrote it; the public fact is ``ComplaintAnswered``."""

    event_type: ClassVar[str] = "complaint.answer_written"

    text: str
    by: str
    at: AwareDatetime
