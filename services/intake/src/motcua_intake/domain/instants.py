"""Instants as the intake domain keeps them: timezone-aware, Vietnam time, whole milliseconds.

BSON dates keep milliseconds only and come back from MongoDB as UTC (naive unless the client is
tz-aware); normalising on the way in keeps a stored dossier equal to the live one, and Vietnam
time keeps stored and printed wall clocks the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from motcua_intake.domain.errors import InvalidTime
from motcua_platform.calendar import VN_TZ


def instant(value: datetime | None, field_name: str = "at") -> datetime:
    """A command's timestamp, checked and normalised; :class:`InvalidTime` if naive or absent."""
    if not isinstance(value, datetime):
        raise InvalidTime(f"{field_name} must be a date and time", field_name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidTime(f"{field_name} must carry a time zone offset", field_name)
    value = value.astimezone(VN_TZ)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def stored_instant(value: Any) -> datetime | None:
    """A time read back from storage or from an event's JSON: ISO text, aware, or naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        # pymongo without tz_aware=True hands back naive datetimes that are UTC.
        value = value.replace(tzinfo=UTC)
    return instant(value, "time")
