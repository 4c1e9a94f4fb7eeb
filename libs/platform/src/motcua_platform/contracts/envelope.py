"""The CloudEvents-style envelope every Motcua message travels in (architecture §4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from uuid6 import uuid7

from motcua_platform.contracts.events import EventData, data_model_for


def new_event_id() -> str:
    """A UUIDv7: time-ordered, so ids sort roughly by creation."""
    return str(uuid7())


class Envelope(BaseModel):
    """One event as published on Kafka. The Kafka key is ``subject`` (the dossier code), so all
    events of one dossier stay in order on one partition.

    ``seq`` counts the events one service has published for that subject (1, 2, 3, …); consumers
    use it to drop duplicates and to hold gaps.
    """

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    source: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    time: AwareDatetime
    seq: int = Field(ge=1)
    schema_version: int = Field(default=1, alias="schema", ge=1)
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls, data: EventData, *, source: str, subject: str, seq: int, time: datetime
    ) -> Envelope:
        """Put typed event data into a new envelope."""
        return cls(
            id=new_event_id(),
            type=data.event_type,
            source=source,
            subject=subject,
            time=time,
            seq=seq,
            data=data.model_dump(mode="json", exclude_none=True),
        )

    def payload(self) -> EventData:
        """The typed event data; raises ``pydantic.ValidationError`` for a bad payload and
        ``KeyError`` for an unknown type."""
        return data_model_for(self.type).model_validate(self.data)

    def to_json(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)
